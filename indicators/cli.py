"""Command line for panels and scripts: `python -m indicators validate | scores | explain`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

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
    try:
        dataset = _dataset(args)
    except DataValidationError as exc:
        print(f"INVALID: {len(exc.issues)} problem(s) in {args.data or 'data/'}", file=sys.stderr)
        for issue in exc.issues:
            print(f"  - {issue}", file=sys.stderr)
        return 1
    m = dataset.methodology
    print(f"OK: {len(dataset.observations)} observations, {len(m.indicators)} indicators in "
          f"{len(m.pillars)} pillars, {len(dataset.sources)} sources, {len(dataset.countries)} countries, "
          f"{len(dataset.corrections)} corrections (methodology {m.parameters.methodology_version})")
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


def explain(dataset: Dataset, results: Results, iso3: str, year: int) -> dict:
    """The drill-down for one country and year as plain data (used by the CLI, API and pages)."""
    meth = dataset.methodology
    nodes = results.nodes[(results.nodes["iso3"] == iso3) & (results.nodes["year"] == year)].set_index("node")
    inds = results.indicators[(results.indicators["iso3"] == iso3) & (results.indicators["year"] == year)]
    inds = inds.set_index("indicator")
    measured = set(results.indicators.loc[results.indicators["year"] == year, "indicator"])

    def node(code: str) -> dict:
        row = nodes.loc[code]
        label_node = code.split(".")[0] if row["level"] in ("pillar", "pillar_actor") else "overall"
        return {"node": code, "score": _num(row["score"]), "coverage": round(float(row["coverage"]), 4),
                "measured_share": round(float(row["measured_share"]), 4),
                "band": None if pd.isna(row["band"]) else int(row["band"]),
                "label": meth.band_label(label_node, row["score"]),
                "indicators_with_data": int(row["n_available"]), "indicators": int(row["n_indicators"])}

    pillars = []
    for pillar, prow in meth.pillars.iterrows():
        entry = node(pillar) | {"name": prow["name"], "weight": float(prow["weight"]), "actors": [], "items": []}
        for actor in meth.actor_codes:
            if f"{pillar}.{actor}" in nodes.index and (meth.indicators["pillar"] == pillar).any():
                if ((meth.indicators["pillar"] == pillar) & (meth.indicators["actor"] == actor)).any():
                    entry["actors"].append(node(f"{pillar}.{actor}") | {"actor": actor})
        for code, spec in meth.indicators[meth.indicators["pillar"] == pillar].iterrows():
            item = {"indicator": code, "name": spec["name"], "actor": spec["actor"],
                    "weight": float(spec["weight"]), "method": spec["method"], "direction": spec["direction"],
                    "lo": _num(spec["lo"]), "hi": _num(spec["hi"]), "mapping": spec["mapping"] or None}
            src_id = spec["source_id"]
            if code in inds.index:
                obs = inds.loc[code]
                src_id = obs["source_id"] if isinstance(obs["source_id"], str) else src_id
                item |= {"status": "used", "value": _num(obs["value"]), "obs_year": int(obs["obs_year"]),
                         "carried": bool(obs["carried"]), "score": _num(obs["score"]), "note": obs["note"],
                         "corrected": bool(obs["corrected"])}
                if obs["corrected"]:
                    item["correction"] = {"original_value": _num(obs["original_value"]),
                                          "reason": obs["correction_reason"], "author": obs["correction_author"],
                                          "date": obs["correction_date"], "source": obs["correction_source"]}
            else:
                item |= {"status": "missing" if code in measured else "not measured this year",
                         "value": None, "obs_year": None, "score": None}
            source = dataset.sources.loc[src_id] if src_id in dataset.sources.index else None
            item["source"] = None if source is None else {
                "source_id": src_id, "publisher": source["publisher"], "dataset": source["dataset"],
                "url": source["url"], "licence": source["licence"]}
            entry["items"].append(item)
        pillars.append(entry)
    country = dataset.countries.loc[iso3]
    return {
        "iso3": iso3, "country": country["name"], "region": country["region"], "pilot": bool(country["pilot"]),
        "year": year, "methodology_version": meth.parameters.methodology_version,
        "window_years": meth.parameters.window_years, "min_coverage": meth.parameters.min_coverage,
        "overall": node("overall"),
        "actors": [node(a) | {"actor": a} for a in meth.actor_codes if a in nodes.index],
        "pillars": pillars,
    }


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 4)


def _fmt(value, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render_explain(d: dict) -> str:
    """Plain-text drill-down."""
    lines = [f"{d['country']} ({d['iso3']}), {d['year']}  methodology {d['methodology_version']}, "
             f"window {d['window_years']} years, nodes below {d['min_coverage']:.0%} coverage withheld", ""]
    o = d["overall"]
    lines.append(f"OVERALL {_fmt(o['score'])}  {o['label']}  coverage {o['coverage']:.0%} "
                 f"(measured share of methodology {o['measured_share']:.0%})")
    lines.append("  = weighted mean of the pillar scores below (pillar weights)")
    for a in d["actors"]:
        lines.append(f"  actor {a['actor']:<10} {_fmt(a['score'])}  coverage {a['coverage']:.0%}")
    for p in d["pillars"]:
        lines += ["", f"PILLAR {p['name']} ({p['node']}), weight {p['weight']:g}: {_fmt(p['score'])}  "
                      f"{p['label']}  coverage {p['coverage']:.0%}",
                  "  = weighted mean of its indicator scores with data"]
        for a in p["actors"]:
            lines.append(f"  {a['node']:<24} {_fmt(a['score'])}  coverage {a['coverage']:.0%}")
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
    return parser


COMMANDS = {"validate": cmd_validate, "scores": cmd_scores, "explain": cmd_explain}


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
