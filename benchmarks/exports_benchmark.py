"""Print how long the exports take: first and warm chart images, briefs, spreadsheets, GIS layers, API.

    python benchmarks/exports_benchmark.py [--repeat 5]

Requests go through the real routes (Flask test client; no network). "first" includes starting the
kaleido browser; "warm" is an uncached render with the browser running; "cached" is a repeat request.
Then every chart at 200x200 and 4000x4000 (status and time), and the same chart with an unknown extra
parameter (served from the cache, or rendered again).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COUNTRIES = ["COL", "LBN", "MOZ", "UZB", "IDN", "KEN", "BRA", "IND", "PHL", "ZAF", "MEX", "NGA"]


MENA = "Middle%20East%20%26%20North%20Africa"
CHARTS = {"map": f"year=2021&region={MENA}", "pillars": "country=LBN&year=2021", "split": "country=LBN&year=2021",
          "trend": "country=LBN", "compare": "countries=LBN,COL&year=2021", "region_trends": f"region={MENA}",
          "region_compare": "country=LBN&year=2021"}


def timed(client, url: str, strict: bool = True) -> tuple[float, int]:
    t0 = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - t0
    if response.status_code != 200 and strict:
        raise SystemExit(f"{url} answered {response.status_code}: {response.data[:200]!r}")
    return elapsed, len(response.data) if response.status_code == 200 else -response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="uncached renders per warm figure (default 5)")
    args = parser.parse_args()

    from flask import Flask

    from dashboard import api, data, exports
    data.configure(None)
    t0 = time.perf_counter()
    data.results()
    load = time.perf_counter() - t0
    server = Flask("exports_benchmark")
    exports.init_app(server)
    api.init_app(server)
    client = server.test_client()

    rows: list[tuple[str, float, int]] = [("load and score the data (once per process)", load, 0)]
    rows.append(("PNG pillars, first (starts kaleido + Chromium)",
                 *timed(client, "/download/chart/pillars.png?country=COL&year=2021")))

    def warm(label: str, make_url, n: int = args.repeat) -> None:
        times, size = [], 0
        for i in range(n):
            elapsed, size = timed(client, make_url(COUNTRIES[(i + 1) % len(COUNTRIES)], 2015 + i % 9))
            times.append(elapsed)
        rows.append((f"{label}, warm (median of {n}, max {max(times):.2f} s)", statistics.median(times), size))

    warm("PNG pillars", lambda c, y: f"/download/chart/pillars.png?country={c}&year={y}")
    warm("SVG pillars", lambda c, y: f"/download/chart/pillars.svg?country={c}&year={y}")
    warm("PNG split", lambda c, y: f"/download/chart/split.png?country={c}&year={y}")
    warm("PNG map", lambda c, y: f"/download/chart/map.png?year={y}", n=min(args.repeat, 9))
    warm("SVG map", lambda c, y: f"/download/chart/map.svg?year={y}&node=privacy", n=min(args.repeat, 9))
    rows.append(("PNG map, cached", *timed(client, "/download/chart/map.png?year=2015")))
    warm("PDF brief", lambda c, y: f"/download/brief/{c}.pdf?year={y}", n=min(args.repeat, 3))
    rows.append(("PDF brief, cached", *timed(client, "/download/brief/LBN.pdf?year=2015")))
    for fmt in ("csv", "xlsx", "geojson", "gpkg"):
        exports._cache.clear()
        url = f"/download/scores.{fmt}?year=2021"
        rows.append((f"{fmt.upper()} all countries 2021, uncached", *timed(client, url)))
    exports._cache.clear()
    rows.append(("XLSX indicator level, all countries 2021, uncached",
                 *timed(client, "/download/scores.xlsx?year=2021&level=indicator")))
    rows.append(("XLSX all years 2015-2023, uncached", *timed(client, "/download/scores.xlsx?year=all")))
    rows.append(("API /api/v1/scores?year=2021", *timed(client, "/api/v1/scores?year=2021")))
    rows.append(("API /api/v1/countries/COL?year=2021", *timed(client, "/api/v1/countries/COL?year=2021")))

    for size in (200, 4000):
        for kind, query in CHARTS.items():
            elapsed, size_or_status = timed(client, f"/download/chart/{kind}.png?{query}&width={size}&height={size}",
                                            strict=False)
            status = 200 if size_or_status >= 0 else -size_or_status
            rows.append((f"PNG {kind} {size}x{size}: HTTP {status}", elapsed, max(size_or_status, 0)))
    timed(client, "/download/chart/split.png?country=COL&year=2020")
    rows.append(("PNG split, same chart + unknown ?utm_source=x",
                 *timed(client, "/download/chart/split.png?country=COL&year=2020&utm_source=x")))

    width = max(len(r[0]) for r in rows)
    print(f"{'export':<{width}}  {'seconds':>8}  {'bytes':>10}")
    for label, seconds, size in rows:
        print(f"{label:<{width}}  {seconds:>8.3f}  {size:>10,}")


if __name__ == "__main__":
    main()
