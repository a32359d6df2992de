"""Shared fixtures: the repository's data, a live server and a headless Chromium page.

Browser tests use Debian's Chromium (/usr/bin/chromium, or $CHROMIUM_PATH) through Playwright's
Python client; they are skipped, saying why, only when no Chromium is installed. Every page
blocks requests to anything but the loopback server and records console errors.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
AXE = Path(__file__).parent / "browser" / "vendor" / "axe.min.js"
# Nothing a test run writes lands in the checkout: the sensitivity cache goes to the system's temporary
# folder (kept between runs: entries are keyed by a hash of the data, so a stale one is never read), the
# instance folder (the secret and audit keys a store without DATABASE_URL makes) to one removed at exit.
_SCRATCH = tempfile.mkdtemp(prefix="drd-tests-")
atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)
os.environ["DRD_CACHE_DIR"] = os.path.join(tempfile.gettempdir(), "drd-test-cache")
os.environ["DRD_INSTANCE_DIR"] = os.path.join(_SCRATCH, "instance")
# Screenshots the browser tests take, to look at after a run: kept in the temporary folder (DRD_TEST_SHOTS)
SHOTS = Path(os.environ.get("DRD_TEST_SHOTS") or os.path.join(tempfile.gettempdir(), "drd-shots"))
SHOTS.mkdir(parents=True, exist_ok=True)
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]


def first_paint(body: str) -> str:
    """The pre-rendered copy of a page in an HTML response (dashboard.shell), up to Dash's React root."""
    start = body.index('<div id="drd-first-paint"')
    return body[start:body.index('<div id="react-entry-point"', start)]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """In-process tests hash new passwords with scrypt N = 2^12: each stored hash names its own N, so
    checks work the same; the production cost (2^17) is tested through the users CLI, a subprocess."""
    from dashboard.review import auth
    saved, auth.SCRYPT_N = auth.SCRYPT_N, 2 ** 12
    yield
    auth.SCRYPT_N = saved


@pytest.fixture(scope="session")
def dataset():
    from indicators import load_dataset
    return load_dataset(DATA)


@pytest.fixture(scope="session")
def results(dataset):
    from indicators import score
    return score(dataset)


class LiveServer:
    """The app served by werkzeug on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, app):
        from werkzeug.serving import make_server
        self.app = app
        self.server = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="session")
def app_config(tmp_path_factory):
    from dashboard.config import Config
    return Config(data_dir=DATA, instance_dir=tmp_path_factory.mktemp("instance"), secret_key="test-secret")


@pytest.fixture(scope="session")
def live_server(app_config):
    from dashboard import create_app
    server = LiveServer(create_app(app_config))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageRecorder:
    """Console errors and blocked (non-loopback) requests seen by one page."""

    def __init__(self):
        self.console_errors: list[str] = []
        self.blocked: list[str] = []


@pytest.fixture
def page(browser, live_server):
    """A fresh page (1280x800) that may reach only the live server; asserts no console errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    recorder = PageRecorder()

    def route(route_obj):
        host = urlparse(route_obj.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route_obj.continue_()
        else:
            recorder.blocked.append(route_obj.request.url)
            route_obj.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("console", lambda msg: recorder.console_errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: recorder.console_errors.append(str(exc)))
    pg.recorder = recorder
    pg.base_url = live_server.url
    yield pg
    context.close()
    assert not recorder.blocked, f"the page reached outside loopback: {recorder.blocked}"
    assert not recorder.console_errors, f"browser console errors: {recorder.console_errors}"


def axe_violations(pg, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in `pg` and return the violations of the given impacts."""
    # evaluated over DevTools, not as an inline <script>: the app's CSP (rightly) blocks those
    pg.evaluate("source => { (0, eval)(source); }", AXE.read_text())
    # with WCAG 2.2's target size (2.5.8), which axe leaves off by default and Lighthouse checks
    result = pg.evaluate("async () => JSON.stringify(await axe.run(document,"
                         " {rules: {'target-size': {enabled: true}}}))")
    violations = json.loads(result)["violations"]
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"][:5]]}
            for v in violations if v["impact"] in impacts]


# Charts are drawn when they come near the screen (assets/drd.js): scroll to the chart, as a reader
# would, until it is drawn (the page can still move under it while Dash takes over from the copy).
SCROLL_UNTIL_DRAWN = """([box, drawn]) => {
    if (document.querySelector(drawn)) { return true; }
    const el = document.querySelector(box);
    if (el) { el.scrollIntoView({block: 'center'}); }
    return false;
}"""


def wait_drawn(pg, box: str, drawn: str, timeout: int = 30_000) -> None:
    """Wait until `drawn` (a selector inside the chart `box`) is on the page, scrolling to `box`."""
    pg.wait_for_function(SCROLL_UNTIL_DRAWN, arg=[box, drawn], timeout=timeout, polling=250)
