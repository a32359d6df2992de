"""/tensions in headless Chromium: the quadrant draws for the latest year, the controls, hover, table,
downloads and a click through to a profile; axe-clean at desktop and phone width."""

from __future__ import annotations

import re

from tests.browser.test_pages import TIMEOUT, choose, graph_title, wait_graph
from tests.conftest import SHOTS, axe_violations


def drawn_points(page) -> list[str]:
    return page.evaluate("() => document.querySelector('#tensions-graph .js-plotly-plot')._fullData"
                         ".flatMap(t => Array.from(t.customdata || []))")


def test_tensions_draws_the_latest_year_and_clicks_through(page):
    from dashboard import data
    latest = 2024  # the last year the V-Dem restriction items reach
    view = data.tensions_view(latest)
    placed = set(view.loc[view["placed"], "iso3"])
    page.goto(page.base_url + f"/tensions?year={latest}")
    wait_graph(page, "tensions-graph")
    points = drawn_points(page)
    assert len(points) >= 60 and set(points) == placed and len(points) == len(placed)
    assert str(latest) in graph_title(page, "tensions-graph")
    assert page.locator("#tensions-summary").inner_text().startswith(f"{len(placed)} of {len(view)} countries")

    # hover over Mozambique's star: the figures and their sources
    box = page.evaluate("""() => {
        const g = document.querySelector('#tensions-graph .js-plotly-plot');
        const t = g._fullData.find(t => Array.from(t.customdata || []).includes('MOZ'));
        const i = Array.from(t.customdata).indexOf('MOZ');
        const xa = g._fullLayout.xaxis, ya = g._fullLayout.yaxis;
        const at = () => { const r = g.getBoundingClientRect();
                           return {x: r.x + xa._offset + xa.l2p(t.x[i]), y: r.y + ya._offset + ya.l2p(t.y[i])}; };
        window.scrollTo({top: window.scrollY + at().y - window.innerHeight / 2, behavior: 'instant'});
        return at();
    }""")
    page.mouse.move(box["x"], box["y"])
    hover = page.locator("#tensions-graph .hoverlayer", has_text="Mozambique")
    hover.wait_for(timeout=TIMEOUT)
    text = hover.text_content()
    assert "Digital Society Project" in text and "Restriction in practice" in text

    # region filter and year: chart, summary, table, URL and download links follow
    choose(page, "tensions-region", "Sub-Saharan Africa")
    page.wait_for_function("() => document.querySelector('#tensions-graph .js-plotly-plot').layout.title.text"
                           ".replace(/<br>/g, ' ').includes('Sub-Saharan Africa')", timeout=TIMEOUT)
    assert "region=Sub-Saharan" in page.url
    assert set(drawn_points(page)) == set(view.loc[view["placed"] & (view["region"] == "Sub-Saharan Africa"), "iso3"])
    hrefs = page.eval_on_selector_all("#tensions-downloads a", "els => els.map(e => e.getAttribute('href'))")
    assert any(h.startswith("/download/chart/tensions.png") and "region=Sub-Saharan" in h for h in hrefs)
    assert any(h.startswith("/download/tensions.csv") for h in hrefs)
    choose(page, "tensions-year", "2019")
    page.get_by_text("No country is placed this year").wait_for(timeout=TIMEOUT)
    assert "year=2019" in page.url
    choose(page, "tensions-year", "2021")
    page.wait_for_function("() => document.querySelector('#tensions-graph .js-plotly-plot').layout.title.text"
                           ".replace(/<br>/g, ' ').includes('2021')", timeout=TIMEOUT)

    # the table alternative links every placed country to its profile, where the tensions section waits
    page.locator("#tensions-table-toggle").click()
    page.locator("#tensions-table").get_by_role("link", name="Mozambique").click()
    page.wait_for_url(re.compile(r"/country/MOZ\?year=2021"), timeout=TIMEOUT)
    page.locator("#tensions").get_by_text("Shutdowns and the reasons given").wait_for(timeout=TIMEOUT)


def test_tensions_page_is_accessible_at_desktop_and_phone_width(page):
    page.goto(page.base_url + "/tensions")
    wait_graph(page, "tensions-graph")
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "tensions_1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(600)
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "tensions_390.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    # keyboard: the year and region pickers and the table's links are reachable with Tab
    page.goto(page.base_url + "/tensions?year=2021")
    wait_graph(page, "tensions-graph")
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("() => document.activeElement.id || document.activeElement.closest('[id]')?.id"))
        if {"tensions-year", "tensions-region"} <= seen:
            break
    assert {"tensions-year", "tensions-region"} <= seen


def test_pilot_profile_shows_its_tensions_section(page):
    page.goto(page.base_url + "/country/LBN?year=2021")
    section = page.locator("#tensions")
    section.wait_for(timeout=TIMEOUT)
    text = section.inner_text()
    assert "Lebanon has 7 recorded shutdown listings" in text and "Licence:" in text
    page.set_viewport_size({"width": 390, "height": 844})
    section.scroll_into_view_if_needed()
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "country_LBN_tensions_390.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
