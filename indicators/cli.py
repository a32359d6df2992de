"""Command line for panels and scripts: `python -m indicators validate | scores | explain | sensitivity | trend`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from .drilldown import explain, fmt_score  # noqa: F401  (explain is re-exported)
from .observations import Dataset, load_dataset
from .pipeline import Results, score, wide_scores
from .validation import DataValidationError

SCORE_COLUMNS = ["overall", "privacy", "expression", "access", "association", "state", "corporate"]
BASE_COLUMNS = ["iso3", "country", "year", *SCORE_COLUMNS, "coverage"]


def _dataset(args: argparse.Namespace) -> Dataset:
    return load_dataset(args.data, corrections=getattr(args, "corrections", None))


def _year(dataset: Dataset, year: int | None) -> int:
    params = dataset.methodology.parameters
    if year is None:
        return params.last_year
    if not params.first_year <= year <= params.last_year:
        raise SystemExit(f"error: --year {year} is outside the scored years {params.first_year}-{params.last_year}")
    return year


def _countries(dataset: Dataset, codes: list[str] | None) -> list[str] | None:
    if not codes:
        return None
    codes = [c.upper() for c in codes]
    unknown = [c for c in codes if c not in dataset.countries.index]
    if unknown:
        raise SystemExit(f"error: --country {', '.join(unknown)} is not in countries.csv")
    return codes


def scores_table(dataset: Dataset, results: Results, year: int, countries: list[str] | None) -> pd.DataFrame:
    """The `scores` command's table: base columns first, then the split and coverage columns."""
    frame = wide_scores(results, dataset, year, countries)
    extra = [c for c in frame.columns if c not in BASE_COLUMNS and c not in ("region", "pilot")]
    frame = frame[BASE_COLUMNS + ["region", "pilot"] + extra]
    numeric = [c for c in frame.columns if c not in ("iso3", "country", "year", "region", "pilot")]
    frame[numeric] = frame[numeric].round(2)
    return frame


def cmd_validate(args: argparse.Namespace) -> int:
    from .tensions import load_tensions
    try:
        dataset = _dataset(args)
        tensions = load_tensions(dataset.data_dir, set(dataset.countries.index), set(dataset.sources.index))
    except DataValidationError as exc:
        print(f"INVALID: {len(exc.issues)} problem(s) in {args.data or 'data/'}", file=sys.stderr)
        for issue in exc.issues:
            print(f"  - {issue}", file=sys.stderr)
        return 1
    m = dataset.methodology
    print(f"OK: {len(dataset.observations)} observations, {len(m.indicators)} indicators in "
          f"{len(m.pillars)} pillars, {len(dataset.sources)} sources, {len(dataset.countries)} countries, "
          f"{len(dataset.corrections)} corrections (methodology {m.parameters.methodology_version}); "
          f"{len(tensions)} tensions rows (not scored)")
    return 0


def cmd_scores(args: argparse.Namespace) -> int:
    dataset = _dataset(args)
    year = _year(dataset, args.year)
    countries = _countries(dataset, args.country)
    frame = scores_table(dataset, score(dataset, years=[year]), year, countries)
    if args.format == "json":
        print(frame.to_json(orient="records", indent=1))
    else:
        frame.to_csv(sys.stdout, index=False, float_format="%.2f")
    return 0


def render_explain(d: dict) -> str:
    """Plain-text drill-down."""
    lines = [f"{d['country']} ({d['iso3']}), {d['year']}  methodology {d['methodology_version']}, "
             f"window {d['window_years']} years, nodes below {d['min_coverage']:.0%} coverage withheld", ""]
    o = d["overall"]
    lines.append(f"OVERALL {fmt_score(o['score'])}  {o['label']}  coverage {o['coverage']:.0%} "
                 f"(measured share of methodology {o['measured_share']:.0%})")
    lines.append("  = weighted mean of the pillar scores below (pillar weights)")
    for a in d["actors"]:
        lines.append(f"  actor {a['actor']:<10} {fmt_score(a['score'])}  coverage {a['coverage']:.0%}")
    for p in d["pillars"]:
        lines += ["", f"PILLAR {p['name']} ({p['node']}), weight {p['weight']:g}: {fmt_score(p['score'])}  "
                      f"{p['label']}  coverage {p['coverage']:.0%}",
                  "  = weighted mean of its indicator scores with data"]
        for a in p["actors"]:
            lines.append(f"  {a['node']:<24} {fmt_score(a['score'])}  coverage {a['coverage']:.0%}")
        lines.append(f"  {'indicator':<24}{'actor':<11}{'raw':>10}{'year':>6}{'score':>7}{'weight':>7}  source")
        for it in p["items"]:
            src = it["source"]["publisher"] if it["source"] else "?"
            if it["status"] == "used":
                flag = " (carried forward)" if it["carried"] else ""
                flag += " (expert correction)" if it["corrected"] else ""
                lines.append(f"  {it['indicator']:<24}{it['actor']:<11}{it['value']:>10.4g}{it['obs_year']:>6}"
                             f"{it['score']:>7.2f}{it['weight']:>7g}  {src}{flag}")
            else:
                lines.append(f"  {it['indicator']:<24}{it['actor']:<11}{'-':>10}{'-':>6}{'-':>7}"
                             f"{it['weight']:>7g}  {src} ({it['status']})")
    return "\n".join(lines)


def cmd_explain(args: argparse.Namespace) -> int:
    dataset = _dataset(args)
    year = _year(dataset, args.year)
    (iso3,) = _countries(dataset, [args.iso3])
    result = explain(dataset, score(dataset, years=[year]), iso3, year)
    print(json.dumps(result, indent=1) if args.format == "json" else render_explain(result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indicators", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", type=Path, default=None, help="data directory (default: the repository's data/)")
    common.add_argument("--corrections", type=Path, default=None,
                        help="expert corrections CSV (default: DATA/corrections.csv when present)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", parents=[common], help="check every data file; exit 1 listing all problems")
    p = sub.add_parser("scores", parents=[common], help="one row per scored country")
    p.add_argument("--year", type=int)
    p.add_argument("--country", action="append", help="ISO3 code; repeat for several")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p = sub.add_parser("explain", parents=[common], help="the drill-down for one country")
    p.add_argument("iso3")
    p.add_argument("--year", type=int)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p = sub.add_parser("trend", parents=[common],
                       help="published, like-for-like and composition change of a score between two years, "
                            "with each indicator's contribution")
    p.add_argument("iso3")
    p.add_argument("--from", dest="year_from", type=int, help="start year (default: the first scored year)")
    p.add_argument("--to", dest="year_to", type=int, help="end year (default: the last scored year)")
    p.add_argument("--node", default="overall",
                   help="overall (default), a pillar (privacy), an actor (state) or a pillar.actor node "
                        "(privacy.state)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p = sub.add_parser("sensitivity", parents=[common],
                       help="score and rank intervals (5th-95th percentile) from a Monte Carlo over the methodology")
    p.add_argument("--year", type=int)
    p.add_argument("--country", action="append", help="ISO3 code; repeat for several")
    p.add_argument("--runs", type=int, default=1000, help="Monte Carlo runs (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--shares", choices=["overall", "rank", "summary"], default=None,
                   help="print first-order sensitivity shares per choice instead of intervals")
    p.add_argument("--no-cache", action="store_true",
                   help="recompute instead of reading the cache ($DRD_CACHE_DIR or instance/cache/)")
    return parser


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from .sensitivity import interval_table, sensitivity, sensitivity_cached, share_summary, share_table
    dataset = _dataset(args)
    year = _year(dataset, args.year)
    countries = _countries(dataset, args.country)
    if args.runs < 2:
        raise SystemExit("error: --runs must be at least 2")
    run = sensitivity if args.no_cache else sensitivity_cached
    result = run(dataset, year, runs=args.runs, seed=args.seed)
    if args.shares == "summary":
        frame = share_summary(result).reset_index()
    elif args.shares:
        frame = share_table(result, args.shares, countries)
    else:
        frame = interval_table(result, countries)
    if args.format == "json":
        print(frame.to_json(orient="records", indent=1))
    else:
        frame.to_csv(sys.stdout, index=False, float_format="%.3g" if args.shares else "%.2f")
    return 0


def cmd_trend(args: argparse.Namespace) -> int:
    from .trend import TrendError, country_trend, render_trend
    dataset = _dataset(args)
    params = dataset.methodology.parameters
    year_from = params.first_year if args.year_from is None else args.year_from
    year_to = params.last_year if args.year_to is None else args.year_to
    for flag, year in (("--from", year_from), ("--to", year_to)):
        if not params.first_year <= year <= params.last_year:
            raise SystemExit(f"error: {flag} {year} is outside the scored years {params.first_year}-{params.last_year}")
    if year_from >= year_to:
        raise SystemExit(f"error: --from {year_from} must be before --to {year_to}")
    (iso3,) = _countries(dataset, [args.iso3])
    results = score(dataset, years=list(range(year_from, year_to + 1)))
    try:
        result = country_trend(results, dataset.methodology, iso3, year_from, year_to, node=args.node)
    except TrendError as exc:
        raise SystemExit(f"error: {exc}") from None
    name = str(dataset.countries.at[iso3, "name"])
    print(json.dumps(result | {"country": name}, indent=1, ensure_ascii=False) if args.format == "json"
          else render_trend(result, name))
    return 0


COMMANDS = {"validate": cmd_validate, "scores": cmd_scores, "explain": cmd_explain, "sensitivity": cmd_sensitivity,
            "trend": cmd_trend}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0
    except DataValidationError as exc:
        print(f"error: the data is invalid; run `python -m indicators validate` for details.\n{exc}",
              file=sys.stderr)
        return 1
