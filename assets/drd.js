/* Accessibility patches for Dash 4 dropdowns (axe-core serious findings), applied as the DOM changes:
   1. each dropdown renders a hidden, read-only "focus target" input marked aria-hidden but in the
      tab order (aria-hidden-focus), which hands focus on to the dropdown's button: take the input
      out of the tab order and put the button itself in it, so Tab still reaches every dropdown;
   2. the dropdown's button is named by aria-labelledby="<id>-value-count <id>-value", ids that exist
      only for a multi-select or a chosen value, so a screen reader heard the value but never the
      label ("2021", not "Year 2021"): name every dropdown button "<label>: <what it shows>" from its
      <label for=...>, in the order it shows them (label-content-name-mismatch). */
(function () {
  function shownText(el) {
    var parts = [], walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), node;
    while ((node = walk.nextNode())) { if (node.nodeValue.trim()) { parts.push(node.nodeValue.trim()); } }
    return parts.join(' ');
  }
  function patch(root) {
    root.querySelectorAll('input.dash-dropdown-focus-target[aria-hidden="true"]:not([tabindex="-1"])')
      .forEach(function (el) { el.setAttribute('tabindex', '-1'); });
    root.querySelectorAll('button.dash-dropdown[tabindex="-1"]')
      .forEach(function (el) { el.setAttribute('tabindex', '0'); });
    root.querySelectorAll('button.dash-dropdown').forEach(function (el) {
      var label = el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
      var text = label ? label.textContent.trim() : '';
      var shown = shownText(el);
      var name = text && shown ? text + ': ' + shown : (text || shown);
      if (!name) { return; }
      if (el.hasAttribute('aria-labelledby')) { el.removeAttribute('aria-labelledby'); }
      if (el.getAttribute('aria-label') !== name) { el.setAttribute('aria-label', name); }
    });
  }
  var queued = false;
  function schedule() {
    if (queued) { return; }
    queued = true;
    requestAnimationFrame(function () { queued = false; patch(document); });
  }
  function start() {
    patch(document);
    new MutationObserver(schedule).observe(document.body, {
      childList: true, subtree: true, characterData: true,
      attributes: true, attributeFilter: ['aria-labelledby', 'tabindex']});
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();
/* Charts: the source line and notes under a chart are placed at the plot's left edge, after the axis
   labels, which on a phone pushed them off the right edge ("…Free expression corporat"): start
   them at the chart's own left edge instead. The note's SVG group is moved (no Plotly.relayout: that
   re-ran the layout of every chart after each redraw, and its relayoutData made Dash plot each chart
   a third time). Re-applied after every drawing event, since Plotly redraws its notes from the figure. */
(function () {
  function fitNotes(gd) {
    var fl = gd._fullLayout;
    if (!fl || !fl._size || !fl._size.w || !gd.layout || !gd.layout.annotations) { return; }
    gd.layout.annotations.forEach(function (a, i) {
      if (a.xref !== 'paper' || a.yanchor !== 'top' || a.y !== 0 || a.showarrow) { return; }
      // px from the plot's edge to the chart's: left-aligned notes at x=0, right-aligned (Arabic) at x=1
      var x = a.x || 0, shift = a.xanchor === 'left' && x === 0 ? -fl._size.l
        : a.xanchor === 'right' && x === 1 ? fl._size.r : null;
      var g = shift === null ? null : gd.querySelector('.infolayer .annotation[data-index="' + i + '"]');
      if (g) { g.setAttribute('transform', 'translate(' + shift + ',0)'); }
    });
  }
  function hook(gd) {
    if (gd.__drdNotes || !gd.on) { return; }
    gd.__drdNotes = true;
    ['plotly_afterplot', 'plotly_react', 'plotly_relayout', 'plotly_redraw'].forEach(function (ev) {
      gd.on(ev, function () { fitNotes(gd); });
    });
    fitNotes(gd);
  }
  function scan() { document.querySelectorAll('.js-plotly-plot').forEach(hook); }
  function start() { scan(); new MutationObserver(scan).observe(document.body, {childList: true, subtree: true}); }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();
/* drd.StaticHtml (dashboard/components/static.py): read-only HTML written on the server, shown as it is,
   so tables and text that no callback touches are one component for Dash's renderer, not hundreds.
   Its links to the app's own pages (data-drd-link, from dcc.Link) are followed the way dcc.Link does:
   history.pushState and Dash's router event, no reload; the page's ?lang= is kept. */
(function () {
  window.drd = window.drd || {};
  window.drd.StaticHtml = function (props) {
    return window.React.createElement('div', {id: props.id, className: props.className,
                                              dangerouslySetInnerHTML: {__html: props.html || ''}});
  };
  document.addEventListener('click', function (e) {
    var a = e.target && e.target.closest ? e.target.closest('.drd-static a[data-drd-link]') : null;
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey
        || a.target || a.origin !== window.location.origin) { return; }
    var url = new URL(a.href), lang = new URLSearchParams(window.location.search).get('lang');
    if (lang && !url.searchParams.has('lang')) { url.searchParams.set('lang', lang); }
    e.preventDefault();
    if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) {
      window.location.hash = url.hash;
      return;
    }
    window.history.pushState({}, '', url.pathname + url.search + url.hash);
    window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
    window.scrollTo(0, 0);
  });
})();
