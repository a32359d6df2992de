"""Server throughput under load: `python benchmarks/http_benchmark.py [--users 20] [--seconds 10]`.

Runs the app under gunicorn with 2 workers (as deployed) on 127.0.0.1, unless `--url` names a running
server, and prints
- the latency of one repeated `GET /api/v1/scores?year=2021` (median of 20 after a first request),
  with the body size and whether a conditional request (If-None-Match) gets 304;
- req/s, p50 and p95 with `--users` concurrent clients (a bounded Python load loop, keep-alive
  connections) for that API request and for the map callback (POST /_dash-update-component, cycling
  through years, scores and actors as a user changing the map would).

The load generator shares the machine with the server: on a 2-core machine the figures are a floor.
Target (issue 14): a repeated /api/v1/scores?year=2021 answers in < 50 ms.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import itertools
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.lighthouse_benchmark import start_gunicorn  # noqa: E402

API = "/api/v1/scores?year=2021"


def map_bodies(years: list[int]) -> list[bytes]:
    """The map callback's request bodies as the browser sends them (outputs/inputs of update_map)."""
    outputs = [{"id": "map-graph", "property": "figure"}, {"id": "map-downloads", "property": "children"},
               {"id": "map-summary", "property": "children"}]
    bodies = []
    for year, node, actor in itertools.product(years, ["overall", "privacy", "expression", "access",
                                                       "association"], ["all", "state", "corporate"]):
        inputs = [{"id": "map-year", "property": "value", "value": year},
                  {"id": "map-node", "property": "value", "value": node},
                  {"id": "map-actor", "property": "value", "value": actor},
                  {"id": "map-region", "property": "value", "value": "all"}]
        bodies.append(json.dumps({"output": "..map-graph.figure...map-downloads.children...map-summary.children..",
                                  "outputs": outputs, "inputs": inputs, "changedPropIds": ["map-year.value"],
                                  "state": []}).encode())
    return bodies


def request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, bytes, dict]:
    hdrs = {"Accept-Encoding": "gzip", **(headers or {})}
    if body is not None:
        hdrs["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=hdrs)
    resp = conn.getresponse()
    payload = resp.read()
    return resp.status, payload, dict(resp.getheaders())


def gzip_decode(body: bytes, headers: dict) -> bytes:
    return gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body


def load(host: str, port: int, users: int, seconds: float, make) -> tuple[float, list[float], int]:
    """`users` threads, each with a keep-alive connection, for `seconds`; `make(i)` -> (method, path, body)."""
    timings: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def user(n: int):
        conn = http.client.HTTPConnection(host, port, timeout=60)
        mine, i = [], n
        while time.perf_counter() < stop:
            method, path, body = make(i)
            i += users
            start = time.perf_counter()
            try:
                status, _, _ = request(conn, method, path, body)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                status = 0
            mine.append((time.perf_counter() - start) * 1000)
            if status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    begin = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(timings) / (time.perf_counter() - begin), timings, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="measure a running server instead of starting gunicorn -w 2")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    proc = None
    url = args.url
    if not url:
        url, proc = start_gunicorn(2)
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or 80
        print(f"server {url}   users {args.users}   {args.seconds:.0f} s per load   (cpus: {os.cpu_count()}, "
              f"load average {os.getloadavg()[0]:.2f})")
        conn = http.client.HTTPConnection(host, port, timeout=60)
        for path in ("/", "/country/COL", "/methodology", "/compare"):
            status, body, headers = request(conn, "GET", path)
            print(f"HTML shell {path:<14} {len(gzip_decode(body, headers)) / 1e3:6.1f} kB "
                  f"({len(body) / 1e3:5.1f} kB {headers.get('Content-Encoding', 'identity')}), status {status}")
        start = time.perf_counter()
        status, body, headers = request(conn, "GET", API)
        print(f"GET {API}: first {1000 * (time.perf_counter() - start):.1f} ms, {len(body) / 1e3:.0f} kB "
              f"as sent ({headers.get('Content-Encoding', 'identity')}), status {status}")
        times = []
        for _ in range(20):
            start = time.perf_counter()
            request(conn, "GET", API)
            times.append((time.perf_counter() - start) * 1000)
        print(f"GET {API}: repeated median {statistics.median(times):.1f} ms, max {max(times):.1f} ms "
              f"(target < 50 ms)")
        etag = headers.get("ETag")
        if etag:
            start = time.perf_counter()
            status, _, _ = request(conn, "GET", API, headers={"If-None-Match": etag})
            print(f"GET {API} If-None-Match: status {status} in {1000 * (time.perf_counter() - start):.1f} ms")
        else:
            print(f"GET {API}: no ETag")
        meth = json.loads(gzip_decode(*request(conn, "GET", "/api/v1/methodology")[1:]))
        conn.close()
        years = list(range(meth["first_year"], meth["last_year"] + 1))
        bodies = map_bodies(years)
        for name, make in (
                (f"GET {API}", lambda i: ("GET", API, None)),
                ("map callback (POST)", lambda i: ("POST", "/_dash-update-component", bodies[i % len(bodies)]))):
            load(host, port, 4, 2, make)  # warm every worker's caches
            rate, timings, errors = load(host, port, args.users, args.seconds, make)
            q = statistics.quantiles(timings, n=100)
            print(f"{name:<36} {rate:7.1f} req/s   p50 {q[49]:7.1f} ms   p95 {q[94]:7.1f} ms   "
                  f"n={len(timings)} errors={errors}", flush=True)
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
