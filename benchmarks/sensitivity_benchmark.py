"""Print how long the sensitivity Monte Carlo takes: every country, one year, N runs (default 1,000).

    python benchmarks/sensitivity_benchmark.py [--year 2021] [--runs 1000] [--repeat 3] [--seed 0]

Reports the time per stage (prepare arrays, runs, summary), the peak memory (tracemalloc), what
one pipeline.score() run costs for comparison, and which choices move the year's scores most.
The target is 1,000 runs for every country for one year in under 30 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import timed  # noqa: E402  (benchmarks/timing.py, beside this script)

from indicators import load_dataset, score  # noqa: E402
from indicators.alternatives import default_alternatives  # noqa: E402
from indicators.sensitivity import (  # noqa: E402
    draw,
    monte_carlo,
    point_scores,
    prepare,
    sensitivity,
    share_summary,
    summarise,
    uses_noise,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    dataset = load_dataset()
    alts = default_alternatives(dataset.data_dir)
    med_total, min_total, result = timed(lambda: sensitivity(dataset, args.year, args.runs, args.seed, alts),
                                         args.repeat)
    med_prep, _, prep = timed(lambda: prepare(dataset, args.year, alts), args.repeat)
    draws = draw(prep, alts, args.runs, args.seed)
    med_runs, _, runs_scores = timed(lambda: monte_carlo(prep, alts, draws), args.repeat)
    point = point_scores(prep)
    med_sum, _, _ = timed(lambda: summarise(prep, alts, draws, runs_scores, point, dataset), args.repeat)
    med_one, _, _ = timed(lambda: score(dataset, years=[args.year]), args.repeat)

    tracemalloc.start()
    sensitivity(dataset, args.year, args.runs, args.seed, alts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    frame = result.intervals
    scored = frame[frame["overall"].notna()]
    width = scored["overall_high"] - scored["overall_low"]
    rank_width = scored["rank_high"] - scored["rank_low"]
    inert = "" if uses_noise(prep, alts) else " (measurement_error inert: no value_sd in the data)"
    print(f"alternatives            {', '.join(alts.active)}{inert}")
    print(f"countries x runs        {len(prep.countries)} x {args.runs:,} ({len(scored)} with an overall score), "
          f"{len(prep.tree.nodes)} nodes, {len(prep.tree.indicators)} indicators")
    print(f"sensitivity, one year   {med_total:8.2f} s median (fastest {min_total:.2f} s), target < 30 s")
    print(f"  prepare arrays        {med_prep * 1000:8.1f} ms")
    print(f"  {args.runs:,} runs             {med_runs * 1000:8.1f} ms")
    print(f"  intervals and shares  {med_sum * 1000:8.1f} ms")
    print(f"pipeline.score(), 1 yr  {med_one * 1000:8.1f} ms  (x {args.runs:,} runs = {med_one * args.runs:.0f} s)")
    print(f"peak memory             {peak / 2**20:8.1f} MiB (tracemalloc)")
    print(f"overall interval width  median {width.median():.2f}, 90th percentile {width.quantile(0.9):.2f} points")
    print(f"overall rank width      median {rank_width.median():.0f}, 90th percentile {rank_width.quantile(0.9):.0f} "
          f"places")
    print(f"\nfirst-order shares, {args.year} (mean over countries; 'interactions' = the rest)")
    print(share_summary(result).to_string())


if __name__ == "__main__":
    main()
