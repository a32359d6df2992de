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
   a third time). Re-applied after every drawing event, since Plotly redraws its notes from the figure.
   The same events give the plot area's top (under the title and legend) as --drd-plot-top, where the
   map's zoom buttons stand (assets/drd.css): placed from the chart's bottom, they covered the colour
   scale on a phone, where the margins under the map are a larger part of the chart. */
(function () {
  function fitChart(gd) {
    var fl = gd._fullLayout;
    if (!fl || !fl._size || !fl._size.w) { return; }
    gd.style.setProperty('--drd-plot-top', fl._size.t + 'px');
    if (!gd.layout || !gd.layout.annotations) { return; }
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
      gd.on(ev, function () { fitChart(gd); });
    });
    fitChart(gd);
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
/* Menus of links sent as HTML (.drd-menu: the download menus, dashboard/components/downloads.py), with
   Bootstrap's dropdown behaviour: the button opens and closes the list (aria-expanded), a click outside,
   Escape or leaving it with Tab closes it, arrow keys move through its links, Home/End to the ends.
   The list opens under the button and, when it would leave the screen, is aligned to the button's other
   edge. */
(function () {
  function parts(el) {
    var root = el && el.closest ? el.closest('.drd-menu .dropdown') : null;
    return root ? {root: root, button: root.querySelector('.dropdown-toggle'),
                   list: root.querySelector('.dropdown-menu')} : null;
  }
  function links(m) { return Array.prototype.slice.call(m.list.querySelectorAll('a.dropdown-item')); }
  function close(m, focus) {
    if (!m || !m.list.classList.contains('show')) { return; }
    m.list.classList.remove('show', 'dropdown-menu-end');
    m.button.classList.remove('show');
    m.button.setAttribute('aria-expanded', 'false');
    if (focus) { m.button.focus(); }
  }
  function closeAll(except) {
    document.querySelectorAll('.drd-menu .dropdown-menu.show').forEach(function (list) {
      if (!except || list !== except.list) { close(parts(list), false); }
    });
  }
  function open(m, first) {
    closeAll(m);
    m.list.classList.add('show');
    m.button.classList.add('show');
    m.button.setAttribute('aria-expanded', 'true');
    var r = m.list.getBoundingClientRect(), width = document.documentElement.clientWidth;
    if (r.right > width || r.left < 0) { m.list.classList.add('dropdown-menu-end'); }
    var items = links(m);
    if (first !== undefined && items.length) { items[first < 0 ? items.length - 1 : 0].focus(); }
  }
  document.addEventListener('click', function (e) {
    var m = parts(e.target);
    if (m && e.target.closest('.dropdown-toggle') === m.button) {
      if (m.list.classList.contains('show')) { close(m, false); } else { open(m); }
      return;
    }
    if (m && e.target.closest('a.dropdown-item')) { close(m, false); return; }  // the download starts
    closeAll(m);
  });
  document.addEventListener('keydown', function (e) {
    var m = parts(e.target);
    if (!m) { return; }
    var shown = m.list.classList.contains('show'), items = links(m), at = items.indexOf(e.target);
    if (e.key === 'Escape' && shown) { e.preventDefault(); close(m, true); }
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      var down = e.key === 'ArrowDown';
      if (!shown) { open(m, down ? 0 : -1); return; }
      if (!items.length) { return; }
      var next = at < 0 ? (down ? 0 : items.length - 1) : (at + (down ? 1 : -1) + items.length) % items.length;
      items[next].focus();
    } else if ((e.key === 'Home' || e.key === 'End') && shown && items.length) {
      e.preventDefault();
      items[e.key === 'Home' ? 0 : items.length - 1].focus();
    }
  });
  document.addEventListener('focusout', function (e) {
    var m = parts(e.target);
    if (m && (!e.relatedTarget || !m.root.contains(e.relatedTarget))) { close(m, false); }
  });
})();
/* Views redrawn by a callback (dashboard/components/ui.py busy/progress): while the callback runs, Dash
   shows its progress line (`running` sets the line's class); the view the line names (data-drd-view)
   is dimmed and marked aria-busy here, so Dash never re-renders the whole view just to dim it. */
(function () {
  function sync(line) {
    var view = document.getElementById(line.getAttribute('data-drd-view'));
    if (!view) { return; }
    var on = line.classList.contains('drd-progress-on');
    view.classList.toggle('drd-stale', on);
    view.setAttribute('aria-busy', on ? 'true' : 'false');
  }
  function start() {
    new MutationObserver(function (records) {
      records.forEach(function (r) { if (r.target.hasAttribute('data-drd-view')) { sync(r.target); } });
    }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['class']});
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();
/* Charts are drawn one at a time, each in a task of its own, and only when they are on or near the
   screen. dcc.Graph draws each chart as React mounts or updates it, so every chart of a page was drawn
   in the same task as React's own work: on a profile, four charts and the mount held the page for half
   a second (Lighthouse's blocking time), and on a phone none of them is on the first screen. Here
   Plotly.react (the only drawing call dcc.Graph makes) waits until the chart is within MARGIN px of
   the screen, then its turn after the charts before it, then a new task. dcc.Graph asks for a chart's
   next figure only once the last one is drawn, so a chart that waited through a year change draws the
   old figure and then the new one when it is scrolled to. Printing draws every waiting chart first. */
(function () {
  var MARGIN = 400;
  var waiting = new Map(), observer = null, chain = Promise.resolve(), printing = false;
  function near(gd) {
    var r = gd.getBoundingClientRect();
    return r.bottom > -MARGIN && r.top < (window.innerHeight || 0) + MARGIN;
  }
  function release(gd) {
    var go = waiting.get(gd);
    if (!go) { return; }
    waiting.delete(gd);
    if (observer) { observer.unobserve(gd); }
    go();
  }
  function whenNear(gd) {
    waiting.forEach(function (go, el) {  /* charts of a page left before they were drawn */
      if (!el.isConnected) { waiting.delete(el); observer.unobserve(el); }
    });
    if (!observer || printing || near(gd)) { return Promise.resolve(); }
    return new Promise(function (resolve) { waiting.set(gd, resolve); observer.observe(gd); });
  }
  function nextTask() {
    return printing ? Promise.resolve() : new Promise(function (resolve) { setTimeout(resolve, 0); });
  }
  function pace(P) {
    if (!P || typeof P.react !== 'function' || P.react.drdPaced) { return; }
    var react = P.react;
    if (window.IntersectionObserver) {
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) { if (e.isIntersecting) { release(e.target); } });
      }, {rootMargin: MARGIN + 'px 0px'});
    }
    P.react = function (gd) {
      var self = this, args = arguments;
      if (!gd || !gd.getBoundingClientRect) { return react.apply(self, args); }
      return whenNear(gd).then(function () {
        var turn = chain.then(nextTask).then(function () { return react.apply(self, args); });
        chain = turn.catch(function () {});
        return turn;
      });
    };
    P.react.drdPaced = true;
  }
  /* before printing, at once: the waiting charts are drawn in the microtasks that follow this event */
  window.addEventListener('beforeprint', function () { printing = true; Array.from(waiting.keys()).forEach(release); });
  window.addEventListener('afterprint', function () { printing = false; });
  if (window.Plotly) {
    pace(window.Plotly);
  } else {  /* pages without charts: dcc.Graph loads the bundle when a chart first mounts */
    var loaded;
    Object.defineProperty(window, 'Plotly', {configurable: true, enumerable: true,
      get: function () { return loaded; }, set: function (v) { loaded = v; pace(v); }});
  }
})();
