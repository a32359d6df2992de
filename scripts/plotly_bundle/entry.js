/* Entry of assets/vendor/plotly-drd.min.js: plotly.js's core (scatter) with bar, scattergeo and choropleth,
   set as window.Plotly. Build (from this folder, with nothing else installed):

     npm i --no-save plotly.js@4.1.1 esbuild
     npx esbuild entry.js --bundle --minify --format=iife --define:global=window --target=es2018 \
       --loader:.css=empty --legal-comments=none --banner:js="$(cat banner.txt)" \
       --outfile=../../assets/vendor/plotly-drd.min.js
     cd ../.. && python scripts/precompress.py

   Evaluating the whole bundle is one task of 150-250 ms on a 2-core machine, in which the page cannot
   answer input (Lighthouse counts it as blocking time). So the modules are evaluated in stages, each in
   a task of its own, when the script tag asks for it (data-drd-staged, set by the app's script loader,
   dashboard/shell.py paint_first; window.drdPlotlyReady settles once window.Plotly is set). Without the
   attribute (dcc.Graph loading the file itself on a page that had no chart) all stages run at once.
   The stages are core.js's own first requires, in its order, then core.js and the traces in the order
   core.js and the register call below reach them: every module is evaluated in the same order as in
   one pass, so no circular require sees a different half-built module. */
(function () {
  var stages = [
    function () {
      require("plotly.js/src/version");
      require("native-promise-only");
      require("plotly.js/build/plotcss");
      require("plotly.js/src/registry");
    },
    function () { require("plotly.js/src/plot_api"); },
    function () { require("plotly.js/lib/core"); },
    function () { require("plotly.js/lib/bar"); },
    function () { require("plotly.js/lib/scattergeo"); },
    function () {
      var Plotly = require("plotly.js/lib/core");
      Plotly.register([require("plotly.js/lib/bar"), require("plotly.js/lib/scattergeo"),
                       require("plotly.js/lib/choropleth")]);
      window.Plotly = Plotly;
    }
  ];
  var script = document.currentScript;
  if (!script || !script.hasAttribute("data-drd-staged")) {
    stages.forEach(function (run) { run(); });
    return;
  }
  window.drdPlotlyReady = new Promise(function (resolve, reject) {
    var i = 0;
    (function step() {
      try { stages[i](); } catch (error) { reject(error); return; }
      i += 1;
      if (i === stages.length) { resolve(window.Plotly); } else { setTimeout(step, 0); }
    })();
  });
})();
