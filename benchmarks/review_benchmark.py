"""Review store throughput over real HTTP: `python benchmarks/review_benchmark.py [--posts 500] [--threads 10]`.

Starts `python app.py` on a free 127.0.0.1 port with a fresh store (a temporary SQLite file, or
DATABASE_URL if set: use an empty database), creates two accounts, posts reviews with HTTP Basic from
several threads, and prints throughput and latency percentiles. Exits 1 if any post fails.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
INDICATORS = ["p_fiw_d4", "p_sm_monitoring", "e_filtering", "e_fiw_d1", "s_fiw_e1", "a_internet_users"]
COUNTRIES = ["COL", "LBN", "MOZ", "UZB", "IDN"]


def post(url: str, body: dict, user: str) -> tuple[int, float]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": "Basic " +
                                          base64.b64encode(f"{user}:{user}-password".encode()).decode()})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status = r.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--threads", type=int, default=10)
    args = parser.parse_args()

    from dashboard.review.auth import add_user
    from dashboard.review.store import Store, default_url
    instance = Path(tempfile.mkdtemp(prefix="drd-review-bench-"))
    url = os.environ.get("DATABASE_URL") or default_url(instance)
    store = Store(url)
    for name, role in (("rita", "reviewer"), ("lena", "lead")):
        add_user(store, name, role, f"{name}-password")
    store.dispose()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {"DRD_INSTANCE_DIR": str(instance), "DRD_SECRET_KEY": "bench"}
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/signin", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        body = lambda i: {"country": COUNTRIES[i % 5], "year": 2021, "indicator": INDICATORS[i % 6],  # noqa: E731
                          "status": "confirmed", "comment": f"benchmark {i}"}
        post(base + "/api/v1/reviews", body(0), "rita")  # warm: loads data and scores
        start = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            results = list(pool.map(lambda i: post(base + "/api/v1/reviews", body(i), ("rita", "lena")[i % 2]),
                                    range(1, args.posts + 1)))
        wall = time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(10)
    latencies = sorted(t * 1000 for _, t in results)
    failed = sum(1 for s, _ in results if s != 201)
    backend = url.split(":", 1)[0]
    print(f"store: {backend}; {args.posts} POST /api/v1/reviews from {args.threads} threads in {wall:.2f} s "
          f"= {args.posts / wall:.0f} reviews/s; latency p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {latencies[int(0.95 * len(latencies)) - 1]:.1f} ms, max {latencies[-1]:.1f} ms; failed {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
