"""Lighthouse 12 on the four main pages, desktop and mobile: `python benchmarks/lighthouse_benchmark.py`.

Prints, per page and form factor, the performance and accessibility scores with CLS, LCP and TBT.
Lighthouse is an npm package, not part of the Python environment (CI has no npm step); install it once
into this folder (benchmarks/node_modules is git-ignored):

    npm install --prefix benchmarks lighthouse@12

or point `--lighthouse` (env LIGHTHOUSE) at another install's `node_modules/.bin/lighthouse`.
Chromium comes from CHROME_PATH (default /usr/bin/chromium).

The app runs under gunicorn (2 workers, as deployed) on 127.0.0.1 unless `--url` names a running server.
Each page is loaded once untimed (the server's caches warm, as on a long-running server), then
measured `--runs` times (median reported). Mobile is Lighthouse's default (Moto G Power, simulated
slow 4G, 4x CPU slowdown); desktop is `--preset=desktop`.
Targets (issue 14): desktop performance >= 90 (98), mobile >= 70 (85), accessibility 100, CLS < 0.1 (0.02).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/", "/country/COL", "/methodology", "/compare"]
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(workers: int = 2) -> tuple[str, subprocess.Popen]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", "app:server"], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(url + "/api/v1/countries", timeout=30).read()
            return url, proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("gunicorn exited") from None
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def lighthouse_bin(given: str | None) -> str:
    path = given or os.environ.get("LIGHTHOUSE") or str(ROOT / "benchmarks" / "node_modules" / ".bin" / "lighthouse")
    if not Path(path).exists():
        raise SystemExit(f"Lighthouse not found at {path}: npm install --prefix benchmarks lighthouse@12")
    return path


class RunFailed(Exception):
    """Lighthouse finished but could not measure the page (its runtimeError, e.g. NO_NAVSTART: a lost trace)."""


def run_once(binary: str, url: str, desktop: bool, attempts: int = 3) -> dict:
    """One Lighthouse run; a run that crashes (Lighthouse sometimes loses its Chromium) or loses its
    trace is tried again."""
    for attempt in range(attempts):
        try:
            return _run(binary, url, desktop)
        except subprocess.CalledProcessError as error:
            if attempt == attempts - 1:
                tail = error.stderr.decode(errors="replace")[-500:]
                raise SystemExit(f"Lighthouse failed on {url}: {tail}") from error
        except RunFailed as error:
            if attempt == attempts - 1:
                raise SystemExit(f"Lighthouse could not measure {url}: {error}") from error
    raise AssertionError("unreachable")


def _run(binary: str, url: str, desktop: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [binary, url, "--quiet", "--output=json", f"--output-path={out}",
               "--only-categories=performance,accessibility", f"--chrome-flags={CHROME_FLAGS}"]
        if desktop:
            cmd.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
        report = json.loads(out.read_text())
    if report.get("runtimeError"):
        raise RunFailed(report["runtimeError"].get("code", "unknown"))
    audits, cats = report["audits"], report["categories"]
    return {"perf": round(100 * (cats["performance"]["score"] or 0)),
            "a11y": round(100 * (cats["accessibility"]["score"] or 0)),
            "cls": audits["cumulative-layout-shift"]["numericValue"],
            "lcp": audits["largest-contentful-paint"]["numericValue"],
            "tbt": audits["total-blocking-time"]["numericValue"],
            "bytes": audits["total-byte-weight"]["numericValue"],
            "dom": audits.get("dom-size", {}).get("numericValue")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="measure a running server instead of starting gunicorn")
    parser.add_argument("--lighthouse", help="path to the lighthouse binary")
    parser.add_argument("--runs", type=int, default=1, help="measured runs per page and form factor (median)")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--form", choices=["desktop", "mobile", "both"], default="both")
    args = parser.parse_args()
    binary = lighthouse_bin(args.lighthouse)
    proc = None
    url = args.url
    if not url:
        url, proc = start_gunicorn()
    try:
        forms = {"desktop": [True], "mobile": [False], "both": [True, False]}[args.form]
        print(f"server {url}   lighthouse {binary}   runs {args.runs}   (cpus: {os.cpu_count()}, "
              f"load average {os.getloadavg()[0]:.2f})")
        print(f"{'page':<16}{'form':<9}{'perf':>5}{'a11y':>6}{'CLS':>8}{'LCP ms':>9}{'TBT ms':>8}"
              f"{'kB':>7}{'DOM':>6}")
        for path in args.pages:
            urllib.request.urlopen(url + path, timeout=60).read()
            for desktop in forms:
                runs = [run_once(binary, url + path, desktop) for _ in range(args.runs)]
                med = {k: statistics.median(r[k] for r in runs) if runs[0][k] is not None else None
                       for k in runs[0]}
                print(f"{path:<16}{'desktop' if desktop else 'mobile':<9}{med['perf']:>5.0f}{med['a11y']:>6.0f}"
                      f"{med['cls']:>8.3f}{med['lcp']:>9.0f}{med['tbt']:>8.0f}{med['bytes'] / 1e3:>7.0f}"
                      f"{med['dom'] or 0:>6.0f}", flush=True)
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
