"""What a country's scores rest on, in words: withheld scores ("no corporate evidence" on the corporate
side) and scores resting on thin evidence. Used on chart images, /embed and the brief."""

from __future__ import annotations

import pandas as pd

from .. import data, i18n
from ..i18n import _, ngettext

THIN_COVERAGE = 0.75  # a score resting on less of its weight than this is flagged as thin evidence


def node_evidence(iso3: str, year: int) -> dict[str, dict]:
    """node code -> {name, score, coverage, used, total} for overall, pillars, actors and pillar x actor."""
    d = data.drilldown(iso3, year)
    meth = data.dataset().methodology

    def actor(code: str) -> str:
        english = meth.actors.at[code, "name"] if code in meth.actors.index else code
        return i18n.methodology("actors", code, "name", english)

    names = {"overall": _("Overall")}
    for p in d["pillars"]:
        pillar = i18n.methodology("pillars", p["node"], "name", p["name"])
        names[p["node"]] = pillar
        for a in p["actors"]:
            names[a["node"]] = _("%(pillar)s, %(actor)s", pillar=pillar, actor=actor(a["actor"]).lower())
    for a in d["actors"]:
        names[a["node"]] = _("%(actor)s actors", actor=actor(a["actor"]).capitalize())
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
    return _("no corporate evidence") if code.endswith("corporate") else _("no data")


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
            thin.append(ngettext("%(name)s (%(used)s of %(num)s indicator, %(share)s of its weight)",
                                 "%(name)s (%(used)s of %(num)s indicators, %(share)s of its weight)", item["total"],
                                 name=item["name"], used=item["used"], share=i18n.percent(item["coverage"] or 0)))
        elif state == "none":
            none.append(_("%(name)s: %(missing)s", name=item["name"], missing=missing_words(code)))
    notes = []
    if thin:
        notes.append(_("Thin evidence: %(list)s.", list="; ".join(thin)))
    if none:
        notes.append(_("Not scored, too little evidence (%(list)s).", list="; ".join(none)))
    return notes
