"""Speed and size of the pages: `python benchmarks/pages_benchmark.py [--iterations 300] [--url URL]`.

Prints
- time until the first page is interactive (headless Chromium, empty cache): map drawn and controls live;
- bytes transferred for a first visit (compressed, as the browser received them) and the biggest files;
- p50/p95/max latency of the map-update and country-page callbacks (POST /_dash-update-component),
  replayed from the requests the browser really sent, over many different inputs: first a pass over
  every distinct input (nothing cached yet), then `--iterations` requests cycling through them (the
  pages cache figures per scoring run, as a long-running server would).

- for each of the four main pages (/, /country/COL, /methodology, /compare), at 1280x800 and 390x844:
  bytes transferred on a first visit (empty cache), the HTML shell's size, and the cumulative layout
  shift (CLS: the layout-shift entries of a PerformanceObserver, summed as Chromium does, until the
  page's content is drawn and the network is idle).

Targets: map update p95 < 100 ms on the server; first visit of the map < 800 kB transferred (650 kB),
methodology < 400 kB, HTML shell < 60 kB, CLS < 0.1 (0.02) on every page (issue 14).
- with the browser, the profile's year change: ms from choosing another year in the dropdown until the
  profile is redrawn for it (every chart on the screen drawn for the new year, nothing loading;
  charts below it are drawn when scrolled to), first for
  (country, year) pairs this server has not drawn yet ("uncached"), then for the same pairs again
  ("cached"); and for how long the profile's content was hidden or blank during the change.

Targets: map update p95 < 100 ms on the server; first visit < 1.5 MB transferred; profile year change
p95 < 300 ms cached, < 1.5 s uncached (this 2-core machine); never blank.
- first visit of a country page, a country in another year and the compare page right after a lead
  accepted an expert correction (`after_correction`), while the scores are recomputed and once the new
  ones are served: ms until the content is painted (first contentful paint) and until the charts are
  drawn, in a new tab of a browser that has used the app before (the lead's) and in a fresh browser
  (nothing cached), and the ms the server took for the page and its Dash requests (summed).
  Target < 1.5 s. `--only after-correction` runs that part alone.
By default the app runs in-process (werkzeug, threaded) on 127.0.0.1; `--url` measures another server.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic"]


def start_server() -> str:
    import logging
    import os
    import tempfile

    from werkzeug.serving import make_server
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # a throw-away review store: the benchmark's accounts and corrections never reach a real instance
    os.environ.setdefault("DRD_INSTANCE_DIR", tempfile.mkdtemp(prefix="drd-bench-"))

    from dashboard import create_app
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request in the figures
    app = create_app()
    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the report
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def chromium() -> str:
    """Debian's Chromium (or $CHROMIUM_PATH). Not through tests/conftest.py: importing it points
    DRD_INSTANCE_DIR and DRD_CACHE_DIR at the test suite's scratch folders."""
    import os
    import shutil
    for path in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if path and Path(path).exists():
            return path
    raise SystemExit("Chromium not found (apt-get install chromium)")


def first_visit(browser, url: str, path: str, ready: str) -> dict:
    """Cold load of `path`: ms until `ready` is true, and every byte received (CDP encodedDataLength)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on("Network.loadingFinished",
           lambda e: sizes.__setitem__(e["requestId"], sizes.get(e["requestId"], 0) + int(e["encodedDataLength"])))
    start = time.perf_counter()
    page.goto(url + path)
    page.wait_for_function(ready, timeout=60_000)
    interactive_ms = (time.perf_counter() - start) * 1000
    nav = page.evaluate("() => performance.now()")
    page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    biggest = sorted(((sizes[r], urls.get(r, "?")) for r in sizes), reverse=True)[:6]
    context.close()
    return {"interactive_ms": interactive_ms, "page_clock_ms": nav, "bytes": total, "requests": len(sizes),
            "biggest": biggest}


CLS_SCRIPT = """
window.__cls = 0; window.__shifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) {
  if (!e.hadRecentInput) { window.__cls += e.value; window.__shifts.push(e.value); } } })
  .observe({type: 'layout-shift', buffered: true});
"""
PAGES = [("/", "#map-graph .js-plotly-plot .main-svg"), ("/country/COL", "#country-split .js-plotly-plot .main-svg"),
         ("/methodology", "main h1"), ("/compare", "#compare-graph .js-plotly-plot .main-svg")]


def page_weight(browser, url: str, path: str, ready: str, viewport: dict) -> dict:
    """First visit of `path` with an empty cache: bytes received, HTML size, CLS once drawn and idle."""
    context = browser.new_context(viewport=viewport)
    context.add_init_script(CLS_SCRIPT)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    kinds: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))
    cdp.on("Network.loadingFinished",
           lambda e: sizes.__setitem__(e["requestId"], sizes.get(e["requestId"], 0) + int(e["encodedDataLength"])))
    page.goto(url + path)
    page.wait_for_selector(ready, timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    cls = page.evaluate("() => window.__cls")
    nodes = page.evaluate("() => document.getElementsByTagName('*').length")
    context.close()
    html_bytes = sum(size for rid, size in sizes.items() if kinds.get(rid) == "Document")
    js_bytes = sum(size for rid, size in sizes.items() if kinds.get(rid) == "Script")
    return {"bytes": sum(sizes.values()), "html": html_bytes, "js": js_bytes, "requests": len(sizes),
            "cls": cls, "nodes": nodes}


def capture_callback(browser, url: str, path: str, action, output_prefix: str) -> dict:
    """The JSON body the browser posts for the callback whose output starts with `output_prefix`."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(url + path)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    captured = {}

    def on_request(request):
        if "/_dash-update-component" in request.url and request.method == "POST":
            body = json.loads(request.post_data or "{}")
            if str(body.get("output", "")).lstrip(".").startswith(output_prefix) and "body" not in captured:
                captured["body"], captured["url"] = body, request.url

    page.on("request", on_request)
    action(page)
    page.wait_for_timeout(1500)
    context.close()
    if "body" not in captured:
        raise SystemExit(f"no callback for {output_prefix} was seen")
    return captured


def choose(page, control_id: str, option: str):
    page.locator(f"#{control_id}").click()
    page.get_by_role("option", name=option, exact=True).click()


def replay(url: str, captured: dict, variants: list[dict], iterations: int) -> list[float]:
    """POST the captured body with each variant's input values, `iterations` times; ms per request."""
    timings = []
    post_url = url + "/_dash-update-component" + (captured["url"].split("/_dash-update-component", 1)[1]
                                                   if "?" in captured["url"] else "")
    for variant in itertools.islice(itertools.cycle(variants), iterations):
        body = json.loads(json.dumps(captured["body"]))
        for group in ("inputs", "state"):
            for item in body.get(group, []):
                key = item["id"] if isinstance(item["id"], str) else json.dumps(item["id"])
                if key in variant:
                    item["value"] = variant[key]
        data = json.dumps(body).encode()
        request = urllib.request.Request(post_url, data=data, method="POST",
                                         headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            assert response.status == 200
        timings.append((time.perf_counter() - start) * 1000)
    return timings


YEAR_CHANGE_COUNTRIES = ["COL", "LBN", "MOZ", "UZB", "IDN", "BRA"]

# Armed before the year is chosen, in the page itself (so the measurement costs the page next to
# nothing; polling from outside starved it on this loaded machine): the click on the year's option
# starts the clock; every animation frame checks whether the profile is redrawn for `year` (the
# pillars chart titled with it, every chart on the screen drawn, nothing loading or dimmed) and
# whether the profile is blank (hidden by a loading spinner, empty or collapsed).
ARM = """(year) => {
    const s = {t0: null, t1: null, blank: 0, last: null};
    window.__drdChange = s;
    document.addEventListener('click', () => { if (s.t0 === null) { s.t0 = performance.now(); } },
                              {capture: true, once: true});
    function blank(body) {
        if (!body) { return true; }
        const a = getComputedStyle(body), b = body.parentElement ? getComputedStyle(body.parentElement) : a;
        return a.visibility === 'hidden' || b.visibility === 'hidden' || a.display === 'none'
            || body.getBoundingClientRect().height < 50 || !body.querySelector('.js-plotly-plot .main-svg');
    }
    function redrawn(body) {
        if (!body || body.closest('[data-dash-is-loading]') || body.querySelector('[data-dash-is-loading]')
            || body.classList.contains('drd-stale') || body.getAttribute('aria-busy') === 'true') { return false; }
        const g = body.querySelector('#country-pillars .js-plotly-plot');
        if (!g || !g.layout || !String(g.layout.title.text).includes(String(year))) { return false; }
        // the charts on the screen (assets/drd.js draws the others when they are scrolled to)
        const graphs = Array.from(body.querySelectorAll('.dash-graph')).filter(d => {
            const r = d.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; });
        return graphs.length > 0 && graphs.every(d => d.querySelector('.js-plotly-plot .main-svg'));
    }
    function tick(now) {
        const body = document.querySelector('#country-body');
        if (s.t0 !== null) {
            if (s.last !== null && blank(body)) { s.blank += now - s.last; }
            s.last = now;
            if (redrawn(body)) { s.t1 = performance.now(); return; }
        }
        requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
}"""


def profile_year_change(browser, url: str, years: list[str], countries: list[str] | None = None,
                        rounds: int = 2) -> dict[str, list[float]]:
    """The profile's year change as a person does it, in the browser: choose another year, wait until
    the profile is redrawn for it. Round 1 meets each (country, year) for the first time in this
    server ("uncached"); later rounds repeat the same changes ("cached"). Returns ms per change and
    ms of blank content per change, keyed "uncached", "cached", "blank"."""
    countries = countries or YEAR_CHANGE_COUNTRIES
    out: dict[str, list[float]] = {"uncached": [], "cached": [], "blank": []}
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    start_year = years[-1]
    for round_no in range(rounds):
        for iso3 in countries:
            page.goto(f"{url}/country/{iso3}?year={start_year}")
            page.wait_for_selector("#country-pillars .js-plotly-plot .main-svg", timeout=120_000)
            page.wait_for_selector("#country-year", timeout=120_000)
            for year in [y for y in reversed(years) if y != start_year]:
                page.locator("#country-year").click()
                option = page.get_by_role("option", name=year, exact=True)
                option.wait_for(timeout=30_000)
                page.evaluate(ARM, year)
                option.click()
                page.wait_for_function("() => window.__drdChange.t1 !== null", timeout=180_000, polling=250)
                s = page.evaluate("() => window.__drdChange")
                out["uncached" if round_no == 0 else "cached"].append(s["t1"] - s["t0"])
                out["blank"].append(s["blank"])
    context.close()
    return out


def summary(name: str, timings: list[float]) -> str:
    q = statistics.quantiles(timings, n=100)
    return (f"{name:<34} n={len(timings):<4} p50 {q[49]:6.1f} ms   p95 {q[94]:6.1f} ms   "
            f"max {max(timings):6.1f} ms")


AFTER_CORRECTION_PAGES = (
    ("/country/COL?year=2021", "() => { const g = document.querySelector('#country-split .js-plotly-plot'); "
                               "return g && g._fullData && document.querySelector('#country-year'); }"),
    ("/country/MOZ?year=2021", None),
    ("/country/MOZ?year=2019", None),
    ("/compare?countries=COL,MOZ,LBN&year=2021",
     "() => { const g = document.querySelector('#compare-graph .js-plotly-plot'); return g && g._fullData; }"),
)


# ms the server took for a page: its HTML and Dash's layout, dependencies and callback requests, each from
# the request sent to the last byte received (resource timing), summed
SERVER_MS = r"""() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
  .filter(e => e.entryType === 'navigation' || /\/_dash-(layout|dependencies|update-component)/.test(e.name))
  .reduce((sum, e) => sum + e.responseEnd - e.requestStart, 0)"""


def after_correction(browser, url: str, rounds: int = 2) -> list[tuple[str, float, float, float, float, float]]:
    """First visit of each page right after a lead accepted a correction (a new one per round).

    Two leads are created in the server's review store; one proposes a value, the other accepts it over
    the HTTP API (as a panel would). Each page is visited once before (a server in use has shown it).
    Returns (label, then ms until the content is painted and ms until the charts are drawn in a
    returning browser, then the same in a fresh one, then the server's ms for the page: see visit()), per
    page and round: right
    after the acceptance and, when the app recomputes in the background, once the new scores are served
    (with the time that took)."""
    import base64
    import secrets

    from dashboard.config import Config
    from dashboard.review import database_url
    from dashboard.review.auth import add_user
    from dashboard.review.store import Store
    store = Store(database_url(Config.from_env()))  # the in-process server's review store (start_server)
    suffix = secrets.token_hex(3)
    creds = {}
    for who in ("a", "b"):
        name, password = f"bench-{who}-{suffix}", secrets.token_hex(8)
        add_user(store, name, "lead", password, actor="benchmark")
        creds[who] = "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()
    store.dispose()

    def post(path, body, who):
        request = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "Authorization": creds[who]})
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    from dashboard import data

    returning = browser.new_context(viewport={"width": 1280, "height": 800})  # the lead's own browser

    def load(context, path, ready) -> tuple[float, float, float]:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url + path, timeout=120_000)
        page.wait_for_function(ready or AFTER_CORRECTION_PAGES[0][1], timeout=120_000)
        drawn = (time.perf_counter() - start) * 1000
        painted = page.evaluate("() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
        server = page.evaluate(SERVER_MS)
        page.close()
        return (painted if painted is not None else float("nan")), drawn, server

    def visit(path, ready) -> tuple[float, float, float, float]:
        """The page's first visit, in a new tab of a browser that has used the app before (its files
        cached: the lead who accepted the correction, or any returning visitor), then in a fresh browser
        (nothing cached). For each: ms until the page's content is painted (the first response's copy
        with the scores: the first-contentful-paint entry) and ms until its charts are drawn and its
        controls live; then the ms the server took for the page and its Dash requests (the slower load's)."""
        again = load(returning, path, ready)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        fresh = load(context, path, ready)
        context.close()
        return (*again[:2], *fresh[:2], max(again[2], fresh[2]))

    out = []
    for path, ready in AFTER_CORRECTION_PAGES:  # a server in use has shown these pages before
        visit(path, ready)
    for path, ready in AFTER_CORRECTION_PAGES:  # the reference: the same visit with no correction pending
        out.append((f"reference, no correction: {path}", *visit(path, ready)))
    for i in range(rounds):
        review = post("/api/v1/reviews", {"country": "COL", "year": 2021, "indicator": "p_fiw_d4",
                                          "status": "disputed", "proposed_value": 1.0 + (i % 3),
                                          "comment": "benchmark", "source": "benchmark"}, "a")
        post(f"/api/v1/corrections/{review['correction']['id']}/accept", {}, "b")
        accepted = time.perf_counter()
        for path, ready in AFTER_CORRECTION_PAGES:
            out.append((f"round {i + 1}, right after: {path}", *visit(path, ready)))
        wait = getattr(data, "wait_recomputed", None)
        if wait is not None:  # background recompute: time until the new scores are served, then visit again
            wait(600)
            ready_after = (time.perf_counter() - accepted) * 1000
            out.append((f"round {i + 1}: new scores served after", *[ready_after] * 5))
            for path, ready in AFTER_CORRECTION_PAGES:
                out.append((f"round {i + 1}, new scores: {path}", *visit(path, ready)))
    returning.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--url", help="measure a running server instead of starting one")
    parser.add_argument("--pages-only", action="store_true", help="only bytes, HTML size and CLS per page")
    parser.add_argument("--only", choices=["year-change", "after-correction"], help="run one part only")
    parser.add_argument("--countries", default=",".join(YEAR_CHANGE_COUNTRIES),
                        help="profiles whose year is changed (comma-separated ISO3)")
    args = parser.parse_args()
    url = args.url or start_server()
    countries = args.countries.split(",")
    if args.only == "year-change":
        return print_year_change(url, countries)
    from playwright.sync_api import sync_playwright
    if args.only == "after-correction":
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
            report_after_correction(browser, url)
            browser.close()
        return

    from dashboard import data
    years = [str(y) for y in data.years()]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        print(f"server {url}")
        ready_map = ("() => { const g = document.querySelector('#map-graph .js-plotly-plot'); "
                     "return g && g._fullData && g.querySelectorAll('path.choroplethlocation').length > 100 "
                     "&& document.querySelector('#map-year'); }")
        ready_country = ("() => { const g = document.querySelector('#country-split .js-plotly-plot'); "
                         "return g && g._fullData && document.querySelector('#country-year'); }")
        for path, ready in PAGES:
            page_weight(browser, url, path, ready, {"width": 1280, "height": 800})  # warm the server
            for name, viewport in (("desktop", {"width": 1280, "height": 800}),
                                   ("phone", {"width": 390, "height": 844})):
                w = page_weight(browser, url, path, ready, viewport)
                print(f"page {path:<14} {name:<8} transferred {w['bytes'] / 1e3:7.1f} kB in {w['requests']:>2} "
                      f"requests (HTML {w['html'] / 1e3:5.1f} kB, JS {w['js'] / 1e3:6.1f} kB)   "
                      f"CLS {w['cls']:.3f}   DOM {w['nodes']}", flush=True)
        if args.pages_only:
            browser.close()
            return
        for label, path, ready in (("first visit: /", "/", ready_map),
                                   ("first visit: /country/COL", "/country/COL?year=2021", ready_country)):
            first_visit(browser, url, path, ready)  # warm the server's caches, not the browser's
            v = first_visit(browser, url, path, ready)
            print(f"{label:<34} interactive {v['interactive_ms']:7.0f} ms   transferred "
                  f"{v['bytes'] / 1e6:5.2f} MB in {v['requests']} requests")
            for size, res in v["biggest"][:4]:
                print(f"    {size / 1e3:8.1f} kB  {res.replace(url, '')[:90]}")

        map_cb = capture_callback(browser, url, "/?year=2021", lambda pg: choose(pg, "map-year", "2020"),
                                  "map-graph.figure")
        report_after_correction(browser, url)
        country_cb = capture_callback(browser, url, "/country/COL?year=2021",
                                      lambda pg: choose(pg, "country-year", "2020"), "country-body.children")
        browser.close()

    nodes = ["overall", "privacy", "expression", "access", "association"]
    actors = ["all", "state", "corporate"]
    map_variants = [{"map-year": int(y), "map-node": n, "map-actor": a}
                    for y, n, a in itertools.product(years, nodes, actors)]
    countries = ["COL", "LBN", "MOZ", "UZB", "IDN", "BRA", "IND", "NGA", "DEU", "USA"]
    country_variants = [{"country-year": int(y), "country-iso3": c} for c, y in itertools.product(countries, years)]
    replay(url, map_cb, map_variants[:5], 5)  # warm-up
    t_map_first = replay(url, map_cb, map_variants, len(map_variants))
    t_map = replay(url, map_cb, map_variants, args.iterations)
    t_country_first = replay(url, country_cb, country_variants, len(country_variants))
    t_country = replay(url, country_cb, country_variants, args.iterations)
    print(summary("map update (first pass, uncached)", t_map_first))
    print(summary("map update", t_map))
    print(summary("country page (first pass, uncached)", t_country_first))
    print(summary("country page (year change)", t_country))
    q95 = statistics.quantiles(t_map, n=100)[94]
    print(f"target map update p95 < 100 ms: {'met' if q95 < 100 else 'NOT met'} ({q95:.1f} ms)")
    print_year_change(url, countries)


def print_year_change(url: str, countries: list[str] | None = None) -> None:
    """Profile year change in the browser (see profile_year_change), with its targets."""
    from playwright.sync_api import sync_playwright

    from dashboard import data
    years = [str(y) for y in data.years()]
    for y in data.years():  # the per-year uncertainty runs (disk cache) are a server's one-off, not a page's
        data.sensitivity(y)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        t = profile_year_change(browser, url, years, countries)
        browser.close()
    print(summary("profile year change, browser (uncached)", t["uncached"]))
    print(summary("profile year change, browser (cached)", t["cached"]))
    blank = [b for b in t["blank"] if b > 0]
    print(f"{'profile blank during year change':<34} {len(blank)} of {len(t['blank'])} changes, "
          f"max {max(t['blank']):.0f} ms, total {sum(t['blank']):.0f} ms")
    for name, limit in (("cached", 300), ("uncached", 1500)):
        q95 = statistics.quantiles(t[name], n=100)[94]
        print(f"target profile year change p95 < {limit} ms {name}: {'met' if q95 < limit else 'NOT met'} "
              f"({q95:.0f} ms)")


def report_after_correction(browser, url: str) -> None:
    if urllib.parse.urlparse(url).hostname not in ("127.0.0.1", "localhost") or "--url" in sys.argv:
        print("first visit after an accepted correction: skipped (needs the in-process server's review store)")
        return
    timings = after_correction(browser, url)
    print(f"after accepted correction ({'':<60} returning browser: painted  drawn   fresh browser: painted  drawn"
          "   server)")
    for label, *ms in timings:
        if "served after" in label:
            print(f"after accepted correction: {label:<62} {ms[0]:7.0f} ms")
        else:
            print(f"after accepted correction: {label:<62} {ms[0]:18.0f} {ms[1]:6.0f} ms {ms[2]:21.0f} {ms[3]:6.0f} ms"
                  f" {ms[4]:6.0f} ms")
    visits = [ms for label, *ms in timings if "round" in label and "served" not in label]
    for kind in ("reference", "right after", "new scores"):
        server = sorted(ms[4] for label, *ms in timings if kind in label and "served after" not in label)
        print(f"server ms per page ({kind}): median {statistics.median(server):.0f}, worst {server[-1]:.0f}")
    for browser_kind, first in (("returning browser", 0), ("fresh browser", 2)):
        for name, column in (("content painted", first), ("charts drawn", first + 1)):
            worst = max(v[column] for v in visits)
            print(f"target first visit after a correction < 1500 ms ({browser_kind}, {name}): "
                  f"{'met' if worst < 1500 else 'NOT met'} (worst {worst:.0f} ms)")


if __name__ == "__main__":
    main()
