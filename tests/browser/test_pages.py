"""The pages in headless Chromium (network blocked but for the live server; console errors fail a test).

Screenshots land in tests.conftest.SHOTS (desktop 1280x800 and phone 390x844) for a human to look at.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import SHOTS, axe_violations, wait_drawn

TIMEOUT = 30_000


def wait_graph(page, graph_id: str):
    """Wait until the plotly graph inside #graph_id has drawn (scrolled to: tests.conftest.wait_drawn)."""
    wait_drawn(page, f"#{graph_id}", f"#{graph_id} .main-svg", timeout=TIMEOUT)
    page.wait_for_function("(id) => { const g = document.querySelector('#' + id + ' .js-plotly-plot');"
                           " return g && g._fullLayout && g._fullData && g._fullData.length > 0; }",
                           arg=graph_id, timeout=TIMEOUT)


def wait_map(page):
    """Wait until the map has drawn its country shapes: they come once the topojson file is in, after the rest
    of the chart (wait_graph alone can return while the map's geo layer is still 0 px high)."""
    wait_graph(page, "map-graph")
    page.wait_for_selector("#map-graph path.choroplethlocation", timeout=TIMEOUT)


def graph_title(page, graph_id: str) -> str:
    text = page.evaluate(f"() => document.querySelector('#{graph_id} .js-plotly-plot').layout.title.text")
    return text.replace("<br>", " ")


def choose(page, control_id: str, option: str):
    """Dash 4 dropdown: click it, then pick the option by its accessible name."""
    page.locator(f"#{control_id}").click()
    page.get_by_role("option", name=option, exact=True).click()


def expected_scored(year: int) -> set[str]:
    from dashboard import data
    nodes = data.nodes(year)
    return set(nodes[(nodes["node"] == "overall") & nodes["score"].notna()]["iso3"])


def test_map_draws_every_scored_country(page):
    page.goto(page.base_url + "/?year=2021")
    wait_map(page)
    drawn = page.evaluate("""() => {
        const g = document.querySelector('#map-graph .js-plotly-plot');
        const out = {scored: [], nodata: [], points: []};
        for (const t of g._fullData) {
            if (t.name === 'Scored') out.scored = t.locations;
            if (t.name === 'No data') out.nodata = t.locations;
            if (t.name === 'Small states') out.points = t.customdata;
        }
        out.paths = g.querySelectorAll('path.choroplethlocation').length;
        return out;
    }""")
    scored = expected_scored(2021)
    assert set(drawn["scored"]) | set(drawn["points"]) == scored
    assert not set(drawn["nodata"]) & scored          # no-data countries are a separate, grey trace
    assert drawn["paths"] >= len(drawn["scored"])     # the shapes really are in the SVG (local topojson)
    assert "Overall score" in graph_title(page, "map-graph")


def test_choosing_pillar_year_and_actor_updates_map_and_url(page):
    page.goto(page.base_url + "/")
    wait_graph(page, "map-graph")
    choose(page, "map-node", "Privacy")
    page.wait_for_function("() => document.querySelector('#map-graph .js-plotly-plot').layout.title.text"
                           ".startsWith('Privacy score')", timeout=TIMEOUT)
    choose(page, "map-year", "2019")
    page.wait_for_function("() => document.querySelector('#map-graph .js-plotly-plot').layout.title.text"
                           ".includes('2019')", timeout=TIMEOUT)
    page.get_by_label("State").check()
    page.wait_for_function("() => document.querySelector('#map-graph .js-plotly-plot').layout.title.text"
                           ".includes('state actors only')", timeout=TIMEOUT)
    assert re.search(r"year=2019", page.url) and "node=privacy" in page.url and "actor=state" in page.url
    # the download links follow the view
    hrefs = page.eval_on_selector_all("#map-downloads a", "els => els.map(e => e.getAttribute('href'))")
    assert any("/download/chart/map.png" in h and "node=privacy" in h and "year=2019" in h for h in hrefs)


def test_url_reproduces_the_view(page):
    page.goto(page.base_url + "/?year=2018&node=access&actor=corporate&region=South%20Asia")
    wait_graph(page, "map-graph")
    title = graph_title(page, "map-graph")
    assert "Access" in title and "2018" in title and "corporate" in title and "South Asia" in title


def test_clicking_a_country_opens_its_profile(page):
    page.goto(page.base_url + "/?year=2021")
    wait_map(page)
    box = page.evaluate("""() => {
        const g = document.querySelector('#map-graph .js-plotly-plot');
        for (const p of g.querySelectorAll('path.choroplethlocation')) {
            const d = p.__data__;
            if (d && (d.loc === 'BRA' || (d.properties && d.id === 'BRA'))) {
                const r = p.getBoundingClientRect();
                return {x: r.x + r.width * 0.55, y: r.y + r.height * 0.4};
            }
        }
        return null;
    }""")
    assert box, "Brazil's shape was not found on the map"
    page.mouse.move(box["x"], box["y"])
    page.locator("#map-graph .hoverlayer", has_text="Brazil").wait_for(timeout=TIMEOUT)  # hover says Brazil
    page.mouse.click(box["x"], box["y"])
    page.wait_for_url(re.compile(r"/country/BRA\?year=2021"), timeout=TIMEOUT)
    page.get_by_role("heading", name=re.compile("Brazil")).wait_for(timeout=TIMEOUT)


def test_keyboard_user_can_open_a_profile(page):
    page.goto(page.base_url + "/")
    wait_graph(page, "map-graph")
    for _ in range(40):  # Tab from the top of the page to the country picker
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "map-country":
            break
    else:
        pytest.fail("the country picker is not reachable with the Tab key")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.classList.contains('dash-dropdown-search')",
                           timeout=TIMEOUT)
    page.keyboard.type("Lebanon")
    page.get_by_role("option", name="Lebanon (LBN)").wait_for(timeout=TIMEOUT)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/country/LBN"), timeout=TIMEOUT)
    page.get_by_role("heading", name=re.compile("Lebanon")).wait_for(timeout=TIMEOUT)


def test_profile_drilldown_reaches_an_indicator_source(page):
    page.goto(page.base_url + "/country/COL?year=2021")
    page.get_by_role("heading", name=re.compile("Colombia")).wait_for(timeout=TIMEOUT)
    # pillar level: score, band label and coverage in the accordion header
    page.get_by_role("button", name=re.compile(r"Privacy: 3\.18 · Privacy partly protected · coverage 75%")).wait_for()
    row = page.locator("#country-drilldown tr", has_text="p_fiw_d4")
    assert "2021" in row.inner_text() and "4.75" in row.inner_text()
    link = row.get_by_role("link", name="Freedom House")
    assert link.get_attribute("href").startswith("https://freedomhouse.org")
    # another pillar: open it and reach its source
    page.get_by_role("button", name=re.compile(r"^Access: ")).click()
    access = page.locator("#country-drilldown tr", has_text="a_shutdowns")
    access.wait_for(state="visible", timeout=TIMEOUT)
    assert access.get_by_role("link", name=re.compile("Access Now")).get_attribute("href").startswith("https://")
    # a closed pillar's table is built when it is opened (it was not on the page before) ...
    assert page.locator("#country-drilldown .drd-indicator-table").count() == 2
    # ... and the pillars the reader opened stay open, with their tables, in another year
    choose(page, "country-year", "2019")
    page.get_by_role("button", name=re.compile(r"^Access: .*")).wait_for(timeout=TIMEOUT)
    page.wait_for_function("() => document.querySelector('#country-pillars .js-plotly-plot').layout.title.text"
                           ".includes('2019')", timeout=4 * TIMEOUT)
    access = page.locator("#country-drilldown tr", has_text="a_shutdowns")
    access.wait_for(state="visible", timeout=TIMEOUT)
    assert page.get_by_role("button", name=re.compile(r"^Access: ")).get_attribute("aria-expanded") == "true"


def test_charts_off_the_screen_wait_until_they_are_scrolled_to(page):
    """assets/drd.js draws a chart when it comes near the screen, one chart per task: on a phone none of
    the profile's four charts is on the first screen, so none is drawn until the reader scrolls, and a
    chart whose figure changed while it waited (another year) shows the new figure when it is."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/country/COL?year=2021")
    charts = ["country-pillars", "country-split", "country-region", "country-trend"]
    for chart in charts:
        page.locator(f"#{chart}").wait_for(state="attached", timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    drawn = "(ids) => ids.filter(id => document.querySelector('#' + id + ' .main-svg'))"
    assert page.evaluate(drawn, charts) == []
    with page.expect_response(lambda r: "_dash-update-component" in r.url, timeout=TIMEOUT):
        choose(page, "country-year", "2019")
    page.wait_for_function("() => document.getElementById('country-body').getAttribute('aria-busy') !== 'true'",
                           timeout=TIMEOUT)
    assert page.evaluate(drawn, charts) == [], "a chart off the screen was drawn before it was scrolled to"
    wait_graph(page, "country-pillars")
    assert "2019" in graph_title(page, "country-pillars")
    assert "country-trend" not in page.evaluate(drawn, charts)  # four screens further down
    wait_graph(page, "country-region")
    page.wait_for_function("() => document.querySelector('#country-region .js-plotly-plot').layout.title.text"
                           ".includes('2019')", timeout=TIMEOUT)
    assert "2019" in page.locator("#country-region .gtitle").text_content()


def test_a_link_in_static_html_moves_within_the_app(page):
    """The profile's cards, trend and tensions are server-written HTML (components/static.py): their links
    to other pages go through Dash's router like dcc.Link (no reload), by keyboard too, keeping ?lang=."""
    page.goto(page.base_url + "/country/COL?year=2021&lang=es")
    wait_graph(page, "country-pillars")
    page.evaluate("() => { window.__drdSamePage = true; }")
    link = page.locator("#country-cards a[data-drd-link]").first
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/methodology\?lang=es$"), timeout=TIMEOUT)
    page.get_by_role("heading", level=1).wait_for(timeout=TIMEOUT)
    assert page.evaluate("() => window.__drdSamePage === true"), "the link reloaded the page"
    assert page.evaluate("() => document.documentElement.lang") == "es"


def test_split_shows_both_actors(page):
    page.goto(page.base_url + "/country/IDN?year=2021")
    wait_graph(page, "country-split")
    names = page.evaluate("() => document.querySelector('#country-split .js-plotly-plot')._fullData"
                          ".map(t => t.name)")
    assert names == ["State", "Corporate"]
    legend = page.evaluate("() => Array.from(document.querySelectorAll('#country-split .legendtext'))"
                           ".map(e => e.textContent)")
    assert "State" in legend and "Corporate" in legend


def test_profile_year_change_redraws_and_updates_url(page):
    page.goto(page.base_url + "/country/MOZ?year=2021")
    wait_graph(page, "country-pillars")
    choose(page, "country-year", "2017")
    page.wait_for_function("() => document.querySelector('#country-pillars .js-plotly-plot').layout.title.text"
                           ".includes('2017')", timeout=2 * TIMEOUT)  # a year not drawn yet: its Monte Carlo runs first
    assert page.url.endswith("/country/MOZ?year=2017")


@pytest.mark.parametrize("path, text", [
    ("/country/XYZ", "is not a country code we know"),
    ("/country/COL?year=1999", "There are no scores for the year"),
    ("/no/such/page", "There is no page at this address"),
    ("/?year=1850", "year: 1850 is not a scored year"),
])
def test_helpful_messages_for_bad_urls(page, path, text):
    page.goto(page.base_url + path)
    page.get_by_text(text).first.wait_for(timeout=TIMEOUT)


def test_compare_and_trends(page):
    page.goto(page.base_url + "/compare?countries=COL,UZB&year=2021&actor=corporate")
    wait_graph(page, "compare-graph")
    names = page.evaluate("() => document.querySelector('#compare-graph .js-plotly-plot')._fullData.map(t => t.name)")
    assert names == ["Colombia", "Uzbekistan"]
    assert "corporate actors only" in graph_title(page, "compare-graph")
    page.goto(page.base_url + "/trends?node=privacy")
    wait_graph(page, "trends-graph")
    assert page.get_by_text("Read trends with the measured share").is_visible()
    axes = page.evaluate("() => document.querySelector('#trends-graph .js-plotly-plot')._fullData.map(t => t.yaxis)")
    assert "y2" in axes   # the measured-share panel


def test_methodology_lists_every_indicator_and_publisher(page):
    from dashboard import data
    page.goto(page.base_url + "/methodology")
    page.get_by_role("heading", name="Methodology", exact=True).wait_for(timeout=TIMEOUT)
    text = page.locator("main").inner_text()
    ds = data.dataset()
    for code in ds.methodology.indicators.index:
        assert code in text
    for publisher in ds.sources["publisher"]:
        assert publisher in text
    footer = page.locator("footer.drd-footer").inner_text()
    assert "Data CC BY-SA 4.0" in footer and all(p in footer for p in ds.sources["publisher"])


PAGES = ["/", "/country/COL?year=2021", "/compare", "/trends", "/methodology", "/no/such/page"]


@pytest.mark.parametrize("path", PAGES)
def test_accessibility_and_screenshots(page, path):
    """axe-core finds no serious or critical violation; nothing overflows at phone width."""
    name = (path.strip("/").split("?")[0].replace("/", "_") or "home")
    page.goto(page.base_url + path)
    page.locator("footer.drd-footer").wait_for(timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    if page.locator(".js-plotly-plot").count():
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=TIMEOUT)
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / f"{name}_1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{name}_390.png"), full_page=True)
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= 390, f"{path} is {overflow}px wide at phone width"
