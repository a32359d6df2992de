"""The programme officer's journey in headless Chromium, as a person does it: the map, a region, a
country's profile, another year, the drill-down, countries compared over time, regional trends; on a
desktop (1280x800) and a phone (390x844). Each check names the stumble it guards against.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages import TIMEOUT, choose, wait_graph, wait_map
from tests.conftest import axe_violations

PHONE = {"width": 390, "height": 844}

# Sampled every animation frame from the moment a control changes: is the view blank (hidden, empty
# or collapsed)? And was it marked busy (dimmed, aria-busy) while the answer was awaited?
PROBE = """(sel) => {
    const s = {blank: 0, busy: false, run: true, why: []};
    window.__drd = s;
    function blank(el) {
        if (!el) { return 'gone'; }
        const c = getComputedStyle(el);
        return c.visibility === 'hidden' ? 'hidden' : c.display === 'none' ? 'none'
            : el.getBoundingClientRect().height < 100 ? 'flat'
            : !el.querySelector('.js-plotly-plot .main-svg') ? 'no chart' : '';
    }
    function tick() {
        const el = document.querySelector(sel);
        const why = blank(el);
        if (why) { s.blank += 1; if (s.why.length < 5) { s.why.push(why); } }
        if (el && el.getAttribute('aria-busy') === 'true') { s.busy = true; }
        if (s.run) { requestAnimationFrame(tick); }
    }
    requestAnimationFrame(tick);
}"""


@pytest.fixture(autouse=True)
def patient(page):
    """This 2-core machine is shared: give clicks and waits time (a stumble is a wrong state, not a slow one)."""
    page.set_default_timeout(4 * TIMEOUT)


def watch(page, selector: str):
    page.evaluate(PROBE, selector)


def watched(page) -> dict:
    return page.evaluate("() => { window.__drd.run = false; return window.__drd; }")


def traces(page, graph_id: str) -> list[dict]:
    return page.evaluate("""(id) => document.querySelector('#' + id + ' .js-plotly-plot')._fullData.map(t => ({
        name: t.name, type: t.type, mode: t.mode, dash: t.line && t.line.dash, symbol: t.marker && t.marker.symbol,
        locations: t.locations || [], visible: t.visible, yaxis: t.yaxis, x: t.x ? Array.from(t.x) : []}))""",
                         graph_id)


def modebar_titles(page) -> list[str]:
    return page.eval_on_selector_all(".modebar-btn", "els => els.map(e => e.getAttribute('data-title'))")


def overlaps_and_clipping(page) -> list[str]:
    """Chart texts under the toolbar (the title; the map's colour scale on a phone), chart texts cut at the
    chart's edge ("…corporat", "core (1-6)") and axis labels over a chart's notes (upright years over the
    source line on a phone)."""
    return page.evaluate("""() => {
        const out = [];
        const inside = (r, s) => r.left >= s.left - 2 && r.right <= s.right + 2 && r.top >= s.top - 2
            && r.bottom <= s.bottom + 2;
        const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        for (const plot of document.querySelectorAll('.js-plotly-plot')) {
            const svg = plot.querySelector('.main-svg');
            if (!svg || !plot.offsetParent) { continue; }
            const box = svg.getBoundingClientRect();
            const name = plot.closest('[id]') ? plot.closest('[id]').id : '?';
            for (const t of plot.querySelectorAll('.main-svg text')) {
                const r = t.getBoundingClientRect();
                if (!t.textContent.trim() || r.width === 0) { continue; }
                if (!inside(r, box)) { out.push(name + ': clipped "' + t.textContent.slice(0, 40) + '"'); }
            }
            const ticks = Array.from(plot.querySelectorAll('g[class^="x"][class$="tick"] text'))  // xtick, x2tick…
                .map(t => t.getBoundingClientRect());
            for (const t of plot.querySelectorAll('.infolayer .annotation text')) {
                const r = t.getBoundingClientRect();
                if (r.width && ticks.some(k => k.width && meet(r, k))) {
                    out.push(name + ': axis labels over "' + t.textContent.slice(0, 40) + '"');
                }
            }
            const bar = plot.querySelector('.modebar');
            const b = bar ? bar.getBoundingClientRect() : null;
            for (const t of (b && b.width > 0) ? plot.querySelectorAll('.main-svg text') : []) {
                const r = t.getBoundingClientRect();  // the title, legend, colour scale, source line…
                if (t.textContent.trim() && r.width && meet(b, r)) {
                    out.push(name + ': the toolbar covers "' + t.textContent.slice(0, 40) + '"');
                }
            }
        }
        return out;
    }""")


def test_programme_officer_journey(page):
    # -- the map: no cloud button, pilots outlined (not hidden under a star), and a switch for it
    page.goto(page.base_url + "/?year=2021")
    wait_map(page)
    titles = modebar_titles(page)
    assert titles and not [t for t in titles if re.search("share|cloud|plotly", t or "", re.I)], titles
    pilot = next(t for t in traces(page, "map-graph") if t["name"] == "Pilot country" and t["type"] == "choropleth")
    assert pilot["type"] == "choropleth" and "LBN" in pilot["locations"]
    page.get_by_label("Outline pilot countries").uncheck()
    page.wait_for_function("() => !document.querySelector('#map-graph .js-plotly-plot')._fullData"
                           ".some(t => t.name === 'Pilot country')", timeout=TIMEOUT)
    assert "pilots=0" in page.url
    page.get_by_label("Outline pilot countries").check()
    page.wait_for_function("() => document.querySelector('#map-graph .js-plotly-plot')._fullData"
                           ".some(t => t.name === 'Pilot country')", timeout=TIMEOUT)
    # screen readers hear each dropdown's label, not only its value
    expect(page.locator("#map-year")).to_have_accessible_name("Year: 2021")
    expect(page.locator("#map-node")).to_have_accessible_name("Score: Overall")

    # -- a region: the map zooms to it (it used to grey the rest and keep the world view)
    scale = "() => document.querySelector('#map-graph .js-plotly-plot')._fullLayout.geo._subplot.projection.scale()"
    world = page.evaluate(scale)
    watch(page, "#map-view")
    choose(page, "map-region", "Middle East & North Africa")
    page.wait_for_function("() => document.querySelector('#map-graph .js-plotly-plot').layout.title.text"
                           ".includes('Middle East')", timeout=TIMEOUT)
    assert watched(page)["blank"] == 0, "the map went blank while redrawing"
    zoomed = page.evaluate(scale)
    assert zoomed > 2 * world, (world, zoomed)

    # -- Lebanon is visible and clickable: its own shape opens its profile
    box = page.evaluate("""() => {
        const g = document.querySelector('#map-graph .js-plotly-plot');
        for (const p of g.querySelectorAll('path.choroplethlocation')) {
            const d = p.__data__;
            if (d && d.loc === 'LBN' && p.closest('.trace').querySelector('path') && d.z !== undefined) {
                const r = p.getBoundingClientRect();
                if (r.width > 4) { return {x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width}; }
            }
        }
        return null;
    }""")
    assert box and box["w"] > 8, f"Lebanon is too small to see on the zoomed map: {box}"
    page.mouse.click(box["x"], box["y"])
    page.wait_for_url(re.compile(r"/country/LBN\?year=2021"), timeout=TIMEOUT)
    wait_graph(page, "country-pillars")

    # -- another year: the profile stays on screen (dimmed, busy) and is redrawn in place
    for year in ("2018", "2021"):   # the second change is a cached one
        watch(page, "#country-body")
        choose(page, "country-year", year)
        page.wait_for_function("(y) => document.querySelector('#country-pillars .js-plotly-plot').layout.title"
                               ".text.includes(y) && document.querySelector('#country-body')"
                               ".getAttribute('aria-busy') === 'false'", arg=year, timeout=4 * TIMEOUT,
                               polling=250)
        seen = watched(page)
        assert seen["blank"] == 0, f"the profile went blank while changing to {year}: {seen['why']}"
        assert seen["busy"], "the profile was not marked busy while it was being redrawn"
    assert page.url.endswith("/country/LBN?year=2021")
    expect(page.locator("#country-year")).to_have_accessible_name("Year: 2021")

    # -- the drill-down: lowest score first, the ones pulling the pillar down highlighted, scales in words
    table = page.locator("#country-drilldown .drd-indicator-table").first
    cells = table.locator("td.drd-score-cell").all_inner_texts()
    scores = [float(m.group(0)) for m in (re.match(r"\d+\.\d+", c) for c in cells) if m]
    assert scores and scores == sorted(scores), scores
    assert table.locator("tr.drd-pulls-down").count() >= 1
    text = page.locator("#country-drilldown").inner_text()
    assert "as published" not in text and "V-Dem estimate (about" not in text
    assert "higher is better" in text and "scores 6" in text

    # -- compare over time: one line per country for one score
    page.goto(page.base_url + "/compare?countries=COL,LBN,UZB&year=2021")
    wait_graph(page, "compare-graph")
    page.get_by_label("Over time, one score").check()
    page.wait_for_function("() => document.querySelector('#compare-graph .js-plotly-plot')._fullData"
                           ".some(t => t.type === 'scatter' && t.name === 'Lebanon')", timeout=TIMEOUT)
    choose(page, "compare-node", "Privacy")
    page.wait_for_function("() => document.querySelector('#compare-graph .js-plotly-plot').layout.title.text"
                           ".startsWith('Privacy score')", timeout=TIMEOUT)
    lines = [t for t in traces(page, "compare-graph") if t["type"] == "scatter" and t["yaxis"] == "y"]
    assert [t["name"] for t in lines] == ["Colombia", "Lebanon", "Uzbekistan"]
    assert all(len(t["x"]) >= 5 for t in lines)
    assert "view=time" in page.url and "node=privacy" in page.url
    assert page.locator("#compare-year-col").is_hidden()

    # -- trends: every line differs from the others without its colour
    page.goto(page.base_url + "/trends")
    wait_graph(page, "trends-graph")
    lines = [t for t in traces(page, "trends-graph") if t["type"] == "scatter"]
    assert len(lines) >= 8   # the world (also as published) and seven regions
    styles = [(t["dash"], t["symbol"]) for t in lines]
    assert len(set(styles)) == len(styles), styles
    assert len({s for _, s in styles}) == len(styles), "two series share a marker"


@pytest.mark.parametrize("path", ["/", "/country/COL?year=2021", "/compare?view=time", "/trends", "/methodology",
                                  "/tensions"])
def test_phone_and_desktop_accessibility_and_layout(page, path):
    """axe finds no serious or critical violation at either size; on a phone nothing scrolls sideways,
    no chart text is clipped and no title sits under a toolbar."""
    for size in ({"width": 1280, "height": 800}, PHONE):
        page.set_viewport_size(size)
        page.goto(page.base_url + path)
        page.locator("footer.drd-footer").wait_for(timeout=TIMEOUT)
        page.wait_for_load_state("networkidle")
        if page.locator(".js-plotly-plot").count():
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=TIMEOUT)
            page.wait_for_timeout(300)
        assert axe_violations(page) == [], f"{path} at {size['width']} px"
        assert overlaps_and_clipping(page) == [], f"{path} at {size['width']} px"
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= size["width"], f"{path} is {width}px wide at {size['width']} px"


def test_phone_map_comes_before_a_screenful_of_controls(page):
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/?year=2021")
    wait_map(page)
    geo = page.evaluate("() => { const r = document.querySelector('#map-graph .geolayer, #map-graph .geo')"
                        ".getBoundingClientRect(); return {top: r.top, height: r.height}; }")
    top = page.evaluate("() => document.querySelector('#map-graph').getBoundingClientRect().top")
    assert top < PHONE["height"] * 0.6, f"the map starts {top:.0f} px down the phone screen"
    assert geo["height"] >= 170, f"the map itself is only {geo['height']:.0f} px high"


def test_phone_drilldown_needs_no_sideways_scrolling(page):
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/country/COL?year=2021")
    wait_graph(page, "country-pillars")
    row = page.locator("#country-drilldown tr", has_text="p_fiw_d4")
    row.scroll_into_view_if_needed()
    for part in (row.locator("td.drd-score-cell"), row.get_by_role("link", name="Freedom House")):
        box = part.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("path, control, option, view", [
    ("/?year=2021", "map-year", "2017", "#map-view"),
    ("/compare?countries=COL,IDN&year=2021", "compare-year", "2016", "#compare-view-body"),
])
def test_no_page_goes_blank_on_a_year_change(page, path, control, option, view):
    page.goto(page.base_url + path)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=TIMEOUT)
    watch(page, view)
    choose(page, control, option)
    page.wait_for_function("(y) => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                           ".some(g => g.layout && String(g.layout.title.text).includes(y))", arg=option,
                           timeout=4 * TIMEOUT, polling=250)
    page.wait_for_function("(v) => document.querySelector(v).getAttribute('aria-busy') !== 'true'", arg=view,
                           timeout=4 * TIMEOUT, polling=250)
    assert watched(page)["blank"] == 0


def test_dark_navbar_focus_ring_is_visible(page):
    page.goto(page.base_url + "/")
    # the live navbar, not the first-paint copy (its links are out of the tab order, and it goes away)
    link = page.locator("#react-entry-point .navbar .nav-link").first
    link.wait_for()
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    style = link.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineColor,"
                          " s.outlineWidth]; }")
    assert style[0] != "none" and style[2] != "0px"
    rgb = [int(c) for c in re.findall(r"\d+", style[1])[:3]]
    assert sum(rgb) > 400, f"the focus ring {style[1]} does not show on the dark navbar"
