"""/embed/<chart> in a real browser: the chart loads from this server only (offline), axe finds nothing
serious, and the page works inside an iframe of another site, where the other pages refuse to be framed."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


@contextmanager
def host_site(body: str):
    """A partner's page on another origin of this machine (its own port), served by a real HTTP server.
    A page made up by Playwright's routing does not do: Chromium's local-network-access check blocks a
    loopback frame inside it (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS)."""
    page_bytes = body.encode()

    class Host(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page_bytes)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Host)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/host.html"
    finally:
        server.shutdown()
        server.server_close()


def test_embed_works_inside_an_iframe_of_another_site(page):
    host = (f'<html lang="en"><body><iframe title="map" width="800" height="700" '
            f'src="{page.base_url}/embed/map?year=2021"></iframe></body></html>')
    with host_site(host) as url:
        page.goto(url)
        frame = page.frame_locator("iframe")
        frame.get_by_role("heading", level=1).wait_for(timeout=60_000)
        assert "Overall score" in frame.get_by_role("heading", level=1).inner_text()
        frame.get_by_role("img").first.wait_for(state="visible", timeout=60_000)
        link = frame.get_by_role("link", name="See this chart in the Digital Rights Dashboard")
        assert link.get_attribute("href").startswith(page.base_url + "/?")


def test_other_pages_refuse_to_be_framed(page):
    """Only /embed/ may sit in another site's frame: a profile there is blocked by its own headers
    (frame-ancestors 'none', X-Frame-Options: DENY), so a lookalike site cannot wrap the dashboard."""
    host = (f'<html lang="en"><body><iframe title="profile" width="800" height="700" '
            f'src="{page.base_url}/country/LBN?year=2021"></iframe></body></html>')
    with host_site(host) as url:
        refused = []
        page.on("console", lambda msg: refused.append(msg.text) if "frame-ancestors" in msg.text else None)
        page.goto(url)
        page.wait_for_timeout(1500)
        # (Chromium puts its own error page in the frame; the profile's HTML would bring Dash's entry point)
        shown = page.frame_locator("iframe").locator("#react-entry-point, footer.drd-footer").count()
        assert shown == 0, "the profile rendered inside another site"
    assert refused, "Chromium did not report the frame-ancestors refusal"
    page.recorder.console_errors = [e for e in page.recorder.console_errors if "frame-ancestors" not in e]
