"""The engine's sentences in the reader's language: the trend in words and "How sure is this?".

`indicators/` returns the figures (indicators.trend.country_trend, indicators.sensitivity.how_sure's
`values`) and writes English for its CLI and API; the pages and the brief compose the same sentences
here, through the catalogues, with numbers, changes and lists as the language writes them. English reads
as the engine's own sentences do.
"""

from __future__ import annotations

from . import i18n
from .i18n import _, ngettext


def trend_sentence(t: dict, node_name: str | None = None) -> str:
    """'Overall score: −0.41 since 2015 on the same indicators; +0.95 from indicators added since (published
    change +0.54, 3.12 in 2015 → 3.66 in 2025; 7 → 23 indicators).' (indicators.trend.trend_sentence)."""
    node = node_name or _("Overall score")
    if t["like_for_like"] is None:
        return _("%(node)s: %(published)s from %(from)s to %(to)s as published; no like-for-like change can be "
                 "given (no indicator measured on both sides of %(steps)s).", node=node,
                 published=i18n.signed(t["published"]), steps=i18n.join(t["steps_without_common_indicators"]),
                 **{"from": t["from"], "to": t["to"]})
    if t["indicators_from"] != t["indicators_to"]:
        basket = _("%(n_from)s → %(n_to)s indicators", n_from=t["indicators_from"], n_to=t["indicators_to"])
    else:
        basket = ngettext("%(num)s indicator at both ends", "%(num)s indicators at both ends", t["indicators_to"])
    values = {"node": node, "like": i18n.signed(t["like_for_like"]), "composition": i18n.signed(t["composition"]),
              "published": i18n.signed(t["published"]), "level_from": i18n.number(t["level_from"]),
              "level_to": i18n.number(t["level_to"]), "basket": basket, "from": t["from"], "to": t["to"]}
    if t["entered"] and not t["left"]:
        return _("%(node)s: %(like)s since %(from)s on the same indicators; %(composition)s from indicators added "
                 "since (published change %(published)s, %(level_from)s in %(from)s → %(level_to)s in %(to)s; "
                 "%(basket)s).", **values)
    if t["left"] and not t["entered"]:
        return _("%(node)s: %(like)s since %(from)s on the same indicators; %(composition)s from indicators "
                 "dropped since (published change %(published)s, %(level_from)s in %(from)s → %(level_to)s in "
                 "%(to)s; %(basket)s).", **values)
    return _("%(node)s: %(like)s since %(from)s on the same indicators; %(composition)s from indicators added or "
             "dropped since (published change %(published)s, %(level_from)s in %(from)s → %(level_to)s in %(to)s; "
             "%(basket)s).", **values)


def interval(score, low, high) -> str:
    """'3.91 (likely 3.74–4.05)', '6.00 (stable)', 'no data' (indicators.sensitivity.interval_text)."""
    if score is None or score != score:
        return _("no data")
    if low is None or high is None or low != low or high != high:
        return i18n.number(score)
    if i18n.number(low) == i18n.number(high):
        return _("%(score)s (stable)", score=i18n.number(score))
    return _("%(score)s (likely %(low)s–%(high)s)", score=i18n.number(score), low=i18n.number(low),
             high=i18n.number(high))


def rank(value, low, high, of) -> str:
    """'rank 108 of 189 (likely 104–114)' (indicators.sensitivity.rank_text)."""
    if value is None or value != value:
        return _("not ranked")
    if low is None or high is None or low != low or high != high or low == high:
        return _("rank %(rank)s of %(of)s", rank=int(value), of=of) if of else _("rank %(rank)s", rank=int(value))
    return (_("rank %(rank)s of %(of)s (likely %(low)s–%(high)s)", rank=int(value), of=of, low=int(low),
              high=int(high)) if of else
            _("rank %(rank)s (likely %(low)s–%(high)s)", rank=int(value), low=int(low), high=int(high)))


def how_sure(sure: dict | None) -> dict | None:
    """indicators.sensitivity.how_sure's answer with its texts (overall, rank, pillars, paragraph) in the
    language, composed from its `values`; None stays None."""
    if sure is None or "values" not in sure:
        return sure
    v = sure["values"]
    name = i18n.country_name(sure["iso3"], v["country"])
    score, low, high = v["scores"].get("overall", (None, None, None))
    if score is None or score != score:
        paragraph = _("%(country)s has no overall score this year (too little of the methodology is covered), so "
                      "it is not ranked. The intervals beside its other scores come from the same runs as for every "
                      "country.", country=name)
    else:
        paragraph = _("A score rests on choices: weights, goalposts, how old a value may be, which indicators "
                      "count. We rescored every country %(runs)s times, each time varying those choices within "
                      "documented ranges. In %(share)s of the runs %(country)s's overall score stayed between "
                      "%(low)s and %(high)s, and its rank between %(rank_low)s and %(rank_high)s of %(of)s. "
                      "Differences between countries that are smaller than these ranges are not meaningful.",
                      runs=i18n.number(v["runs"], 0, grouped=True), share=i18n.percent(0.9), country=name,
                      low=i18n.number(low), high=i18n.number(high), rank_low=int(v["rank"][1]),
                      rank_high=int(v["rank"][2]), of=v["ranked"])
        if sure.get("top_choice") is not None:
            from indicators.sensitivity import CHOICE_LABELS
            paragraph += " " + _("What moves %(country)s's score most on its own is %(choice)s (%(share)s of the "
                                 "spread).", country=name,
                                 choice=_(CHOICE_LABELS.get(sure["top_choice"], sure["top_choice"])),
                                 share=i18n.percent(sure["top_share"]))
    return sure | {"overall": interval(score, low, high), "rank": rank(*v["rank"], v["ranked"]),
                   "pillars": {c: interval(*s) for c, s in v["scores"].items() if c != "overall"},
                   "paragraph": paragraph, "country_name": name}


def how_sure_line(sure: dict) -> str:
    """The brief's one line: 'How sure: when the methodological choices are varied 1,000 times the overall
    score stays within 3.74–4.05 in 90% of runs; rank 108 of 189 (likely 104–114).'"""
    score, low, high = sure["values"]["scores"].get("overall", (None, None, None))
    return _("How sure: when the methodological choices are varied %(runs)s times the overall score stays within "
             "%(low)s–%(high)s in %(share)s of runs; %(rank)s.", runs=i18n.number(sure["values"]["runs"], 0,
                                                                                  grouped=True),
             low=i18n.number(low), high=i18n.number(high), share=i18n.percent(0.9), rank=sure["rank"])
