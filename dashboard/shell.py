"""The HTML shell Dash sends for a page: content in the first response, and only the scripts it uses.

Dash's own shell is an empty `react-entry-point` ("Loading..."): nothing meaningful paints until
the scripts, the layout and the page callback have all arrived, and then everything jumps into
place. For the public pages (map, profiles, compare, trends, methodology) `DashboardApp` instead
writes the page itself into the response, rendered by the same layout functions Dash calls
(dashboard.prerender turns the component tree into the markup React will produce), in a
`#drd-first-paint` block beside the React root. The small script after it hands over without a
jump: when React has drawn the app's frame, the pre-rendered page content moves into Dash's empty
page container and the rest of the copy is dropped; when Dash's own page content arrives the copy
goes (it stays on top while dcc.Loading still hides Dash's copy). The two have the same markup and
sizes, so nothing shifts (CLS), and without JavaScript the page still reads. The copy is for the
eyes only: aria-hidden, no ids, links and controls out of the tab order; screen readers,
keyboards, scripts and tests meet Dash's live page, as before.
Why this mechanism: Dash renders only on the client and fetches the page through
a callback, so there is no server rendering to switch on; a copy beside the root (rather than inside
it, which React empties at once to show "Loading...") stays visible until React can show the same.
Pages with per-user content (/review, sign-in) are never pre-rendered; the page part of the copy is
cached per page address and scoring run, the frame around it is built for each request.

dash-ag-grid (1.3 MB, 358 KB compressed, on every page because Dash loads every component library's
main script eagerly) is only needed where a grid is drawn: the map page's world table (opened on
demand) and the review page; dash_table (Dash's own, 10 KB) is used nowhere. The shell swaps each one's
script tag for a tiny stand-in component that loads the real script the first time one mounts (Dash
waits for it through the same `_dashprivate_isLazyComponentReady` hook its own async components use),
then renders the real one; pages that never draw one never download it. Dash's @babel/polyfill (36 KB
compressed) is replaced by the regenerator runtime (2.5 KB), the only part its bundles need.

Scripts: the partial plotly bundle (assets/vendor/plotly-drd.min.js) is not in Dash's automatic
asset list; the shell adds it only when the page draws a chart, before Dash's scripts so every
dcc.Graph finds `window.Plotly`. On other pages `window._dashPlotlyJSURL` points dcc.Graph at the
same bundle, so moving to a chart page in the browser loads it then, never Dash's full 4.8 MB one.
All of them are fetched and run only once the page has painted (`paint_first`).
"""

from __future__ import annotations

import copy
import hashlib
import html as html_lib
import json
import logging
import os
import re
from urllib.parse import urlencode

import dash
import flask
from dash._pages import _parse_query_string, _path_to_page  # Dash's own router helpers

from . import i18n, prerender

log = logging.getLogger(__name__)
PLOTLY_ASSET = "vendor/plotly-drd.min.js"
BOOTSTRAP_ASSET = "vendor/bootstrap.min.css"
BOOTSTRAP_RTL_ASSET = "vendor/bootstrap.rtl.min.css"  # the same Bootstrap version, mirrored: Arabic pages only
PRERENDER_PATHS = ("/", "/compare", "/trends", "/methodology", "/tensions")
PRERENDER_PREFIXES = ("/country/",)
PRERENDER_BUDGET = 40_000  # characters of pre-rendered markup; the rest arrives with Dash
CACHE_SIZE = 256

# Hand-over from the pre-rendered copy to React (see the module docstring). Runs before Dash's scripts.
HANDOVER = """<script>(function () {
  var copy = document.getElementById('drd-first-paint'), entry = document.getElementById('react-entry-point');
  if (!copy || !entry || !window.MutationObserver) { return; }
  var page = document.getElementById('drd-first-page'), held = [], content = null, timer = null;
  function drawn(el) { return el.firstElementChild; }
  function hiding() { return content.querySelector('div[style*="visibility: hidden"]'); }
  function drop() { if (page) { page.remove(); page = null; } }
  var watch = new MutationObserver(function () {
    content = content || entry.querySelector('#_pages_content');
    if (!content) { return; }
    if (copy.parentNode) {  /* React drew the frame: show it, with the copy of the page inside */
      if (page && !content.firstChild) { content.appendChild(page); } else { page = null; }
      copy.remove();
      entry.classList.remove('drd-entry-pending');
    }
    if (page && !page.classList.contains('drd-first-over') && content.childNodes.length > 1) {
      /* Dash's page arrived: it takes the space; the copy stays on top while Dash still hides it
         (dcc.Loading), and its dropdowns keep the copy's size until they are drawn */
      var sizes = Array.prototype.map.call(page.querySelectorAll('.drd-select-placeholder'),
                                           function (el) { return el.offsetHeight; });
      held = Array.prototype.filter.call(content.querySelectorAll('.drd-control'),
                                         function (el) { return !page.contains(el); }).slice(0, sizes.length);
      held.forEach(function (el, i) { if (!drawn(el)) { el.style.minHeight = sizes[i] + 'px'; } });
      page.classList.add('drd-first-over');
      timer = setTimeout(function () { drop(); }, 5000);
    }
    if (page && page.classList.contains('drd-first-over') && !hiding()) { drop(); clearTimeout(timer); }
    if (!page && !held.some(function (el) { return !drawn(el); })) {  /* all drawn: sizes are their own */
      held.forEach(function (el) { el.style.minHeight = ''; });
      watch.disconnect();
    }
  });
  watch.observe(entry, {childList: true, subtree: true, attributes: true, attributeFilter: ['style']});
})();</script>"""


# Component libraries fetched only when one of their components mounts: their main script under
# /_dash-component-suites/ -> (namespace, the component the app uses); see the module docstring. Nothing in
# the app calls their other exports (getApi...) early.
LAZY_LIBRARIES = {"dash_ag_grid/dash_ag_grid": ("dash_ag_grid", "AgGrid"),
                  "dash/dash_table/bundle": ("dash_table", "DataTable")}
LAZY_TAG = re.compile(r'<script src="([^"]*/_dash-component-suites/('
                      + "|".join(re.escape(k) for k in LAZY_LIBRARIES) + r')\.[^"]*\.js)"></script>')
POLYFILL_TAG = re.compile(r'<script src="[^"]*/_dash-component-suites/dash/deps/polyfill@[^"]*\.js"></script>')
REGENERATOR_ASSET = "vendor/regenerator-runtime.min.js"
# Dash's assets_ignore matches file names: the shell adds these where needed (the chart bundle, the runtime, and
# the mirrored Bootstrap for Arabic pages)
IGNORED_ASSETS = r"^((plotly-drd|regenerator-runtime)\.min\.js|bootstrap\.rtl\.min\.css)$"
# The stand-in for a library until one of its components is drawn: arguments namespace, component, script URL.
LAZY_LOADER = """<script>(function (ns, name, url) {
  var loading = null, real = null;
  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = url;
        s.onload = function () {
          real = window[ns];
          var mine = Object.assign({}, real);
          mine[name] = Lazy;
          window[ns] = mine;
          resolve(true);
        };
        s.onerror = function () { loading = null; reject(new Error(ns + ' could not be loaded')); };
        document.head.appendChild(s);
      });
    }
    return loading;
  }
  function Lazy(props) {
    var R = window.React, state = R.useState(!!real), ready = state[0], setReady = state[1];
    R.useEffect(function () { if (!ready) { load().then(function () { setReady(true); }); } }, []);
    if (ready) { return R.createElement(real[name], props); }
    return R.createElement('div', {id: props.id, className: props.className, style: props.style,
                                   'aria-busy': 'true'});
  }
  Object.defineProperty(Lazy, '_dashprivate_isLazyComponentReady',
                        {get: function () { return real ? true : load(); }});
  var stub = {};
  stub[name] = Lazy;
  window[ns] = stub;
})(%s, %s, %s);</script>"""


def lazy_scripts(app: dash.Dash, scripts: str) -> str:
    """Dash's script tags with the lazy libraries' swapped for their stand-ins, and its @babel/polyfill
    for the regenerator runtime alone."""
    def stand_in(match: re.Match) -> str:
        ns, name = LAZY_LIBRARIES[match.group(2)]
        return LAZY_LOADER % (json.dumps(ns), json.dumps(name), json.dumps(html_lib.unescape(match.group(1))))
    scripts = LAZY_TAG.sub(stand_in, scripts)
    runtime = f'<script src="{html_lib.escape(asset_version(app, REGENERATOR_ASSET))}"></script>'
    return POLYFILL_TAG.sub(lambda _: runtime, scripts, count=1)


# The page's `lang` (from its URL) on the app's own requests, so Dash's layout and callbacks answer in the
# language of the page (dashboard.i18n). Read at each request: dcc.Link navigation keeps `lang` in the URL.
LANG_HEADER_SCRIPT = """<script>(function () {
  var f = window.fetch;
  if (!f) { return; }
  window.fetch = function (input, init) {
    var lang = new URLSearchParams(window.location.search).get('lang');
    var url = typeof input === 'string' ? input : ((input && input.url) || '');
    if (lang && url.indexOf('/_dash-') !== -1) {
      init = Object.assign({}, init || {});
      var headers = new Headers(init.headers || {});
      headers.set('HEADER', lang);
      init.headers = headers;
    }
    return f.call(this, input, init);
  };
})();</script>""".replace("HEADER", i18n.HEADER)


def asset_version(app: dash.Dash, path: str) -> str:
    """The asset's URL with Dash's modification-time fingerprint (`?m=`), so it can be cached for good."""
    full = os.path.join(app.config.assets_folder, path)
    return f"{app.get_asset_url(path)}?m={os.path.getmtime(full)}"


def plotly_url(app: dash.Dash) -> str:
    return asset_version(app, PLOTLY_ASSET)


# dcc's graph and dropdown code are chunks its main script fetches when the first one mounts, after the
# layout and the page callback have arrived: one more round trip at the end of a first visit (two on a
# slow phone connection). A page whose copy draws them has them fetched with the scripts instead.
DCC_CHUNKS = {"charts": "async-graph.js", "dropdowns": "async-dropdown.js"}


def preload_chunks(app: dash.Dash, rendered: prerender.Rendered | None) -> str:
    """<link rel=preload> for the dcc chunks the page's first-paint copy shows it will need."""
    if rendered is None:
        return ""
    base = app.config.requests_pathname_prefix + "_dash-component-suites/dash/dcc/"
    return "".join(f'<link rel="preload" as="script" href="{html_lib.escape(base + name)}">'
                   for flag, name in DCC_CHUNKS.items() if getattr(rendered, flag))


# Paint first, then fetch and run the scripts. Script tags at the end of <body>, parser-blocking or
# deferred, are fetched with the HTML and run as soon as they are in, which on a fast connection is
# before the browser's first frame: the page's first-paint copy then waits for about 700 KB of
# JavaScript to be parsed and run (4 s on Lighthouse's phone), and for a slow connection they take the
# bandwidth the stylesheets need. So the shell writes the tags into an inert <template> and Dash's
# renderer start as a loader: once the copy is on the screen (the first contentful paint: a frame
# drawn is not yet shown, and scripts started then hold it back) it asks for all of the template's
# files at once (preloads, with the dcc chunks'), then inserts their scripts one after the other, each
# when the one before has run and in a task of its own, and starts the renderer after the last. Scripts
# inserted together (async = false) were run back to back in one task: on the map, plotly and Dash's
# libraries made one task of 270 ms in which the page could not answer (Lighthouse's blocking time).
# The chart bundle itself is evaluated in stages, one task each (scripts/plotly_bundle/entry.js): the
# next script waits for window.drdPlotlyReady.
# The inline scripts between the tags stay where they were: they only define functions (the lazy
# libraries' stand-ins, clientside callbacks) and need nothing from the files. A tab opened in the
# background paints nothing: the scripts start at once there, and a timer starts them if a visible
# page has not painted within 3 s.
SCRIPT_TAG = re.compile(r'<script src="([^"]+)"></script>\n?')
DASH_RENDERER = '<script id="_dash-renderer" type="application/javascript">var renderer = new DashRenderer();</script>'
SCRIPTS_TEMPLATE_ID = "drd-scripts"
PAINT_FIRST = """<script id="_dash-renderer" type="application/javascript">(function () {
  var listed = document.getElementById('ID').content.children, started = false;
  function start() {
    if (started) { return; }
    started = true;
    var files = [];
    Array.prototype.forEach.call(listed, function (tag) {
      if (tag.tagName === 'LINK') { document.head.appendChild(document.importNode(tag, false)); return; }
      var hint = document.createElement('link');  /* every file is fetched at once... */
      hint.rel = 'preload';
      hint.as = 'script';
      hint.href = tag.getAttribute('src');
      document.head.appendChild(hint);
      files.push(hint.href);
    });
    function next(i) {  /* ...and run in order, each in a task of its own */
      if (i === files.length) { window.renderer = new DashRenderer(); return; }
      var s = document.createElement('script');
      s.src = files[i];
      s.setAttribute('data-drd-staged', '');  /* the chart bundle then sets up in several tasks too */
      function go() { setTimeout(function () { next(i + 1); }, 0); }
      s.onload = function () { Promise.resolve(window.drdPlotlyReady).then(go, go); };
      s.onerror = go;
      document.body.appendChild(s);
    }
    next(0);
  }
  var types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
  if (document.visibilityState === 'hidden') {
    start();
  } else if (types.indexOf('paint') !== -1) {
    new PerformanceObserver(function (list, observer) {
      if (list.getEntriesByName('first-contentful-paint').length) { observer.disconnect(); setTimeout(start, 0); }
    }).observe({type: 'paint', buffered: true});
  } else {  /* no paint timing: the frame after the first one */
    window.requestAnimationFrame(function () { window.requestAnimationFrame(function () { setTimeout(start, 0); }); });
  }
  setTimeout(start, 3000);
})();</script>""".replace("ID", SCRIPTS_TEMPLATE_ID)


def paint_first(scripts: str, renderer: str, preloads: str = "") -> tuple[str, str]:
    """The page's scripts and renderer start, rewritten to fetch and run after the first paint (see
    above); `preloads` are <link> tags issued with the scripts.

    Returns them unchanged (the preloads first) when Dash's renderer start is not its default one, as a
    renderer hook would be lost."""
    if renderer != DASH_RENDERER:
        log.warning("Dash's renderer start is not the default one: scripts run before the first paint")
        return preloads + scripts, renderer
    tags = "".join(m.group(0).strip() for m in SCRIPT_TAG.finditer(scripts))
    rest = SCRIPT_TAG.sub("", scripts)
    return rest, f'<template id="{SCRIPTS_TEMPLATE_ID}">{preloads}{tags}</template>\n{PAINT_FIRST}'


def prerendered_path(path: str) -> bool:
    return path in PRERENDER_PATHS or path.startswith(PRERENDER_PREFIXES)


def _nav_active(tree, path: str) -> None:
    """dbc.NavLink(active="exact") decides in the browser; decide here for the copy."""
    import dash_bootstrap_components as dbc
    for node in tree._traverse():  # noqa: SLF001 - Dash's own walk over a component tree
        if isinstance(node, dbc.NavLink) and getattr(node, "active", None) == "exact":
            node.active = (node.href or "").split("?")[0] == path


MARKER = "drd-first-page-goes-here"


def page_html(app: dash.Dash, path: str, args: dict) -> prerender.Rendered | None:
    """The page at `path` with query `args` as static HTML; None if the page is not a public one,
    unknown, or its layout fails (then Dash's own shell is sent)."""
    if not prerendered_path(path):
        return None
    page, variables = _path_to_page(app.strip_relative_path(path))
    if not page or not callable(page.get("layout")):
        return None
    try:
        tree = i18n.localise_tree(page["layout"](**{**(variables or {}), **args}), i18n.url_language())
        return prerender.to_html(tree, budget=PRERENDER_BUDGET, ids=False)
    except Exception:  # noqa: BLE001 - the copy is an optimisation; Dash still renders the page
        log.exception("pre-rendering %s failed; sending Dash's empty shell", path)
        return None


def frame_html(shell_layout, path: str, page: prerender.Rendered) -> str:
    """The app's frame (navbar, footer) around the pre-rendered page. Built per request, never cached:
    it is the part that could one day show who is signed in."""
    frame = copy.deepcopy(shell_layout())  # the frame holds dash.page_container: never change Dash's own
    container = frame["_pages_content"]
    container.id = "drd-first-content"
    container.children = dash.html.Div(MARKER, id="drd-first-page", **{"aria-hidden": "true"})
    _nav_active(frame, path)
    frame = i18n.localise_tree(frame, i18n.url_language())
    return prerender.to_html(frame, ids=False).html.replace(MARKER, page.html, 1)


class DashboardApp(dash.Dash):
    """dash.Dash whose index carries the page's first paint and only the scripts the page needs."""

    shell_layout = None  # the app frame (navbar, page container, footer): set by create_app
    cache_key = None  # callable: an object replaced when the scores change (data.bundle()); drops the cache

    def interpolate_index(self, **kwargs):  # noqa: D102 - Dash's hook, documented above
        request = flask.request
        path = request.path
        args = dict(_parse_query_string("?" + urlencode(list(request.args.items(multi=True)))))
        rendered = self._page_html(path, args)
        head = (f'<script>(function () {{ var u = "{plotly_url(self)}"; try {{ Object.defineProperty(window, '
                '"_dashPlotlyJSURL", {get: function () { return u; }, set: function () {}}); } '
                'catch (e) { window._dashPlotlyJSURL = u; } })();</script>')
        scripts = lazy_scripts(self, kwargs.get("scripts", ""))
        if rendered is not None and rendered.charts:
            scripts = f'<script src="{html_lib.escape(plotly_url(self))}"></script>\n' + scripts
        scripts, kwargs["renderer"] = paint_first(scripts, kwargs.get("renderer", ""), preload_chunks(self, rendered))
        kwargs["scripts"] = head + "\n" + LANG_HEADER_SCRIPT + "\n" + scripts
        lang = i18n.current()
        kwargs["title"] = html_lib.escape(i18n.gettext(kwargs.get("title") or ""))  # the app's name, translated
        if lang in i18n.RTL:  # Bootstrap's mirrored stylesheet instead of the left-to-right one
            kwargs["css"] = re.sub(r'href="[^"]*' + re.escape(BOOTSTRAP_ASSET) + r'(\?[^"]*)?"',
                                   f'href="{asset_version(self, BOOTSTRAP_RTL_ASSET)}"', kwargs.get("css", ""))
        if rendered is not None:
            kwargs["app_entry"] = (f'<div id="drd-first-paint" aria-hidden="true">'
                                   f'{frame_html(self.shell_layout, path, rendered)}</div>\n'
                                   '<div id="react-entry-point" class="drd-entry-pending">'
                                   '<div class="_dash-loading">Loading...</div></div>\n' + HANDOVER)
        page = super().interpolate_index(**kwargs)
        return page.replace('<html lang="en">', f'<html lang="{lang}" dir="{i18n.direction(lang)}">', 1)

    def _page_html(self, path: str, args: dict) -> prerender.Rendered | None:
        """page_html(), cached per address and scoring run (public pages only: nothing per user)."""
        if self.shell_layout is None or not prerendered_path(path):
            return None
        token = self.cache_key() if self.cache_key else None
        # the language is part of the key: the copy is text in one language (and links carrying it)
        key = hashlib.sha1(repr((path, sorted(args.items()), i18n.current(), i18n.url_language())).encode()
                           ).hexdigest()
        cache = getattr(self, "_first_paint_cache", None)
        if cache is None or cache[0] is not token:
            cache = (token, {})
            self._first_paint_cache = cache
        entries = cache[1]
        if key not in entries:
            if len(entries) >= CACHE_SIZE:
                entries.clear()
            entries[key] = page_html(self, path, args)
        return entries[key]
