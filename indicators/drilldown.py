"""The drill-down for one country and year: overall -> actors -> pillars -> indicators -> source.

Plain data (dicts and lists), used by the CLI's `explain`, the pages and the API alike.
"""

from __future__ import annotations

import pandas as pd

from .observations import Dataset
from .pipeline import Results

NO_EVIDENCE = "No corporate evidence"   # the wording wherever a corporate score does not exist
NOT_RATED = "Not rated: a condition, not an actor"  # structural nodes carry a score but no band


def missing_label(actor: str | None, n_evidence: int, methodology) -> str:
    """Why a node has no score: no positive evidence about the actor at all, or not enough data."""
    if actor in methodology.evidence_actors and n_evidence == 0:
        return NO_EVIDENCE if actor == "corporate" else f"No {actor} evidence"
    return "No data"


def node_label(methodology, node: str, level: str, actor, score, n_evidence: int) -> str:
    """The label shown beside a node's score: its band label, or why there is none."""
    actor = None if actor is None or pd.isna(actor) else actor
    if score is None or pd.isna(score):
        return missing_label(actor, n_evidence, methodology)
    if not methodology.is_banded(actor):
        return NOT_RATED
    label_node = node.split(".")[0] if level in ("pillar", "pillar_actor") else "overall"
    return methodology.band_label(label_node, score)


def explain(dataset: Dataset, results: Results, iso3: str, year: int) -> dict:
    """The drill-down for one country and year as plain data (used by the CLI, API and pages)."""
    meth = dataset.methodology
    nodes = results.nodes[(results.nodes["iso3"] == iso3) & (results.nodes["year"] == year)].set_index("node")
    inds = results.indicators[(results.indicators["iso3"] == iso3) & (results.indicators["year"] == year)]
    inds = inds.set_index("indicator")
    measured = set(results.indicators.loc[results.indicators["year"] == year, "indicator"])

    def node(code: str) -> dict:
        row = nodes.loc[code]
        return {"node": code, "score": _num(row["score"]), "coverage": round(float(row["coverage"]), 4),
                "measured_share": round(float(row["measured_share"]), 4),
                "band": None if pd.isna(row["band"]) else int(row["band"]),
                "label": node_label(meth, code, row["level"], row["actor"], row["score"], int(row["n_evidence"])),
                "indicators_with_data": int(row["n_available"]), "indicators": int(row["n_indicators"]),
                "indicators_with_evidence": int(row["n_evidence"])}

    pillars = []
    for pillar, prow in meth.pillars.iterrows():
        entry = node(pillar) | {"name": prow["name"], "weight": float(prow["weight"]), "actors": [], "items": []}
        for actor in meth.actor_codes:  # only the actors this pillar has indicators for
            if f"{pillar}.{actor}" in nodes.index:
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
                         "absence": bool(obs["absence"]),
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


def fmt_score(value, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


