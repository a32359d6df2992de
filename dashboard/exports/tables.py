"""Score tables: the one place their columns are decided, and the credits that travel with them.

All score tables are built by `scores_table()`: to add columns (e.g. sensitivity intervals), register a
function with `register_columns()`; every export and the API pick it up.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from indicators.pipeline import SCORE_NODES, wide_scores

from .. import data
from ..i18n import _
from .query import Query

PROJECT = "Digital Rights Dashboard"
DATA_LICENCE = "CC BY-SA 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
SHAPES_SOURCE = "NE_110M"

ColumnHook = Callable[[pd.DataFrame, int, str], pd.DataFrame]
_column_hooks: list[tuple[ColumnHook, dict[str, str]]] = []


def register_columns(hook: ColumnHook, docs: dict[str, str] | None = None) -> None:
    """Add columns to every score table (API, CSV, XLSX, GIS): `hook(frame, year, level) -> frame`.

    `docs` maps each new column (or a regex matching several) to its description for the XLSX `about`
    sheet. Example: the sensitivity module adds `overall_low`, `overall_high`, `rank`.
    """
    _column_hooks.append((hook, dict(docs or {})))


BASE_DOCS = {
    "iso3": "ISO 3166-1 alpha-3 country code",
    "country": "Country name",
    "year": "Score year (each indicator uses its latest observation in [year - window, year])",
    "region": "World Bank region (Natural Earth attributes)",
    "pilot": "True for the five pilot countries",
    "overall": "Overall score, 1-6 (6 = rights fully respected); empty = withheld (coverage below the minimum)",
    "privacy": "Privacy pillar score, 1-6",
    "expression": "Free expression pillar score, 1-6",
    "access": "Access pillar score, 1-6",
    "association": "Freedom of association pillar score, 1-6",
    "state": "Score of what the state does or allows, across pillars, 1-6",
    "corporate": "Score of what companies do, across pillars, 1-6",
    "structural": "Structural conditions (connectivity), 1-6; never counted as abuse",
    r"(privacy|expression|access|association)_(state|corporate|structural)":
        "The pillar score cut by actor (state-vs-corporate split), 1-6",
    "coverage": "Share (0-1) of the overall score's measured weight that has data for this country",
    r".+_coverage": "Coverage (0-1) of that node: share of its measured weight with data",
    "measured_share": "Share (0-1) of the whole methodology that any source measured this year",
    r".+_band": "Band of that score: its nearest whole step, 1-6 (labels in the methodology)",
    r".+_band_label": "The methodology's words for that band (data/methodology/bands.csv)",
    "sources": "Source ids (see the sources sheet / /download/sources.csv) of the indicators behind this row",
    "indicator": "Indicator code (methodology/indicators.csv)",
    "indicator_name": "Indicator name",
    "pillar": "Pillar the indicator belongs to",
    "actor": "Actor the indicator measures: state, corporate or structural",
    "value": "Raw value as published (or as corrected by an expert panel)",
    "unit": "Unit of the raw value",
    "obs_year": "Year of the observation used",
    "carried": "True when the observation is older than the score year (carried forward within the window)",
    "score": "Indicator score, 1-6",
    "weight": "Weight of the indicator in its pillar",
    "pillar_score": "Score of the indicator's pillar, 1-6",
    "pillar_coverage": "Coverage (0-1) of the indicator's pillar",
    "source_id": "Source id (see the sources sheet)",
    "publisher": "Publisher of the raw value",
    "dataset": "Dataset the raw value comes from",
    "source_url": "Where the dataset is published",
    "licence": "Licence or terms of the raw value",
    "note": "How the value was derived",
    "corrected": "True when an expert panel corrected the published value",
    "original_value": "Published value before the correction",
    "correction_reason": "Why the value was corrected",
    "correction_author": "Who corrected it",
    "correction_date": "When",
    "correction_source": "The correction's own source",
}
INDICATOR_TABLE_COLUMNS = [
    "iso3", "country", "year", "pillar", "actor", "indicator", "indicator_name", "value", "unit", "obs_year",
    "carried", "score", "weight", "pillar_score", "pillar_coverage", "source_id", "publisher", "dataset",
    "source_url", "licence", "note", "corrected", "original_value", "correction_reason", "correction_author",
    "correction_date", "correction_source",
]


HEADERS = {
    "iso3": "ISO3", "country": "Country", "year": "Year", "region": "Region", "pilot": "Pilot country",
    "coverage": "Coverage (overall)", "measured_share": "Share of the methodology measured", "sources": "Sources",
    "rank": "Rank (overall)", "rank_low": "Rank, best likely", "rank_high": "Rank, worst likely",
    "indicator": "Indicator code", "indicator_name": "Indicator", "pillar": "Pillar", "actor": "Actor",
    "value": "Raw value", "unit": "Unit", "obs_year": "Year observed", "carried": "Carried forward",
    "score": "Indicator score (1-6)", "weight": "Weight", "pillar_score": "Pillar score (1-6)",
    "pillar_coverage": "Pillar coverage", "source_id": "Source id", "publisher": "Publisher",
    "dataset": "Dataset", "source_url": "Source URL", "licence": "Licence", "note": "How derived",
    "corrected": "Corrected by an expert panel", "original_value": "Published value (before correction)",
    "correction_reason": "Correction: reason", "correction_author": "Correction: by",
    "correction_date": "Correction: date", "correction_source": "Correction: source",
}
"""Human column headers of the XLSX scores sheet; the machine names stay in the about sheet, CSV and API."""


def _node_words(node: str) -> str | None:
    meth = data.dataset().methodology
    pillars = {c: str(n) for c, n in meth.pillars["name"].items()}
    actors = {c: str(n) for c, n in meth.actors["name"].items()}
    if node == "overall":
        return "Overall"
    if node in pillars:
        return pillars[node]
    if node in actors:
        return f"{actors[node]} actors"
    p, _, a = node.partition("_")
    if p in pillars and a in actors:
        return f"{pillars[p]}, {actors[a].lower()}"
    return None


def column_headers(columns) -> dict[str, str]:
    """machine name -> the header a reader sees (overall -> "Overall score (1-6)", privacy_state_band ->
    "Privacy, state: band"); columns without a known form get their name in words."""
    out = {}
    for column in columns:
        if column in HEADERS:
            out[column] = HEADERS[column]
            continue
        for suffix, words in (("_band_label", ": band label"), ("_band", ": band (1-6)"),
                              ("_coverage", ": coverage"), ("_low", ": likely low"), ("_high", ": likely high"),
                              ("", " score (1-6)")):
            if column.endswith(suffix) and (node := _node_words(column[: len(column) - len(suffix)] if suffix
                                                                else column)):
                out[column] = node + words
                break
        else:
            out[column] = column.replace("_", " ").capitalize()
    if len(set(out.values())) < len(out):  # never two columns under one header
        seen: dict[str, int] = {}
        for column, header in out.items():
            seen[header] = seen.get(header, 0) + 1
            if seen[header] > 1:
                out[column] = f"{header} ({column})"
    return out


def column_kind(column: str) -> str | None:
    """How a column's numbers are shown: "score" (2 decimals), "share" (percent), "int" or None."""
    if column.endswith("_label"):
        return None
    if column in ("coverage", "measured_share", "pillar_coverage") or column.endswith("_coverage"):
        return "share"
    if column in ("year", "obs_year", "rank", "rank_low", "rank_high") or column.endswith("_band"):
        return "int"
    if column in ("score", "pillar_score") or column.endswith(("_low", "_high")) or _node_words(column):
        return "score"
    return None


def column_docs(columns) -> list[tuple[str, str]]:
    docs = dict(BASE_DOCS)
    for _hook, extra in _column_hooks:
        docs.update(extra)
    out = []
    for column in columns:
        text = docs.get(column)
        if text is None:
            text = next((d for pattern, d in docs.items() if re.fullmatch(pattern, column)), "")
        out.append((column, text))
    return out


def _pillar_table(year: int, countries: list[str] | None) -> pd.DataFrame:
    b = data.bundle()
    frame = wide_scores(b.results, b.dataset, year, countries, scored_only=countries is None)
    nodes = b.results.nodes
    nodes = nodes[(nodes["year"] == year) & nodes["node"].isin(["overall", *b.dataset.methodology.pillar_codes])]
    bands = nodes.pivot(index="iso3", columns="node", values="band")
    bands.columns = [f"{c}_band" for c in bands.columns]
    ordered = [f"{c}_band" for c in ["overall", *b.dataset.methodology.pillar_codes]]
    measured = nodes[nodes["node"] == "overall"].set_index("iso3")["measured_share"].rename("measured_share")
    inds = b.results.indicators
    inds = inds[inds["year"] == year]
    used = inds.groupby("iso3")["source_id"].agg(lambda s: ";".join(sorted(set(s.dropna())))).rename("sources")
    frame = frame.join(bands[ordered], on="iso3").join(measured, on="iso3").join(used, on="iso3")
    main = [c for c in SCORE_NODES if c in frame.columns]
    first = ["iso3", "country", "year", *main, "coverage"]
    rest = [c for c in frame.columns if c not in first and c not in ("region", "pilot", "sources")]
    frame = frame[first + rest + ["region", "pilot", "sources"]]
    for column in ordered:
        frame[column] = frame[column].astype("Int64")
    return frame


def _indicator_table(year: int, countries: list[str] | None, pillar: str | None) -> pd.DataFrame:
    b = data.bundle()
    meth = b.dataset.methodology
    inds = b.results.indicators
    inds = inds[inds["year"] == year]
    if countries is not None:
        inds = inds[inds["iso3"].isin(countries)]
    if pillar:
        inds = inds[inds["pillar"] == pillar]
    spec = meth.indicators[["name", "unit"]].rename(columns={"name": "indicator_name"})
    src = b.dataset.sources[["publisher", "dataset", "url", "licence"]].rename(columns={"url": "source_url"})
    names = b.dataset.countries["name"].rename("country")
    nodes = b.results.nodes
    pil = nodes[(nodes["year"] == year) & (nodes["level"] == "pillar")][["iso3", "node", "score", "coverage"]]
    pil = pil.rename(columns={"node": "pillar", "score": "pillar_score", "coverage": "pillar_coverage"})
    frame = (inds.join(spec, on="indicator").join(src, on="source_id").join(names, on="iso3")
             .merge(pil, on=["iso3", "pillar"], how="left"))
    added = frame["source_id"].isna()
    frame.loc[added, "publisher"] = frame.loc[added, "correction_source"]
    frame["weight"] = frame["weight"].astype(float)
    return frame[INDICATOR_TABLE_COLUMNS].sort_values(["iso3", "pillar", "indicator"]).reset_index(drop=True)


def scores_table(query: Query) -> pd.DataFrame:
    """The rows in view: one per country (pillar level) or per country x indicator, for each year."""
    countries = query.selected()
    parts = []
    for year in query.years:
        if query.level == "indicator":
            frame = _indicator_table(year, countries, query.pillar)
        else:
            frame = _pillar_table(year, countries)
        for hook, _docs in _column_hooks:
            frame = hook(frame, year, query.level)
        parts.append(frame)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    numeric = frame.select_dtypes("float").columns
    frame[numeric] = frame[numeric].round(4)
    return frame


def _interval_columns(frame: pd.DataFrame, year: int, level: str) -> pd.DataFrame:
    """Sensitivity (indicators/sensitivity.py): X_low, X_high per score column, rank, rank_low, rank_high."""
    if level != "pillar":
        return frame
    intervals = data.sensitivity(year).set_index("iso3")
    columns = [c for c in intervals.columns if c.endswith(("_low", "_high")) or c == "rank"]
    columns = [c for c in columns if c not in frame.columns]
    return frame.join(intervals[columns], on="iso3")


register_columns(_interval_columns, {
    r".+_low": "Low end of the score's likely range: 5th percentile over 1,000 runs of alternative "
               "methodological choices (weights, goalposts, window, one indicator left out); see README "
               "'How sure is a score?'",
    r".+_high": "High end of the score's likely range: 95th percentile over the same runs",
    "rank": "Rank of the overall score among countries with one (1 = best)",
    "rank_low": "Best likely rank: 5th percentile of the rank over the same runs",
    "rank_high": "Worst likely rank: 95th percentile of the rank over the same runs",
})


def _change_columns(frame: pd.DataFrame, year: int, level: str) -> pd.DataFrame:
    """Like-for-like trends (indicators/trend.py): X_change, X_change_like_for_like, X_change_composition
    for the overall score and each pillar, from the year before."""
    if level != "pillar":
        return frame
    changes = data.changes()
    part = changes[changes["year"] == year].drop(columns="year").set_index("iso3")
    return frame.join(part[[c for c in part.columns if c not in frame.columns]], on="iso3")


register_columns(_change_columns, {
    r".+_change": "Change of that score from the year before, as published (this year's score minus last "
                  "year's); empty when either year has no score",
    r".+_change_like_for_like": "The same change on the same indicators: the score recomputed in both years on "
                                "only the indicators the country has in both (a value carried forward counts as "
                                "no change); summed over years it gives the chained like-for-like change",
    r".+_change_composition": "The part of the change from indicators added or dropped: published change minus "
                              "the like-for-like change",
})


def _evidence_columns(frame: pd.DataFrame, year: int, level: str) -> pd.DataFrame:
    """Methodology 2.0's corporate evidence rule, in the files: how many corporate indicators rest on a
    real observation (not an absence rule), and "no corporate evidence" where none does."""
    if level != "pillar" or frame.empty:
        return frame
    nodes = data.nodes(year)
    counts = nodes[nodes["node"] == "corporate"].set_index("iso3")["n_evidence"].astype(int)
    evidence = frame["iso3"].map(counts).fillna(0).astype(int)
    return frame.assign(corporate_evidence=evidence.to_numpy(),
                        corporate_note=["" if n > 0 else "no corporate evidence" for n in evidence])


register_columns(_evidence_columns, {
    "corporate_evidence": "Number of corporate indicators with a real observation for this country and year (not "
                          "an absence rule); a corporate score exists only where this is above 0",
    "corporate_note": "'no corporate evidence' where nothing records what companies did (the corporate columns "
                      "are then empty: not 6, not 0)",
})


def sources_table(frame: pd.DataFrame | None = None, gis: bool = False) -> pd.DataFrame:
    """Publisher, dataset, URL, licence and citation of every source behind `frame` (all when None)."""
    sources = data.dataset().sources
    if frame is None:
        ids = list(sources.index)
    else:
        ids = set()
        if "source_id" in frame.columns:
            ids |= set(frame["source_id"].dropna())
        if "sources" in frame.columns:
            for cell in frame["sources"].dropna():
                ids |= set(filter(None, cell.split(";")))
        if gis:
            ids.add(SHAPES_SOURCE)
        ids = [i for i in sources.index if i in ids]
    table = sources.loc[ids, ["publisher", "dataset", "url", "licence", "citation", "accessed"]]
    return table.rename_axis("source_id").reset_index()


def credit_line(year: int | str | None = None, publishers: list[str] | None = None) -> str:
    """One line naming the project, its licence and every publisher."""
    pubs = publishers if publishers is not None else list(dict.fromkeys(data.dataset().sources["publisher"]))
    meth = data.dataset().methodology.parameters.methodology_version
    project = _(PROJECT) + (f", {year}" if year else "")
    return _("%(project)s (methodology %(version)s), data %(licence)s. Sources: %(sources)s. Third-party figures "
             "under their publishers' terms.", project=project, version=meth, licence=DATA_LICENCE,
             sources="; ".join(pubs))
