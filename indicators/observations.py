"""Observations, sources, countries and expert corrections: loading and validation.

`load_dataset(data_dir)` reads everything in `data/`, checks each table and the links between them
(an observation's indicator, country and source must exist; a categorical value must be one of its
categories), and either returns a `Dataset` or raises `DataValidationError` listing every problem.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .methodology import Methodology, load_methodology, parse_mapping
from .normalise import score_values
from .validation import DataValidationError, Field, Issue, check_reference, read_table

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"

SOURCE_FIELDS = [Field("source_id"), Field("publisher"), Field("dataset"), Field("url", "url"),
                 Field("licence"), Field("retrieved_from", required=False),
                 Field("citation", required=False), Field("accessed", "date")]
COUNTRY_FIELDS = [Field("iso3", "iso3"), Field("name"), Field("region", required=False),
                  Field("income_group", required=False), Field("pilot", "bool"),
                  Field("source_id", required=False)]
OBSERVATION_FIELDS = [Field("iso3", "iso3"), Field("year", "int", minimum=1990, maximum=2100),
                      Field("indicator", "code"), Field("value", "float"), Field("source_id"),
                      Field("note", required=False), Field("absence", "bool", required=False)]
CORRECTION_FIELDS = [Field("iso3", "iso3"), Field("year", "int", minimum=1990, maximum=2100),
                     Field("indicator", "code"), Field("value", "float"), Field("reason"),
                     Field("author"), Field("date", "date"), Field("source", required=False)]
CORRECTION_COLUMNS = [f.name for f in CORRECTION_FIELDS]
OPTIONAL_OBSERVATION_FIELDS = [Field("value_sd", "float", required=False, minimum=0)]  # a standard error


@dataclass(frozen=True)
class Dataset:
    """Everything the engine needs, validated. Frames are shared: treat them as read-only."""

    methodology: Methodology
    observations: pd.DataFrame  # iso3, year, indicator, value, source_id, note, absence (bool)
    sources: pd.DataFrame       # index = source_id
    countries: pd.DataFrame     # index = iso3
    corrections: pd.DataFrame   # iso3, year, indicator, value, reason, author, date, source
    data_dir: Path


def default_data_dir() -> Path:
    """`DRD_DATA_DIR` when set, else the repository's `data/`."""
    return Path(os.environ.get("DRD_DATA_DIR", DEFAULT_DATA_DIR))


def check_observation_values(frame: pd.DataFrame, methodology: Methodology, label: str,
                             issues: list[Issue]) -> None:
    """Categorical indicators accept only their categories, log indicators (counts) no negative value,
    and no value may be for a year after the methodology's last_year (it would never be scored)."""
    last = methodology.parameters.last_year
    for line, year in zip(frame["_line"], frame["year"]):
        try:
            late = float(year) > last
        except ValueError:
            continue  # reported as not a number
        if late:
            issues.append(Issue(label, int(line), "year", f"{year} is after last_year {last} "
                                                          "(methodology/parameters.csv): it would never be scored"))
    logs = set(methodology.indicators.index[methodology.indicators["method"] == "log"])
    rows = frame[frame["indicator"].isin(logs)]
    for line, code, value in zip(rows["_line"], rows["indicator"], rows["value"]):
        try:
            negative = float(value) < 0
        except ValueError:
            continue
        if negative:
            issues.append(Issue(label, int(line), "value", f"{value} is negative, but {code} is a count scored on "
                                                           "log(1 + x): it must be 0 or more"))
    cats = methodology.indicators[methodology.indicators["method"] == "categorical"]
    for code, row in cats.iterrows():
        allowed = set(parse_mapping(row["mapping"]))
        rows = frame[frame["indicator"] == code]
        for line, value in zip(rows["_line"], rows["value"]):
            try:
                ok = float(value) in allowed
            except ValueError:
                continue  # reported as not a number
            if not ok:
                categories = ", ".join(f"{k:g}" for k in sorted(allowed))
                issues.append(Issue(label, int(line), "value", f"{value} is not a category of {code} ({categories})"))


def check_absence_rows(frame: pd.DataFrame, methodology: Methodology, label: str,
                       issues: list[Issue]) -> None:
    """An observation marked `absence` (made by a rule from "nothing recorded") must belong to an
    indicator that declares the publisher's absence rule, and must score below 6: absence is never
    evidence of full respect, and never informs an actor that needs positive evidence."""
    flagged = frame[frame["absence"].isin({"1", "true", "True"})]
    if flagged.empty:
        return
    spec = methodology.indicators
    for code, rows in flagged.groupby("indicator", sort=False):
        if code not in spec.index:
            continue  # reported as an unknown indicator
        if not spec.at[code, "absence_rule"]:
            for line in rows["_line"]:
                issues.append(Issue(label, int(line), "absence",
                                    f"{code} declares no absence_rule in methodology/indicators.csv"))
            continue
        values = pd.to_numeric(rows["value"], errors="coerce").to_numpy(dtype=float)
        scores = score_values(values, spec.loc[code])
        for line, value, result in zip(rows["_line"], rows["value"], scores):
            if result >= 6.0 - 1e-9:
                issues.append(Issue(label, int(line), "absence",
                                    f"{code} = {value} from an absence rule scores {result:g}: a rule may never "
                                    f"give a best score (set max_score below 6 or change the mapping)"))


def load_corrections(path: Path, methodology: Methodology, countries: set[str],
                     issues: list[Issue], label: str = "corrections.csv") -> pd.DataFrame:
    """Read an expert corrections table; a missing file means no corrections."""
    if not path.exists():
        return empty_corrections()
    raw = read_table(path, CORRECTION_FIELDS, issues, key=["iso3", "year", "indicator"], name=label,
                     allow_empty=True)
    if raw is None:
        return empty_corrections()
    check_reference(raw, "indicator", set(methodology.indicators.index), label, "indicator", issues)
    check_reference(raw, "iso3", countries, label, "country (countries.csv)", issues)
    check_observation_values(raw, methodology, label, issues)
    return typed_corrections(raw.drop(columns="_line"))


def empty_corrections() -> pd.DataFrame:
    return typed_corrections(pd.DataFrame({c: pd.Series(dtype=str) for c in CORRECTION_COLUMNS}))


def typed_corrections(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[CORRECTION_COLUMNS].copy()
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    return out


def load_dataset(data_dir: Path | str | None = None, corrections: Path | str | None = None) -> Dataset:
    """Load and validate `data_dir` (default: `default_data_dir()`).

    `corrections` overrides the corrections file (default `data_dir/corrections.csv`, optional).
    Raises DataValidationError with every problem found across all files.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    issues: list[Issue] = []
    if not data_dir.is_dir():
        raise DataValidationError([Issue(str(data_dir), None, None, "data directory not found")])

    raw_src = read_table(data_dir / "sources.csv", SOURCE_FIELDS, issues, key=["source_id"])
    known_sources = set(raw_src["source_id"]) if raw_src is not None else None
    methodology = load_methodology(data_dir / "methodology", known_sources, issues)
    raw_cty = read_table(data_dir / "countries.csv", COUNTRY_FIELDS, issues, key=["iso3"])
    raw_obs = read_table(data_dir / "observations.csv", OBSERVATION_FIELDS, issues,
                         key=["iso3", "year", "indicator"], optional=OPTIONAL_OBSERVATION_FIELDS)

    if raw_cty is not None and known_sources is not None:
        check_reference(raw_cty, "source_id", known_sources, "countries.csv", "source_id (sources.csv)", issues)
    if raw_obs is not None:
        if raw_cty is not None:
            check_reference(raw_obs, "iso3", set(raw_cty["iso3"]), "observations.csv",
                            "country (countries.csv)", issues)
        if known_sources is not None:
            check_reference(raw_obs, "source_id", known_sources, "observations.csv",
                            "source_id (sources.csv)", issues)
        if methodology is not None:
            check_reference(raw_obs, "indicator", set(methodology.indicators.index), "observations.csv",
                            "indicator (methodology/indicators.csv)", issues)
            check_observation_values(raw_obs, methodology, "observations.csv", issues)
            check_absence_rows(raw_obs, methodology, "observations.csv", issues)

    if (data_dir / "methodology" / "sensitivity.csv").exists():  # read by every interval: checked here too
        from .alternatives import default_alternatives
        try:
            default_alternatives(data_dir)
        except DataValidationError as exc:
            issues.extend(exc.issues)

    corrections_path = Path(corrections) if corrections is not None else data_dir / "corrections.csv"
    correction_frame = empty_corrections()
    if methodology is not None and raw_cty is not None:
        correction_frame = load_corrections(corrections_path, methodology, set(raw_cty["iso3"]), issues,
                                            label=corrections_path.name)
    if issues or methodology is None or raw_src is None or raw_cty is None or raw_obs is None:
        raise DataValidationError(issues)

    observations = raw_obs.drop(columns="_line").assign(
        year=lambda d: d["year"].astype(float).astype(int),
        value=lambda d: d["value"].astype(float),
        absence=lambda d: d["absence"].isin({"1", "true", "True"}),
    )
    countries = raw_cty.drop(columns="_line").assign(
        pilot=lambda d: d["pilot"].isin({"1", "true", "True"})).set_index("iso3")
    sources = raw_src.drop(columns="_line").set_index("source_id")
    return Dataset(methodology, observations, sources, countries, correction_frame, data_dir)
