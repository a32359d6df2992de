"""Loading without jumps (issue 14), in headless Chromium: no layout shift on the main pages, content
readable before any script runs, and the chart bundle only where a chart is drawn."""

from __future__ import annotations

import pytest

from tests.conftest import wait_drawn

TIMEOUT = 60_000
CLS_OBSERVER = """
window.__cls = 0; window.__shifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) { if (!e.hadRecentInput) {
  window.__cls += e.value;
  window.__shifts.push([Math.round(e.startTime), +e.value.toFixed(4),
                        e.sources.map(s => s.node ? (s.node.id || s.node.className || s.node.nodeName) : '?')]);
} } }).observe({type: 'layout-shift', buffered: true});
"""
PAGES = [("/", "#map-graph .js-plotly-plot .main-svg"),
         ("/country/COL", "#country-split .js-plotly-plot .main-svg"),
         ("/methodology", "#_pages_content h1"),
         ("/compare", "#compare-graph .js-plotly-plot .main-svg")]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
@pytest.mark.parametrize(("path", "drawn"), PAGES, ids=[p for p, _ in PAGES])
def test_the_page_does_not_jump_while_it_loads(browser, live_server, path, drawn, viewport):
    context = browser.new_context(viewport=viewport)
    context.add_init_script(CLS_OBSERVER)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(live_server.url + path)
    # charts are drawn when they come near the screen (assets/drd.js): on a phone the profile's are
    # below the first screen, so scroll to the one awaited; its box was reserved, so drawing it shifts nothing
    wait_drawn(page, drawn.split(" .js-plotly-plot")[0], drawn, timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    cls, shifts = page.evaluate("() => [window.__cls, window.__shifts]")
    handed_over = page.evaluate("() => !document.getElementById('drd-first-paint') && "
                                "!document.querySelector('.drd-entry-pending')")
    context.close()
    assert not errors
    assert handed_over, "the pre-rendered copy is still shown after Dash drew the page"
    assert cls < 0.1, f"cumulative layout shift {cls:.3f} on {path}: {shifts}"
    plotly = [u for u in scripts if "plotly" in u]
    if path == "/methodology":
        assert plotly == [], "a page without charts loaded a chart bundle"
    else:
        assert len(plotly) == 1 and "/assets/vendor/plotly-drd.min.js" in plotly[0], plotly


@pytest.mark.parametrize(("path", "drawn"), [("/country/COL", "#country-split"), PAGES[2]],
                         ids=["profile", "methodology"])
def test_the_copy_is_on_the_screen_before_any_script_is_fetched(browser, live_server, path, drawn):
    """Paint first (dashboard.shell.paint_first): the first contentful paint comes before the first
    script file is even requested, and Dash still takes over the page."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + path)
    page.wait_for_selector(drawn, state="attached", timeout=TIMEOUT)
    fcp, first_script, files = page.evaluate("""() => {
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      // asked for by a <link rel=preload> (the loader) or a <script>
      const scripts = performance.getEntriesByType('resource').filter(e => /[.]js([?]|$)/.test(e.name));
      return [paint ? paint.startTime : null, Math.min(...scripts.map(e => e.startTime)), scripts.length];
    }""")
    live = page.evaluate("() => !!window.renderer && !document.getElementById('drd-first-paint')")
    context.close()
    assert not errors
    assert fcp is not None and files >= 8
    assert fcp <= first_script, f"first paint at {fcp:.0f} ms, first script requested at {first_script:.0f} ms"
    assert live, "Dash's renderer did not take over the page"


def test_the_chart_bundle_sets_up_in_stages_from_the_loader_and_at_once_when_dcc_loads_it(browser, live_server):
    """scripts/plotly_bundle/entry.js: from the page's loader (data-drd-staged) plotly's modules are
    evaluated a stage per task and window.drdPlotlyReady gives window.Plotly; loaded by dcc.Graph on a
    page that had no chart (methodology, then the map through the app's router) it sets up in one go.
    Either way the charts are drawn, through the paced Plotly.react of assets/drd.js."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map-graph .js-plotly-plot path.choroplethlocation", timeout=TIMEOUT)
    staged = page.evaluate("""async () => [
        document.querySelector('script[src*="plotly-drd"]').hasAttribute('data-drd-staged'),
        (await window.drdPlotlyReady) === window.Plotly, window.Plotly.react.drdPaced === true]""")
    assert staged == [True, True, True]
    page.goto(live_server.url + "/methodology")
    page.locator("#react-entry-point .navbar .nav-link", has_text="Map").first.click()
    page.wait_for_selector("#map-graph .js-plotly-plot path.choroplethlocation", timeout=TIMEOUT)
    at_once = page.evaluate("""() => [window.drdPlotlyReady === undefined, typeof window.Plotly.react,
        window.Plotly.react.drdPaced === true]""")
    context.close()
    assert not errors
    assert at_once == [True, "function", True]


def test_without_javascript_the_profile_and_methodology_still_read(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/country/COL?year=2021")
    # the copy is for the eyes (aria-hidden: assistive technology meets Dash's live page), so CSS locators
    assert page.locator("h1").first.is_visible() and page.locator("h1").first.inner_text() == "Colombia COL"
    assert page.locator(".drd-card").first.is_visible() and "/ 6" in page.locator(".drd-card").first.inner_text()
    page.goto(live_server.url + "/methodology")
    assert page.locator("h1").first.inner_text() == "Methodology"
    assert page.locator("table").first.is_visible()
    context.close()


def test_moving_from_a_text_page_to_the_map_loads_the_partial_bundle_not_dashs(page):
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(page.base_url + "/methodology")
    page.wait_for_selector("#_pages_content h1", timeout=TIMEOUT)
    page.get_by_role("navigation").get_by_role("link", name="Map", exact=True).click()
    page.wait_for_selector("#map-graph .js-plotly-plot path.choroplethlocation", timeout=TIMEOUT)
    plotly = [u for u in scripts if "plotly" in u]
    assert len(plotly) == 1 and "/assets/vendor/plotly-drd.min.js?m=" in plotly[0], plotly
