"""What a country's scores rest on, in words: withheld scores ("no corporate evidence" on the corporate
side) and scores resting on thin evidence. Used on chart images, /embed and the brief."""

from __future__ import annotations

import pandas as pd

from .. import data

THIN_COVERAGE = 0.75  # a score resting on less of its weight than this is flagged as thin evidence


def node_evidence(iso3: str, year: int) -> dict[str, dict]:
    """node code -> {name, score, coverage, used, total} for overall, pillars, actors and pillar x actor."""
    d = data.drilldown(iso3, year)
    names = {"overall": "Overall"}
    for p in d["pillars"]:
        names[p["node"]] = p["name"]
        for a in p["actors"]:
            names[a["node"]] = f"{p['name']}, {a['actor']}"
    for a in d["actors"]:
        names[a["node"]] = f"{a['actor'].capitalize()} actors"
    nodes = [{"node": "overall", **d["overall"]}, *d["pillars"], *d["actors"],
             *(a for p in d["pillars"] for a in p["actors"])]
    return {n["node"]: {"name": names.get(n["node"], n["node"]), "score": n["score"], "coverage": n["coverage"],
                        "used": int(n["indicators_with_data"]), "total": int(n["indicators"])} for n in nodes}


def status(item: dict) -> str:
    """'none' (withheld), 'thin' or 'ok'."""
    if item["score"] is None or pd.isna(item["score"]):
        return "none"
    if (item["coverage"] or 0) < THIN_COVERAGE or item["used"] <= 1:
        return "thin"
    return "ok"


def missing_words(code: str) -> str:
    return "no corporate evidence" if code.endswith("corporate") else "no data"


def evidence_notes(iso3: str, year: int, codes: list[str]) -> list[str]:
    """Sentences for the nodes `codes` shows: which rest on thin evidence, which are not scored."""
    ev = node_evidence(iso3, year)
    thin, none = [], []
    for code in codes:
        item = ev.get(code)
        if item is None:
            continue
        state = status(item)
        if state == "thin":
            plural = "s" if item["total"] != 1 else ""
            thin.append(f"{item['name']} ({item['used']} of {item['total']} indicator{plural}, "
                        f"{item['coverage']:.0%} of its weight)")
        elif state == "none":
            none.append(f"{item['name']}: {missing_words(code)}")
    notes = []
    if thin:
        notes.append("Thin evidence: " + "; ".join(thin) + ".")
    if none:
        notes.append("Not scored, too little evidence (" + "; ".join(none) + ").")
    return notes
