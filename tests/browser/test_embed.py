"""/embed/<chart> in a real browser: the chart loads from this server only (offline), axe finds nothing
serious, and the page works inside an iframe of another page."""

from __future__ import annotations

import pytest

from tests.conftest import axe_violations


def test_embed_page_is_accessible_and_offline(page):
    page.goto(page.base_url + "/embed/split?country=LBN&year=2021&code=1", wait_until="domcontentloaded")
    image = page.get_by_role("img", name="Lebanon: state vs corporate, per pillar, 2021", exact=False)
    image.wait_for(state="visible", timeout=60_000)
    page.wait_for_function("() => document.querySelector('img').complete", timeout=90_000)  # first render
    assert page.evaluate("() => document.querySelector('img').naturalWidth") > 0, "the SVG loaded"
    assert axe_violations(page) == []
    link = page.get_by_role("link", name="See this chart in the Digital Rights Dashboard")
    assert link.get_attribute("href").endswith("/country/LBN?year=2021")
    snippet = page.get_by_label("Copy this HTML into your page:").input_value()
    assert snippet.startswith("<iframe src=") and "/embed/split?country=LBN&amp;year=2021" in snippet


@pytest.mark.xfail(reason="known gap (issue 12): in headless Chromium the framed /embed page does not render from a "
                          "routed host page on another origin; the CSP allows framing (tests/test_hardening.py)",
                   strict=False)
def test_embed_works_inside_an_iframe(page):
    # the host page is another origin (an http one, as a real partner's page would be; a set_content
    # about:blank page has an opaque origin that no frame-ancestors source can match)
    host = (f'<html lang="en"><body><iframe title="map" width="800" height="700" '
            f'src="{page.base_url}/embed/map?year=2021"></iframe></body></html>')
    # (served on another origin of this machine: Chromium keeps a public site from framing a loopback one)
    page.route("http://localhost:9/**", lambda route: route.fulfill(content_type="text/html", body=host))
    page.goto("http://localhost:9/host.html")
    frame = page.frame_locator("iframe")
    frame.get_by_role("heading", level=1).wait_for(timeout=60_000)
    assert "Overall score" in frame.get_by_role("heading", level=1).inner_text()
