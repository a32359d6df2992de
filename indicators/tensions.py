"""Tensions within rights: harm pressure against restriction in practice, kept OUT of the scores.

The view informs reading the scores; nothing here changes them. Pure functions, DataFrame in,
DataFrame out (no Dash):

- `load_tensions(data_dir, countries, sources)` reads and validates `data/tensions.csv` (iso3, year,
  measure, value, source_id, note; built by scripts/build_data.py) and raises `DataValidationError`
  naming file, line and field of every bad row. A missing file means no tensions data.
- `harm_axis` (DSP v8 disinformation), `restriction_axis` (the scored censorship, filtering, arrests
  and shutdown indicators), `safeguards`, `stated_harm`: one row per country for one year.
- `tensions_view` joins them; a country without data on an axis is not placed (absence from a
  dataset is not evidence). `axis_coverage` counts countries per axis and year.
- `country_tensions` gathers one country's series for its profile.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .text import N_
from .validation import DataValidationError, Field, Issue, check_reference, read_table

FILE = "tensions.csv"
COLUMNS = ["iso3", "year", "measure", "value", "source_id", "note"]

# measure name (exact, or prefix ending in "_") -> kind; the kind fixes the allowed values
MEASURES = {
    "keepiton_events": "count", "keepiton_justification_": "count", "keepiton_cause_": "count",
    "google_requests": "count", "google_requests_court": "count", "google_requests_other": "count",
    "google_reason_": "count",
    "dsp_v2smgovdom": "estimate", "dsp_v2smpardom": "estimate", "dsp_v2smfordom": "estimate",
    "itu_internet_users_pct": "percent", "population": "population",
}

# The axes, each explained in one sentence on the page (AXIS_TEXT).
HARM_ITEMS = ("dsp_v2smpardom", "dsp_v2smfordom")   # parties' and foreign governments' disinformation
GOV_DISINFO = "dsp_v2smgovdom"
# the methodology's codes (those it defines are used): V-Dem items 2021 (carried to 2024), KeepItOn shutdowns
RESTRICTION = ("e_sm_censorship", "e_filtering", "e_arrests", "a_shutdowns_practice", "a_shutdowns_recorded",
               "a_shutdowns")
LAW = "e_regulation_content"                        # V-Dem v2smregcon, scored indicator
HARM_JUSTIFICATIONS = ("hate_incitement", "public_safety", "national_security")
HARM_REASONS = ("hate_speech", "violence", "national_security")
USERS_WINDOW = 3   # ITU internet users: the latest year within [Y - 3, Y], as the scores' window
HARM_MIDPOINT = 0.0
RESTRICTION_MIDPOINT = 3.5

AXIS_TEXT = {
    "harm": N_("Harm pressure: how much domestic political parties and foreign governments spread false "
               "information in the country, the mean of the Digital Society Project v8 items v2smpardom and "
               "v2smfordom with the sign reversed, so further right means more (0 is the scale's centre, "
               "roughly the average of all countries and years)."),
    "restriction": N_("Restriction in practice: 7 minus the mean 1-6 score of this dashboard's censorship, "
                      "filtering, arrests and shutdown indicators, so 1 means none recorded and 6 severe; a "
                      "country is placed only when at least half of these indicators have data."),
    "safeguards": N_("Safeguards (a third reading, as colour and in the table): V-Dem's content-regulation-law "
                     "estimate v2smregcon (higher = the law protects political speech more) and the share of "
                     "the country's removal requests to Google that were court orders."),
}

JUSTIFICATION_LABELS = {
    "hate_incitement": N_("fake news, hate speech, incendiary content or promoting violence"),
    "public_safety": N_("public safety, quelling unrest or restoring public order"),
    "national_security": N_("national security or counter-terrorism"), "precaution": N_("a precautionary measure"),
    "sabotage": N_("sabotage or third-party action"), "exams": N_("school exams"),
    "illegal_content": N_("illegal content"),
    "technical": N_("technical problems"), "other": N_("another reason"), "unknown": N_("unknown or not recorded"),
}


def measure_kind(measure: str) -> str | None:
    if measure in MEASURES:
        return MEASURES[measure]
    for name, kind in MEASURES.items():
        if name.endswith("_") and measure.startswith(name) and len(measure) > len(name):
            return kind
    return None


def _known_measure(value: str) -> str | None:
    return None if measure_kind(value) else (f"'{value}' is not a known tensions measure "
                                             f"({', '.join(m + ('…' if m.endswith('_') else '') for m in MEASURES)})")


FIELDS = [Field("iso3", "iso3"), Field("year", "int", minimum=1990, maximum=2100),
          Field("measure", "code", extra=_known_measure), Field("value", "float"), Field("source_id"),
          Field("note", required=False)]


def _value_problem(kind: str, value: float) -> str | None:
    if kind == "count" and (value < 0 or not float(value).is_integer()):
        return f"{value:g} is not a count (a whole number, 0 or more)"
    if kind == "population" and value <= 0:
        return f"{value:g} is not a population (above 0)"
    if kind == "percent" and not 0 <= value <= 100:
        return f"{value:g} is not a percentage (0-100)"
    if kind == "estimate" and not -6 <= value <= 6:
        return f"{value:g} is outside the measurement-model range (-6..6)"
    return None


def empty() -> pd.DataFrame:
    return pd.DataFrame({"iso3": pd.Series(dtype=str), "year": pd.Series(dtype=int),
                         "measure": pd.Series(dtype=str), "value": pd.Series(dtype=float),
                         "source_id": pd.Series(dtype=str), "note": pd.Series(dtype=str)})


def load_tensions(data_dir: Path | str, countries: set[str], sources: set[str]) -> pd.DataFrame:
    """Read and validate data_dir/tensions.csv. Every problem is collected, then raised together."""
    path = Path(data_dir) / FILE
    if not path.exists():
        return empty()
    issues: list[Issue] = []
    raw = read_table(path, FIELDS, issues, key=["iso3", "year", "measure"])
    if raw is None:
        raise DataValidationError(issues)
    check_reference(raw, "iso3", countries, FILE, "country (countries.csv)", issues)
    check_reference(raw, "source_id", sources, FILE, "source_id (sources.csv)", issues)
    reported = {(i.line, i.field) for i in issues}
    for line, measure, value in zip(raw["_line"], raw["measure"], raw["value"]):
        kind = measure_kind(measure)
        if kind is None or (line, "value") in reported:
            continue
        problem = _value_problem(kind, float(value))
        if problem:
            issues.append(Issue(FILE, int(line), "value", f"{problem} ({measure})"))
    if issues:
        raise DataValidationError(issues)
    return raw.drop(columns="_line").assign(year=lambda d: d["year"].astype(float).astype(int),
                                            value=lambda d: d["value"].astype(float))[COLUMNS]


# --- One year, one row per country -------------------------------------------------------------------

def _wide(tensions: pd.DataFrame, year: int, measures) -> pd.DataFrame:
    part = tensions[(tensions["year"] == year) & tensions["measure"].isin(list(measures))]
    return part.pivot(index="iso3", columns="measure", values="value")


def harm_axis(tensions: pd.DataFrame, year: int) -> pd.DataFrame:
    """iso3-indexed: harm (reversed mean of HARM_ITEMS; needs both), parties, foreign, gov_disinfo
    (the raw DSP estimates: higher = less dissemination)."""
    w = _wide(tensions, year, (*HARM_ITEMS, GOV_DISINFO)).reindex(columns=[*HARM_ITEMS, GOV_DISINFO])
    out = pd.DataFrame(index=w.index)
    out["parties"], out["foreign"], out["gov_disinfo"] = w[HARM_ITEMS[0]], w[HARM_ITEMS[1]], w[GOV_DISINFO]
    out["harm"] = -(w[list(HARM_ITEMS)].mean(axis=1, skipna=False))
    return out[out["harm"].notna() | out["gov_disinfo"].notna()]


def restriction_axis(indicators: pd.DataFrame, year: int, codes=RESTRICTION, min_share: float = 0.5,
                     names: dict[str, str] | None = None) -> pd.DataFrame:
    """iso3-indexed, from the scored indicator rows (pipeline Results.indicators) of `year`:
    restriction = 7 - weighted mean score of `codes` with data; restriction_n of restriction_of
    indicators; withheld (NaN) when fewer than `min_share` of `codes` have data. `parts` names each
    indicator's score, raw value, observation year and source."""
    codes = list(codes)
    part = indicators[(indicators["year"] == year) & indicators["indicator"].isin(codes)
                      & indicators["score"].notna()]
    part = part.assign(weight=part["weight"].astype(float))
    names = names or {}
    columns = ["restriction", "restriction_n", "restriction_of", "restriction_parts", "restriction_sources"]
    if part.empty:
        return pd.DataFrame(columns=columns)
    by = part.groupby("iso3")
    n = by.size()
    mean = (part["score"] * part["weight"]).groupby(part["iso3"]).sum() / by["weight"].sum()
    text = (part["indicator"].map(lambda c: names.get(c, c)) + " " + part["score"].map("{:.2f}".format)
            + " (value " + part["value"].map("{:.4g}".format) + ", " + part["obs_year"].astype(int).astype(str)
            + ", " + part["source_id"].astype(str) + ")")
    out = pd.DataFrame({"restriction": (7 - mean).where(n >= min_share * len(codes)), "restriction_n": n,
                        "restriction_of": len(codes),
                        "restriction_parts": text.groupby(part["iso3"]).agg("; ".join),
                        "restriction_sources": by["source_id"].agg(lambda s: ",".join(sorted(set(s))))})
    return out[columns]


def internet_users(tensions: pd.DataFrame, year: int, window: int = USERS_WINDOW) -> pd.DataFrame:
    """iso3-indexed: users_million = ITU internet users % (latest year in [year - window, year]) / 100
    x Natural Earth population (its single year), with users_year and population_year."""
    pct = tensions[(tensions["measure"] == "itu_internet_users_pct") & tensions["year"].between(year - window, year)]
    pct = pct.sort_values("year").drop_duplicates("iso3", keep="last").set_index("iso3")
    pop = tensions[tensions["measure"] == "population"].sort_values("year").drop_duplicates("iso3", keep="last")
    pop = pop.set_index("iso3")
    both = pct.index.intersection(pop.index)
    return pd.DataFrame({"users_million": pct.loc[both, "value"] / 100 * pop.loc[both, "value"] / 1e6,
                         "users_year": pct.loc[both, "year"], "population_year": pop.loc[both, "year"]})


def stated_harm(tensions: pd.DataFrame, year: int) -> pd.DataFrame:
    """iso3-indexed, what governments state: shutdowns (KeepItOn events listed that year) and how many
    were justified by a harm (HARM_JUSTIFICATIONS); removal requests to Google and how many cited a harm
    (HARM_REASONS), per million internet users; requests citing government criticism."""
    just = [f"keepiton_justification_{j}" for j in HARM_JUSTIFICATIONS]
    reasons = [f"google_reason_{r}" for r in HARM_REASONS]
    w = _wide(tensions, year, ["keepiton_events", *just, "google_requests", *reasons,
                               "google_reason_government_criticism"])
    w = w.reindex(columns=["keepiton_events", *just, "google_requests", *reasons,
                           "google_reason_government_criticism"])
    out = pd.DataFrame(index=w.index)
    out["shutdowns"] = w["keepiton_events"]
    out["shutdowns_harm"] = w[just].fillna(0).sum(axis=1).where(w["keepiton_events"].notna())
    out["shutdowns_hate"] = w["keepiton_justification_hate_incitement"].fillna(0).where(w["keepiton_events"].notna())
    out["requests"] = w["google_requests"]
    has = w["google_requests"].notna()
    out["requests_harm"] = w[reasons].fillna(0).sum(axis=1).where(has)
    out["requests_criticism"] = w["google_reason_government_criticism"].fillna(0).where(has)
    users = internet_users(tensions, year)
    out = out.join(users, how="left")
    out["requests_harm_per_million"] = out["requests_harm"] / out["users_million"]
    return out


def safeguards(tensions: pd.DataFrame, indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """iso3-indexed: court_share (court orders / all removal requests to Google that year, where there
    were any), law (v2smregcon raw value as scored for `year`, with law_year and law_score)."""
    w = _wide(tensions, year, ["google_requests", "google_requests_court"]).reindex(
        columns=["google_requests", "google_requests_court"])
    court = (w["google_requests_court"].fillna(0) / w["google_requests"]).where(w["google_requests"] > 0)
    law = indicators[(indicators["year"] == year) & (indicators["indicator"] == LAW)].set_index("iso3")
    out = pd.DataFrame({"court_share": court})
    out = out.join(pd.DataFrame({"law": law["value"], "law_score": law["score"], "law_year": law["obs_year"],
                                 "law_source": law["source_id"]}), how="outer")
    return out


def tensions_view(tensions: pd.DataFrame, indicators: pd.DataFrame, countries: pd.DataFrame, year: int,
                  codes=RESTRICTION, names: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per country of `countries` (iso3-indexed: name, region, pilot) for `year`, with every
    axis column and `placed` (both axes have data). Nothing is filled in."""
    base = countries[["name", "region", "pilot"]].copy()
    frame = (base.join(harm_axis(tensions, year), how="left")
             .join(restriction_axis(indicators, year, codes, names=names), how="left")
             .join(stated_harm(tensions, year), how="left")
             .join(safeguards(tensions, indicators, year), how="left"))
    frame["placed"] = frame["harm"].notna() & frame["restriction"].notna()
    frame.insert(0, "year", year)
    frame["pilot"] = frame["pilot"].astype(bool)
    return frame.rename_axis("iso3").reset_index()


def axis_coverage(tensions: pd.DataFrame, indicators: pd.DataFrame, countries: pd.DataFrame,
                  years, codes=RESTRICTION, min_share: float = 0.5) -> pd.DataFrame:
    """Per year: how many countries each axis covers, how many are placed (both axes), and how many have
    each safeguard and stated-harm reading. The same rules as tensions_view, counted for all years at once."""
    codes = list(codes)
    known = set(countries.index)
    t = tensions[tensions["iso3"].isin(known)]
    ind = indicators[indicators["iso3"].isin(known) & indicators["score"].notna()]

    def keys(frame) -> dict[int, set[str]]:
        return {int(y): set(g["iso3"]) for y, g in frame.groupby("year")}

    dsp = t[t["measure"].isin(HARM_ITEMS)].groupby(["year", "iso3"]).size()
    harm = keys(dsp[dsp == len(HARM_ITEMS)].reset_index())
    per = ind[ind["indicator"].isin(codes)].groupby(["year", "iso3"]).size()
    restr = keys(per[per >= min_share * len(codes)].reset_index())
    req = t[t["measure"] == "google_requests"]
    measures = {"court_share": keys(req[req["value"] > 0]), "law": keys(ind[ind["indicator"] == LAW]),
                "shutdowns": keys(t[t["measure"] == "keepiton_events"]), "requests": keys(req)}
    rows = []
    for year in years:
        h, r = harm.get(year, set()), restr.get(year, set())
        rows.append({"year": year, "harm": len(h), "restriction": len(r), "placed": len(h & r),
                     **{k: len(v.get(year, set())) for k, v in measures.items()}})
    return pd.DataFrame(rows)


# --- One country over the years (profile) ------------------------------------------------------------

def country_tensions(tensions: pd.DataFrame, iso3: str) -> dict[str, pd.DataFrame]:
    """One country's rows, split for its profile: `shutdowns` (year, events, justification, cause:
    counts per category), `requests` (year, requests, court, other, reasons), `disinformation`
    (year x DSP item), each keeping source_id."""
    own = tensions[tensions["iso3"] == iso3]

    def pick(prefix: str) -> pd.DataFrame:
        part = own[own["measure"].str.startswith(prefix)]
        return part.assign(category=part["measure"].str[len(prefix):])

    return {
        "events": own[own["measure"] == "keepiton_events"][["year", "value", "source_id"]],
        "justifications": pick("keepiton_justification_")[["year", "category", "value", "source_id"]],
        "causes": pick("keepiton_cause_")[["year", "category", "value", "source_id", "note"]],
        "requests": own[own["measure"].isin(["google_requests", "google_requests_court", "google_requests_other"])]
        .pivot_table(index="year", columns="measure", values="value", aggfunc="first"),
        "reasons": pick("google_reason_")[["year", "category", "value", "source_id", "note"]],
        "disinformation": own[own["measure"].isin([GOV_DISINFO, *HARM_ITEMS])]
        .pivot_table(index="year", columns="measure", values="value", aggfunc="first"),
        "notes": own[own["measure"] == "google_requests"].set_index("year")["note"],
    }


def cause_label(note: str) -> str:
    """The publisher's category from a cause row's note ("counted rows: actual_cause 'Protests'")."""
    m = re.search(r"'([^']*)'", str(note))
    return m.group(1) if m else str(note)
