"""Print how long loading and scoring take: every country, every year, the shipped data.

    python benchmarks/scoring_benchmark.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import timed  # noqa: E402  (benchmarks/timing.py, beside this script)

from indicators import load_dataset, score  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    med_load, min_load, dataset = timed(load_dataset, args.repeat)
    med_score, min_score, results = timed(lambda: score(dataset), args.repeat)
    med_one, _, _ = timed(lambda: score(dataset, years=[2021]), args.repeat)
    tracemalloc.start()
    score(dataset)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    n_countries = len(dataset.countries)
    print(f"observations            {len(dataset.observations):>10,}")
    print(f"countries x years       {n_countries} x {len(results.years)} = {n_countries * len(results.years):,}")
    print(f"result rows             {len(results.indicators):,} indicator, {len(results.nodes):,} node")
    print(f"load + validate data    {med_load * 1000:8.1f} ms median ({min_load * 1000:.1f} min)")
    print(f"score all years         {med_score * 1000:8.1f} ms median ({min_score * 1000:.1f} min)")
    print(f"score one year          {med_one * 1000:8.1f} ms median")
    print(f"peak memory, scoring    {peak / 2**20:8.1f} MiB (tracemalloc)")


if __name__ == "__main__":
    main()
