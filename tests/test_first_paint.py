"""The first response and HTTP caching (issue 14): content in the HTML, the chart bundle only where a
page draws a chart, fingerprinted files cached for good, data answers cached per scoring run with ETags."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import dash_bootstrap_components as dbc
import pytest
from conftest import first_paint
from dash import dcc, html

from dashboard import caching, data, prerender

PLOTLY_TAG = re.compile(r'<script src="/assets/vendor/plotly-drd\.min\.js\?m=[0-9.]+"></script>')


@pytest.fixture(scope="module")
def client(app_config):
    from dashboard import create_app
    return create_app(app_config).server.test_client()


class Balance(HTMLParser):
    """Counts open elements: every one closed, none closed twice."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in prerender.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def balanced(markup: str) -> bool:
    parser = Balance()
    parser.feed(markup)
    return not parser.errors and not parser.stack


# --- prerender: component tree -> the markup React will write ---------------------------------------

def test_html_components_keep_their_attributes_and_text_is_escaped():
    out = prerender.to_html(html.Div([html.H1("A <b> & c", className="h3"), html.A("x", href="/a?b=1&c=2"),
                                      html.Label("L", htmlFor="f"), html.Td("t", colSpan=2)],
                                     id="d", style={"minHeight": "10px", "zIndex": 2}, **{"aria-label": "q"}))
    assert out.html == ('<div id="d" style="min-height: 10px; z-index: 2" aria-label="q">'
                        '<h1 class="h3">A &lt;b&gt; &amp; c</h1><a href="/a?b=1&amp;c=2">x</a>'
                        '<label for="f">L</label><td colspan="2">t</td></div>')
    assert not out.charts


def test_bootstrap_grid_cards_and_badges_get_bootstraps_classes():
    out = prerender.to_html(dbc.Row([dbc.Col(dbc.Card(dbc.CardBody("c"), className="h-100"), xs=12, sm=6, lg=True,
                                             className="mb-2"),
                                     dbc.Col(dbc.Badge("Pilot", color="dark"), width=4)], className="g-2")).html
    assert out == ('<div class="row g-2"><div class="col-12 col-sm-6 col-lg mb-2"><div class="card h-100">'
                   '<div class="card-body">c</div></div></div>'
                   '<div class="col-4"><span class="badge bg-dark">Pilot</span></div></div>')


def test_a_graph_is_a_box_of_its_figures_height_and_marks_the_page_as_drawing_charts():
    out = prerender.to_html(dcc.Graph(id="g", figure={"data": [], "layout": {"height": 484}}, className="drd-graph"))
    assert out.charts
    assert 'style="height: 484px"' in out.html and 'class="dash-graph dash-graph--pending' in out.html
    assert 'id="g"' in out.html


def test_a_dropdown_shows_its_chosen_labels_or_its_placeholder_and_invisible_parts_write_nothing():
    opts = [{"label": "Colombia (COL)", "value": "COL"}, {"label": "Lebanon (LBN)", "value": "LBN"}]
    chosen = prerender.to_html(dcc.Dropdown(id="c", options=opts, value=["LBN", "COL"], multi=True)).html
    assert ">Lebanon (LBN), Colombia (COL)<" in chosen and "drd-select-multi" in chosen
    empty = prerender.to_html(dcc.Dropdown(id="c", options=opts, placeholder="Type a country name…")).html
    assert 'class="drd-placeholder-text">Type a country name…<' in empty
    assert prerender.to_html([dcc.Store(id="s", data={"a": 1}), dcc.Location(id="l")]).html == ""


def test_a_budget_cuts_the_page_after_whole_elements_and_closes_what_is_open():
    tree = html.Main([html.Section([html.H2(f"Part {n}"), html.P("x" * 50)]) for n in range(100)])
    full = prerender.to_html(tree)
    cut = prerender.to_html(tree, budget=500)
    assert not full.truncated and cut.truncated
    assert 500 <= len(cut.html) < 800 and balanced(cut.html) and cut.html.endswith("</main>")
    assert "Part 0" in cut.html and "Part 99" not in cut.html


# --- the first response --------------------------------------------------------------------------

def test_the_methodology_text_is_in_the_first_response_and_no_chart_bundle_is(client):
    body = client.get("/methodology").get_data(as_text=True)
    copy = first_paint(body)
    ds = data.dataset()
    assert "<h1" in copy and ">Methodology</h1>" in copy
    first_indicator = ds.methodology.indicators.iloc[0]["name"]
    assert first_indicator in copy  # read from data/methodology/indicators.csv, before any script runs
    assert not PLOTLY_TAG.search(body)
    # a graph reached by moving within the app loads the same partial bundle, never Dash's full one
    assert re.search(r'var u = "/assets/vendor/plotly-drd\.min\.js\?m=[0-9.]+"', body)
    assert balanced(copy)


def test_the_profile_cards_are_in_the_first_response_with_the_scores_the_api_gives(client):
    body = client.get("/country/COL?year=2021").get_data(as_text=True)
    copy = first_paint(body)
    drill = client.get("/api/v1/countries/COL?year=2021").get_json()
    overall = drill["overall"]["score"]
    assert f'<span class="fs-3 fw-semibold me-1">{overall:.2f}</span>' in copy
    for pillar in drill["pillars"]:
        assert f">{pillar['name']}</h3>" in copy
    assert len(PLOTLY_TAG.findall(body)) == 1  # the page draws charts: the bundle comes before Dash's scripts
    assert body.index("plotly-drd.min.js?m=") < body.index("dash_renderer")
    assert 'tabindex="-1" class="nav-link">Map</a>' in copy  # no nav link marked active on a profile
    # the copy is read-only and anonymous: scripts and tests find only Dash's live controls by id
    assert 'id="country-drilldown"' not in copy and 'id="country-year"' not in copy
    assert re.search(r'<button type="button" tabindex="-1" aria-expanded="true" class="accordion-button">', copy)


def test_the_map_page_reserves_the_map_and_marks_its_nav_link(client):
    copy = first_paint(client.get("/?year=2020").get_data(as_text=True))
    assert 'class="dash-graph dash-graph--pending drd-graph-placeholder drd-graph drd-map"' in copy
    assert '<a href="/" tabindex="-1" class="nav-link active">Map</a>' in copy
    assert copy.startswith('<div id="drd-first-paint" aria-hidden="true">')  # for the eyes only
    assert ">2020<" in copy  # the year the link asked for, in the year box


class Focusable(HTMLParser):
    """Elements a keyboard could reach: links, controls, summaries and anything with tabindex >= 0."""

    TAGS = ("a", "button", "input", "select", "textarea", "summary", "iframe")

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("tabindex") == "-1":
            return
        if tag in self.TAGS or attrs.get("tabindex") is not None:
            self.found.append(f"<{tag} {attrs}>")


@pytest.mark.parametrize("path", ["/", "/country/COL?year=2021", "/compare", "/trends", "/methodology",
                                  "/tensions"])
def test_the_copy_is_hidden_from_assistive_tech_and_nothing_in_it_takes_focus(client, path):
    """axe aria-hidden-focus: the copy is aria-hidden, so nothing inside may be in the tab order
    (the methodology's scrollable tables carry tabIndex=0 in Dash's page)."""
    copy = first_paint(client.get(path).get_data(as_text=True))
    parser = Focusable()
    parser.feed(copy)
    assert parser.found == [], parser.found[:5]


@pytest.mark.parametrize("path", ["/", "/methodology", "/country/COL"])
def test_the_grid_library_is_fetched_only_when_a_grid_is_drawn(client, path):
    """dash-ag-grid's 358 KB script is not in any page's scripts: a stand-in loads it when a grid mounts."""
    from dashboard import shell
    body = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert not shell.LAZY_TAG.search(body) and "polyfill@" not in body
    assert re.search(r'<script src="/assets/vendor/regenerator-runtime\.min\.js\?m=[0-9.]+"></script>', body)
    loader = re.search(r'\("dash_ag_grid", "AgGrid", '
                       r'"(/_dash-component-suites/dash_ag_grid/dash_ag_grid\.v[^"]+\.min\.js)"\)', body)
    assert loader, "the stand-in names the real script"
    assert client.get(loader.group(1)).status_code == 200
    # the stand-in takes the real script's place among Dash's scripts: before the renderer starts
    assert body.index('"dash_ag_grid", "AgGrid"') < body.index("dash_renderer")
    assert '("dash_table", "DataTable", "/_dash-component-suites/dash/dash_table/bundle.v' in body


def test_pages_with_per_user_content_or_unknown_addresses_get_dashs_own_shell(client):
    assert "drd-first-paint" not in client.get("/signin").get_data(as_text=True)
    assert "drd-first-paint" not in client.get("/no-such-page").get_data(as_text=True)


# --- HTTP caching --------------------------------------------------------------------------------

def test_fingerprinted_files_are_cached_for_good_and_others_are_revalidated(client):
    body = client.get("/").get_data(as_text=True)
    asset = re.search(r'href="(/assets/drd\.css\?m=[0-9.]+)"', body).group(1)
    suite = re.search(r'src="(/_dash-component-suites/dash/dash-renderer/[^"]+)"', body).group(1)
    for url in (asset, suite):
        assert client.get(url).headers["Cache-Control"] == caching.IMMUTABLE, url
    assert client.get("/assets/drd.css").headers.get("Cache-Control") != caching.IMMUTABLE


def test_fingerprinted_files_come_hard_compressed_in_the_best_encoding_the_browser_takes(client):
    import gzip

    import brotli
    body = client.get("/").get_data(as_text=True)
    plotly = re.search(r'src="(/assets/vendor/plotly-drd\.min\.js\?m=[0-9.]+)"', body).group(1)
    suite = re.search(r'src="(/_dash-component-suites/dash/dash-renderer/[^"]+)"', body).group(1)
    raw = (caching_root() / "assets" / "vendor" / "plotly-drd.min.js").read_bytes()
    packed = client.get(plotly, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert packed.headers["Content-Encoding"] == "br" and "Accept-Encoding" in packed.headers["Vary"]
    assert packed.data == (caching_root() / "assets" / "vendor" / "plotly-drd.min.js.br").read_bytes()
    assert brotli.decompress(packed.data) == raw and len(packed.data) < 0.3 * len(raw)
    assert int(packed.headers["Content-Length"]) == len(packed.data)
    renderer = client.get(suite, headers={"Accept-Encoding": "gzip"})
    assert renderer.headers["Content-Encoding"] == "gzip"
    plain = client.get(suite, headers={"Accept-Encoding": "identity"})
    assert gzip.decompress(renderer.data) == plain.data and "Content-Encoding" not in plain.headers
    assert caching.static_encoding("gzip;q=1, br;q=0") == "gzip"


def caching_root():
    from pathlib import Path
    return Path(__file__).resolve().parent.parent


def test_every_committed_br_file_is_the_file_beside_it():
    """scripts/precompress.py writes them; a stale one would be refused at run time: rerun the script."""
    import brotli
    vendor = caching_root() / "assets" / "vendor"
    packed = sorted(vendor.glob("*.br"))
    assert {p.name[:-3] for p in packed} == {p.name for p in vendor.iterdir() if p.suffix in (".js", ".css")}
    for path in packed:
        assert brotli.decompress(path.read_bytes()) == path.with_suffix("").read_bytes(), \
            f"{path.name} is stale: run python scripts/precompress.py"


def test_a_repeated_api_answer_is_the_cached_body_with_an_etag_and_304_when_unchanged(client, monkeypatch):
    import dashboard.api as api
    calls = []
    real = api.scores_table
    monkeypatch.setattr(api, "scores_table", lambda q: calls.append(q) or real(q))
    caching.clear()
    first = client.get("/api/v1/scores?year=2021&level=pillar&country=COL,LBN")
    again = client.get("/api/v1/scores?country=COL,LBN&year=2021&level=pillar")  # same query, other order
    assert first.status_code == again.status_code == 200 and len(calls) == 1
    assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
    assert client.get("/api/v1/scores?year=2021&level=pillar&country=COL,LBN",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    other = client.get("/api/v1/scores?year=2020&level=pillar&country=COL,LBN")
    assert other.headers["ETag"] != first.headers["ETag"] and len(calls) == 2
    data.refresh()  # a new scoring run (e.g. an accepted correction): the bodies are rebuilt
    client.get("/api/v1/scores?year=2021&level=pillar&country=COL,LBN")
    assert len(calls) == 3


def test_bad_requests_are_never_cached(client):
    caching.clear()
    for _ in range(2):
        response = client.get("/api/v1/scores?year=1800")
        assert response.status_code == 400 and response.get_json()["parameter"] == "year"
        assert "ETag" not in response.headers


def test_a_download_carries_an_etag_and_an_unchanged_one_gets_304(client):
    first = client.get("/download/scores.csv?year=2021&country=COL")
    assert first.status_code == 200 and first.headers["ETag"]
    assert client.get("/download/scores.csv?year=2021&country=COL").headers["ETag"] == first.headers["ETag"]
    again = client.get("/download/scores.csv?year=2021&country=COL", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/download/scores.csv?year=2020&country=COL").headers["ETag"] != first.headers["ETag"]


def scripts_template(body: str) -> str:
    match = re.search(r'<template id="drd-scripts">(.*?)</template>', body, re.S)
    assert match, "the page's scripts are listed in the template the paint-first loader reads"
    return match.group(1)


def test_the_dcc_chunks_a_page_needs_are_fetched_with_the_scripts(client):
    """A page drawing charts and dropdowns asks for dcc's chunks with its scripts, not after the page callback."""
    listed = scripts_template(client.get("/country/COL?year=2021").get_data(as_text=True))
    for chunk in ("async-graph.js", "async-dropdown.js"):
        assert f'<link rel="preload" as="script" href="/_dash-component-suites/dash/dcc/{chunk}">' in listed
    text_page = client.get("/methodology").get_data(as_text=True)
    assert 'rel="preload"' not in text_page  # no chart, no dropdown


@pytest.mark.parametrize("path", ["/country/COL?year=2021", "/methodology", "/trends"])
def test_scripts_are_fetched_after_the_first_paint_in_dashs_order(client, path):
    """No script tag runs before the first paint: every file is in the inert template, in Dash's order,
    and the renderer start is the loader that inserts them once the page has painted."""
    body = client.get(path).get_data(as_text=True)
    listed = scripts_template(body)
    outside = body.replace(listed, "")
    assert not re.search(r"<script[^>]*\ssrc=", outside), "a script tag outside the template runs before the paint"
    order = re.findall(r'<script src="([^"]+)"></script>', listed)
    names = [re.sub(r"[.?].*", "", url.rsplit("/", 1)[-1]) for url in order]
    assert names.index("react@18") < names.index("react-dom@18") < names.index("dash_renderer")
    assert names[-1] == "dash_html_components" and "drd" in names
    charts = path != "/methodology"
    assert ("plotly-drd" in names) == charts  # the chart bundle first, where the page draws charts
    assert names[0] == ("plotly-drd" if charts else "regenerator-runtime")
    loader = re.search(r'<script id="_dash-renderer" type="application/javascript">(.*?)</script>', body, re.S)
    assert loader and "first-contentful-paint" in loader.group(1) and "new DashRenderer()" in loader.group(1)
    assert "data-drd-staged" in loader.group(1) and "drdPlotlyReady" in loader.group(1)  # staged chart bundle
    assert body.index('<template id="drd-scripts">') < loader.start()


def test_a_renderer_hook_keeps_dashs_own_script_tags():
    from dashboard import shell
    tags = '<script src="/a.js"></script>\n<script>inline()</script>\n<script src="/b.js"></script>'
    hooked = '<script id="_dash-renderer" type="application/javascript">var renderer = new DashRenderer(h);</script>'
    assert shell.paint_first(tags, hooked, "<link>") == ("<link>" + tags, hooked)
    rest, loader = shell.paint_first(tags, shell.DASH_RENDERER, "<link>")
    assert rest.strip() == "<script>inline()</script>"  # inline scripts stay in place, the files move
    listed = '<template id="drd-scripts"><link><script src="/a.js"></script><script src="/b.js"></script></template>'
    assert listed in loader
