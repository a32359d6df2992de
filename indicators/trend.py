"""Like-for-like trends: how much of a change over time is a change on the ground, how much a change of basket.

A published level for year Y rests on the indicators that have a value for the country in Y's window
(the *basket*). Baskets grow as sources start (V-Dem's Digital Society items exist from 2021 only), so
"level in Y2 minus level in Y1" mixes two things: indicators that moved, and indicators that entered or
left. This module separates them. Everything here is a pure function of the engine's `Results` and the
methodology: no scores are recomputed from raw data, nothing is filled in.

Method (the same for a country, a region and the world; `node` is `overall`, a pillar, an actor or a
pillar.actor node of the tree):

1. **Basket.** An indicator is in the node's basket for a country in year Y when it has a score for
   that country in Y (an observation inside Y's window, carried forward or not) and the branch it
   enters the node through has a published score in Y. The branch is the pillar for `overall`, the
   pillar.actor node for an actor node, and the node itself for a pillar or pillar.actor node. A
   branch withheld for low coverage is not part of the published node, so its indicators are not in
   the basket either.
2. **Steps.** The chain runs over the years in [Y1, Y2] in which the node has a published score for
   the country; each step goes from one such year to the next (a year without a score is skipped,
   never filled).
3. **Like-for-like step.** For a step Y -> Y', the common set is the indicators in the basket in both
   Y and Y'. The node is rescored in both years on the common set only, with the tree's own rule: the
   weighted mean of the branches (branch weights from the methodology; only branches with a common
   indicator count) of the weighted mean of their common indicators (indicator weights). The weights
   are the same in both years, so the step's like-for-like change is linear and splits exactly into
   one contribution per indicator: `c_i (s_i(Y') - s_i(Y))` with
   `c_i = W_branch / sum(W of branches with a common indicator) * w_i / sum(w of common indicators in
   its branch)`. The coverage rule is applied through the published tree (a branch withheld in
   either year is out of the common set); the restricted rescoring itself is not withheld again for
   coverage, because its coverage is by construction what the two years share. A step with no
   common indicator has no like-for-like change (NaN, and the chain with it): absence of a common
   measure is not evidence of no change.
4. **Carried observations.** A value carried forward (the same observation in both years) is in the
   common set, so the basket is not shrunk artificially, but its score is identical in both years:
   it contributes exactly zero. Only a new observation can move a like-for-like score, and its
   change is dated to the step in which the new observation first enters the score.
5. **Chain.** The like-for-like change from Y1 to Y2 is the sum of the step changes (chaining: each
   step uses everything the two years share, rather than only what Y1 and Y2 both have). The
   published change is level(Y2) - level(Y1). The **composition effect** is published minus
   like-for-like: what indicators entering or leaving the basket (and branches passing the coverage
   threshold) did to the level. When nothing enters or leaves, the composition effect is exactly 0.
6. **Indicator contributions.** Each indicator's contribution is the sum of its step contributions;
   the contributions add up to the like-for-like change. Its status over [Y1, Y2]: `changed` (in the
   basket at both ends, observed anew, score moved), `unchanged` (observed anew, same score),
   `carried` (the same observation at both ends), `entered` (in the basket at Y2 only), `left` (at Y1
   only), `transient` (in the basket only between the ends). Entered, left and transient indicators
   can still contribute through the steps in which they were in the basket on both sides.
7. **Groups (regions, the world).** For each pair of consecutive years, the countries with a like-for-
   like step (node scored in both years, a common indicator) are averaged: the like-for-like group
   step is the mean of their like-for-like steps, the matched published step the mean of their
   published steps. The chained like-for-like level starts at the group's published mean in the first
   year and adds the like-for-like steps. Over [Y1, Y2] the published change of the group mean (all
   countries scored each year) splits exactly into like-for-like + composition (indicators: matched
   published steps minus like-for-like steps) + countries (the set of countries scored changing:
   published change minus matched published steps).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .methodology import Methodology
from .pipeline import Results
from .text import N_, Sentence

STATUSES = ("changed", "unchanged", "carried", "entered", "left", "transient")
STATUS_TEXT = {  # the "why" of a contribution: English here (CLI, API); the profile shows it translated
    "changed": N_("new observation, score moved"),
    "unchanged": N_("new observation, same score"),
    "carried": N_("same observation carried forward: not a change"),
    "entered": N_("added to the basket since the start year"),
    "left": N_("dropped from the basket since the start year"),
    "transient": N_("in the basket only between the two years"),
}
STEP_COLUMNS = ["iso3", "year_from", "year_to", "level_from", "level_to", "published", "like_for_like",
                "composition", "n_from", "n_to", "n_common", "n_entered", "n_left"]
GROUP_COLUMNS = ["group", "year", "mean", "n", "step_published", "step_like_for_like", "n_step",
                 "like_for_like_level", "matched_level"]


class TrendError(ValueError):
    """A trend that cannot be computed as asked (unknown node, unscored endpoint, bad years). Its message
    is a `text.Sentence`: English for the CLI, its template and values for the API's other languages."""


def node_tree(methodology: Methodology, node: str) -> pd.DataFrame:
    """indicator-indexed: branch (the node it enters `node` through), branch_weight, weight, pillar, actor."""
    ind = methodology.indicators[["pillar", "actor", "weight"]].astype({"weight": float})
    pillar_w = methodology.pillars["weight"].astype(float)
    if node == "overall":
        part = ind.assign(branch=ind["pillar"], branch_weight=ind["pillar"].map(pillar_w))
    elif node in methodology.pillars.index:
        part = ind[ind["pillar"] == node].assign(branch=node, branch_weight=1.0)
    elif node in methodology.actors.index:
        part = ind[ind["actor"] == node]
        part = part.assign(branch=part["pillar"] + "." + node, branch_weight=part["pillar"].map(pillar_w))
    elif "." in node and node.split(".", 1)[0] in methodology.pillars.index:
        pillar, actor = node.split(".", 1)
        part = ind[(ind["pillar"] == pillar) & (ind["actor"] == actor)].assign(branch=node, branch_weight=1.0)
    else:
        part = ind.iloc[0:0]
    if part.empty:
        raise TrendError(Sentence(N_("node: '%(node)s' is not 'overall', a pillar, an actor or a pillar.actor node "
                                     "with indicators in the methodology"), node=node))
    return part.rename_axis("indicator")


def _node_scores(results: Results, codes) -> pd.Series:
    """(iso3, year, node) -> published score, for the given node codes."""
    n = results.nodes
    return n[n["node"].isin(list(codes))].set_index(["iso3", "year", "node"])["score"]


def chain_pairs(results: Results, node: str, year_from: int | None = None, year_to: int | None = None,
                countries=None, consecutive: bool = False) -> pd.DataFrame:
    """The steps of the chain: iso3, year_from, year_to.

    Default: per country, consecutive years (within [year_from, year_to]) in which `node` has a
    published score, skipping unscored years. `consecutive=True`: only calendar-consecutive pairs
    with a score in both years (what the group means use).
    """
    n = results.nodes
    part = n[(n["node"] == node) & n["score"].notna()][["iso3", "year"]]
    if year_from is not None:
        part = part[part["year"] >= year_from]
    if year_to is not None:
        part = part[part["year"] <= year_to]
    if countries is not None:
        part = part[part["iso3"].isin(list(countries))]
    part = part.sort_values(["iso3", "year"])
    nxt = part.groupby("iso3")["year"].shift(-1)
    pairs = pd.DataFrame({"iso3": part["iso3"], "year_from": part["year"], "year_to": nxt}).dropna()
    pairs = pairs.astype({"year_from": int, "year_to": int})
    if consecutive:
        pairs = pairs[pairs["year_to"] == pairs["year_from"] + 1]
    return pairs.reset_index(drop=True)


def _only(results: Results, countries) -> Results:
    """The results of these countries only (every later lookup is then small)."""
    keep = list(countries)
    return Results(results.indicators[results.indicators["iso3"].isin(keep)],
                   results.nodes[results.nodes["iso3"].isin(keep)], results.years)


def _basket(results: Results, tree: pd.DataFrame, countries) -> pd.DataFrame:
    """Rows of results.indicators in the node's basket (scored, branch published), with the tree columns."""
    ind = results.indicators
    ind = ind[ind["indicator"].isin(tree.index) & ind["score"].notna()]
    if countries is not None:
        ind = ind[ind["iso3"].isin(list(countries))]
    ind = ind[["iso3", "year", "indicator", "value", "obs_year", "score"]].join(
        tree[["branch", "branch_weight", "weight"]], on="indicator")
    branch_score = _node_scores(results, tree["branch"].unique())
    key = pd.MultiIndex.from_arrays([ind["iso3"], ind["year"], ind["branch"]])
    published = branch_score.reindex(key).notna().to_numpy()
    return ind[published]


def step_contributions(results: Results, methodology: Methodology, node: str,
                       pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per step (iso3, year_from, year_to) x indicator in the basket at either end.

    Columns: score/value/obs_year _from and _to, branch, common, coef, contribution and the step
    status (changed, unchanged, carried, entered, left). See the module docstring, step 3.
    """
    tree = node_tree(methodology, node)
    basket = _basket(results, tree, pairs["iso3"].unique())
    cols = ["iso3", "year", "indicator", "value", "obs_year", "score"]
    side_from = pairs.merge(basket[cols].rename(columns={"year": "year_from"}), on=["iso3", "year_from"])
    side_to = pairs.merge(basket[cols].rename(columns={"year": "year_to"}), on=["iso3", "year_to"])
    key = ["iso3", "year_from", "year_to", "indicator"]
    steps = side_from.merge(side_to, on=key, how="outer", suffixes=("_from", "_to"))
    steps = steps.join(tree[["branch", "branch_weight", "weight"]], on="indicator")
    steps["common"] = steps["score_from"].notna() & steps["score_to"].notna()
    w = steps["weight"].where(steps["common"] & (steps["weight"] > 0), 0.0)
    step_key = ["iso3", "year_from", "year_to"]
    branch_key = step_key + ["branch"]
    br = steps.assign(w=w).groupby(branch_key).agg(w_branch=("w", "sum"), bw=("branch_weight", "first"))
    br["bw"] = br["bw"].where(br["w_branch"] > 0, 0.0)  # only branches with a common indicator count
    br["w_total"] = br.groupby(level=step_key)["bw"].transform("sum")
    steps = steps.join(br[["w_branch", "w_total"]], on=branch_key)
    ok = (w > 0) & (steps["w_total"] > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        coef = np.where(ok, steps["branch_weight"] / steps["w_total"] * w / steps["w_branch"], 0.0)
    steps["coef"] = coef
    steps["contribution"] = np.where(steps["common"], coef * (steps["score_to"] - steps["score_from"]), 0.0)
    steps["status"] = np.select(
        [~steps["common"] & steps["score_to"].notna(), ~steps["common"],
         steps["obs_year_from"] == steps["obs_year_to"], steps["score_from"] == steps["score_to"]],
        ["entered", "left", "carried", "unchanged"], default="changed")
    return steps.sort_values(key).reset_index(drop=True)


def step_table(results: Results, methodology: Methodology, node: str, pairs: pd.DataFrame,
               contributions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per step: published levels and change, like-for-like change, composition, basket sizes."""
    contrib = step_contributions(results, methodology, node, pairs) if contributions is None else contributions
    key = ["iso3", "year_from", "year_to"]
    c = contrib.assign(lfl_w=contrib["coef"] > 0, entered=contrib["status"] == "entered",
                       left=contrib["status"] == "left", was=contrib["score_from"].notna(),
                       now=contrib["score_to"].notna())
    agg = c.groupby(key).agg(like_for_like=("contribution", "sum"), has_common=("lfl_w", "any"),
                             n_from=("was", "sum"), n_to=("now", "sum"), n_common=("common", "sum"),
                             n_entered=("entered", "sum"), n_left=("left", "sum"))
    out = pairs.join(agg, on=key)
    out["like_for_like"] = out["like_for_like"].where(out["has_common"].fillna(False).astype(bool))
    scores = _node_scores(results, [node]).droplevel("node")
    out["level_from"] = scores.reindex(pd.MultiIndex.from_arrays([out["iso3"], out["year_from"]])).to_numpy()
    out["level_to"] = scores.reindex(pd.MultiIndex.from_arrays([out["iso3"], out["year_to"]])).to_numpy()
    out["published"] = out["level_to"] - out["level_from"]
    out["composition"] = out["published"] - out["like_for_like"]
    for col in ("n_from", "n_to", "n_common", "n_entered", "n_left"):
        out[col] = out[col].fillna(0).astype(int)
    return out[STEP_COLUMNS]


def rescore(results: Results, methodology: Methodology, node: str) -> pd.DataFrame:
    """The node rescored from its basket with the rule of step 3 (iso3, year, score): equal to the
    published score wherever there is one. Used to check that this module follows the engine's tree."""
    tree = node_tree(methodology, node)
    b = _basket(results, tree, None)
    b = b[b["weight"] > 0]
    g = b.assign(ws=b["weight"] * b["score"]).groupby(["iso3", "year", "branch"]).agg(
        ws=("ws", "sum"), w=("weight", "sum"), bw=("branch_weight", "first"))
    g["branch_score"] = g["ws"] / g["w"]
    g = g.assign(x=g["bw"] * g["branch_score"]).groupby(["iso3", "year"]).agg(x=("x", "sum"), bw=("bw", "sum"))
    return (g["x"] / g["bw"]).rename("score").reset_index()


def _endpoint(results: Results, iso3: str, year: int, codes) -> pd.DataFrame:
    ind = results.indicators
    part = ind[(ind["iso3"] == iso3) & (ind["year"] == year) & ind["indicator"].isin(list(codes))]
    return part.set_index("indicator")[["value", "obs_year", "score"]]


def country_trend(results: Results, methodology: Methodology, iso3: str, year_from: int, year_to: int,
                  node: str = "overall") -> dict:
    """Published, like-for-like and composition change of one node for one country, with the yearly
    levels and each indicator's contribution (plain data for the CLI, API and pages)."""
    tree = node_tree(methodology, node)
    results = _only(results, [iso3])
    if year_from >= year_to:
        raise TrendError(Sentence(N_("from: %(start)s must be before to (%(end)s)"), start=year_from, end=year_to))
    for label, year in (("from", year_from), ("to", year_to)):
        if year not in results.years:
            raise TrendError(Sentence(N_("%(name)s: %(year)s is not a scored year (%(range)s)"), name=label,
                                      year=year, range=f"{min(results.years)}-{max(results.years)}"))
    levels = _node_scores(results, [node]).droplevel("node")
    if iso3 not in levels.index.get_level_values("iso3"):
        raise TrendError(Sentence(N_("country: '%(code)s' has no scores"), code=iso3))
    own = levels.loc[iso3].loc[year_from:year_to]
    for label, year in (("from", year_from), ("to", year_to)):
        if pd.isna(own.get(year)):
            raise TrendError(Sentence(N_("%(name)s: %(country)s has no published %(node)s score in %(year)s "
                                         "(withheld or no data)"), name=label, country=iso3, node=node, year=year))
    pairs = chain_pairs(results, node, year_from, year_to, countries=[iso3])
    contrib = step_contributions(results, methodology, node, pairs)
    steps = step_table(results, methodology, node, pairs, contrib)
    published = float(own[year_to] - own[year_from])
    lfl = float(steps["like_for_like"].sum()) if steps["like_for_like"].notna().all() else float("nan")

    # yearly table: every scored year in the span, changes against the previous scored year
    by_to = steps.set_index("year_to")
    chained = float(own[year_from])
    yearly = []
    for year in range(year_from, year_to + 1):
        level = own.get(year)
        row = {"year": year, "level": _r(level), "published_change": None, "like_for_like_change": None,
               "composition": None, "like_for_like_level": None, "indicators": None, "common": None}
        if pd.notna(level):
            row["like_for_like_level"] = _r(chained)
            if year in by_to.index:
                s = by_to.loc[year]
                chained = chained + s["like_for_like"] if pd.notna(chained) else chained
                row |= {"published_change": _r(s["published"]), "like_for_like_change": _r(s["like_for_like"]),
                        "composition": _r(s["composition"]), "like_for_like_level": _r(chained),
                        "indicators": int(s["n_to"]), "common": int(s["n_common"])}
            else:
                row["indicators"] = int(_basket_size(results, tree, iso3, year))
        yearly.append(row)

    start = _endpoint(results, iso3, year_from, tree.index)
    end = _endpoint(results, iso3, year_to, tree.index)
    in_start = set(contrib.loc[contrib["year_from"] == year_from, "indicator"]
                   [contrib["score_from"].notna()]) if len(contrib) else set()
    in_end = set(contrib.loc[contrib["year_to"] == year_to, "indicator"][contrib["score_to"].notna()]) \
        if len(contrib) else set()
    totals = contrib.groupby("indicator")["contribution"].sum() if len(contrib) else pd.Series(dtype=float)
    names = methodology.indicators["name"]
    items = []
    for code in tree.index:
        if code not in totals.index:
            continue
        a, b = start.loc[code] if code in start.index else None, end.loc[code] if code in end.index else None
        if code in in_start and code in in_end:
            status = ("carried" if a["obs_year"] == b["obs_year"] else
                      "unchanged" if a["score"] == b["score"] else "changed")
        elif code in in_end:
            status = "entered"
        elif code in in_start:
            status = "left"
        else:
            status = "transient"
        items.append({
            "indicator": code, "name": str(names[code]), "pillar": tree.at[code, "pillar"],
            "actor": tree.at[code, "actor"], "contribution": _r(totals[code]),
            "value_from": _r(a["value"]) if a is not None else None,
            "value_to": _r(b["value"]) if b is not None else None,
            "obs_year_from": int(a["obs_year"]) if a is not None else None,
            "obs_year_to": int(b["obs_year"]) if b is not None else None,
            "score_from": _r(a["score"]) if a is not None else None,
            "score_to": _r(b["score"]) if b is not None else None,
            "status": status, "why": STATUS_TEXT[status]})
    items.sort(key=lambda i: (-abs(i["contribution"] or 0.0), STATUSES.index(i["status"]), i["indicator"]))
    gaps = [f"{int(s.year_from)}-{int(s.year_to)}" for s in steps.itertuples() if pd.isna(s.like_for_like)]
    return {
        "iso3": iso3, "node": node, "from": year_from, "to": year_to,
        "level_from": _r(own[year_from]), "level_to": _r(own[year_to]),
        "published": _r(published), "like_for_like": _r(lfl), "composition": _r(published - lfl),
        "steps_without_common_indicators": gaps,
        "indicators_from": len(in_start), "indicators_to": len(in_end),
        "entered": sum(i["status"] == "entered" for i in items),
        "left": sum(i["status"] == "left" for i in items),
        "methodology_version": methodology.parameters.methodology_version,
        "method": ("like_for_like: chained year-to-year changes on the indicators in the basket in both years "
                   "of each step; composition = published - like_for_like (indicators entering or leaving)"),
        "years": yearly,
        "contributions": items,
    }


def _basket_size(results: Results, tree: pd.DataFrame, iso3: str, year: int) -> int:
    b = _basket(results, tree, [iso3])
    return int((b["year"] == year).sum())


def group_trends(results: Results, methodology: Methodology, node: str, groups: pd.Series) -> pd.DataFrame:
    """Per group x year: the published mean over the countries scored that year (`mean`, `n`), the
    like-for-like step over countries with a step from the previous year (`step_like_for_like`,
    `step_published` = their mean published step, `n_step`), and the chained levels
    (`like_for_like_level`, `matched_level`) from the group's first-year mean. `groups`: iso3 -> group
    name (a country may be in one group; call again for another grouping such as the world)."""
    node_tree(methodology, node)  # validates the node
    groups = groups.dropna()
    levels = results.nodes[(results.nodes["node"] == node)][["iso3", "year", "score"]].dropna()
    levels = levels[levels["iso3"].isin(groups.index)].assign(group=lambda d: d["iso3"].map(groups))
    means = levels.groupby(["group", "year"])["score"].agg(mean="mean", n="count")
    pairs = chain_pairs(results, node, countries=groups.index, consecutive=True)
    steps = step_table(results, methodology, node, pairs).dropna(subset=["like_for_like"])
    steps = steps.assign(group=steps["iso3"].map(groups), year=steps["year_to"])
    st = steps.groupby(["group", "year"]).agg(step_published=("published", "mean"),
                                              step_like_for_like=("like_for_like", "mean"),
                                              n_step=("iso3", "count"))
    out = means.join(st, how="outer").reset_index().sort_values(["group", "year"])
    rows = []
    for _, part in out.groupby("group", sort=False):
        part = part.copy()
        first = part["mean"].first_valid_index()
        base = part.at[first, "mean"] if first is not None else np.nan
        start_year = part.at[first, "year"] if first is not None else None
        later = part["year"] > start_year if start_year is not None else part["year"] < -1
        # a year with no country scored in both it and the year before breaks the chain (NaN from there on)
        part["like_for_like_level"] = np.where(
            later | (part["year"] == start_year),
            base + part["step_like_for_like"].where(later, 0.0).cumsum(skipna=False), np.nan)
        part["matched_level"] = np.where(
            later | (part["year"] == start_year),
            base + part["step_published"].where(later, 0.0).cumsum(skipna=False), np.nan)
        rows.append(part)
    frame = pd.concat(rows, ignore_index=True) if rows else out.assign(like_for_like_level=[], matched_level=[])
    frame["n"] = frame["n"].fillna(0).astype(int)
    frame["n_step"] = frame["n_step"].fillna(0).astype(int)
    return frame[GROUP_COLUMNS].reset_index(drop=True)


def group_change(frame: pd.DataFrame, year_from: int, year_to: int) -> pd.DataFrame:
    """Per group, from group_trends(): published change of the mean, like-for-like (chained), composition
    (indicators entering or leaving) and countries (the set of countries scored changing); published =
    like_for_like + composition + countries. `mean_from`/`mean_to`, `n_from`/`n_to` for the text."""
    rows = []
    for group, part in frame.groupby("group", sort=False):
        part = part.set_index("year")
        if year_from not in part.index or year_to not in part.index:
            continue
        span = part.loc[year_from + 1:year_to]
        m0, m1 = part.at[year_from, "mean"], part.at[year_to, "mean"]
        published = m1 - m0
        whole = len(span) == year_to - year_from and span["step_like_for_like"].notna().all()
        lfl = span["step_like_for_like"].sum() if whole else np.nan
        matched = span["step_published"].sum() if whole else np.nan
        rows.append({"group": group, "from": year_from, "to": year_to, "mean_from": m0, "mean_to": m1,
                     "n_from": int(part.at[year_from, "n"]), "n_to": int(part.at[year_to, "n"]),
                     "published": published, "like_for_like": lfl, "composition": matched - lfl,
                     "countries": published - matched})
    return pd.DataFrame(rows, columns=["group", "from", "to", "mean_from", "mean_to", "n_from", "n_to",
                                       "published", "like_for_like", "composition", "countries"])


def change_columns(results: Results, methodology: Methodology, nodes: list[str] | None = None) -> pd.DataFrame:
    """Per iso3 x year, for each node X (default: overall and the pillars) the change from the year before
    (empty when either year has no score): `X_change` (published), `X_change_like_for_like` and
    `X_change_composition`. Summing a country's like-for-like column over a span gives its chained
    like-for-like change over that span."""
    nodes = nodes or ["overall", *methodology.pillar_codes]
    frames = []
    for node in nodes:
        steps = step_table(results, methodology, node, chain_pairs(results, node, consecutive=True))
        frames.append(steps.rename(columns={
            "year_to": "year", "published": f"{node}_change", "like_for_like": f"{node}_change_like_for_like",
            "composition": f"{node}_change_composition"}).set_index(["iso3", "year"])[
            [f"{node}_change", f"{node}_change_like_for_like", f"{node}_change_composition"]])
    return pd.concat(frames, axis=1).reset_index()


def signed(value, digits: int = 2) -> str:
    """'+0.97', '−0.43' (a true minus sign), '±0.00' for a zero at that precision; '–' for none."""
    if value is None or pd.isna(value):
        return "–"
    v = round(float(value), digits)
    if v == 0:
        return f"±{0:.{digits}f}"
    return f"+{v:.{digits}f}" if v > 0 else f"−{abs(v):.{digits}f}"


def trend_sentence(t: dict, node_name: str = "Overall score") -> str:
    """The trend in words, like-for-like first: '−0.41 since 2015 on the same indicators; +0.95 from
    indicators added or dropped since (published change +0.54, 7 → 23 indicators).'"""
    if t["like_for_like"] is None:
        return (f"{node_name}: {signed(t['published'])} from {t['from']} to {t['to']} as published; no like-for-like "
                f"change can be given (no indicator measured on both sides of "
                f"{', '.join(t['steps_without_common_indicators'])}).")
    what = ("added" if t["entered"] and not t["left"] else "dropped" if t["left"] and not t["entered"]
            else "added or dropped")
    basket = (f"{t['indicators_from']} → {t['indicators_to']} indicators" if t["indicators_from"] != t["indicators_to"]
              else f"{t['indicators_to']} indicators at both ends")
    return (f"{node_name}: {signed(t['like_for_like'])} since {t['from']} on the same indicators; "
            f"{signed(t['composition'])} from indicators {what} since (published change "
            f"{signed(t['published'])}, {t['level_from']:.2f} in {t['from']} → {t['level_to']:.2f} in {t['to']}; "
            f"{basket}).")


def render_trend(t: dict, country: str = "") -> str:
    """Plain-text trend for the CLI."""
    head = f"{country} ({t['iso3']})" if country else t["iso3"]
    lines = [f"{head}: {t['node']} {t['from']} -> {t['to']}  methodology {t['methodology_version']}", "",
             f"published change   {signed(t['published']):>7}   level {t['level_from']:.2f} -> {t['level_to']:.2f}",
             f"like-for-like      {signed(t['like_for_like']):>7}   chained year to year on the indicators present "
             "in both years",
             f"composition        {signed(t['composition']):>7}   indicators entering or leaving "
             f"({t['indicators_from']} -> {t['indicators_to']} in the basket)", ""]
    if t["steps_without_common_indicators"]:
        lines.append("no common indicator in: " + ", ".join(t["steps_without_common_indicators"]))
    lines.append(f"  {'year':<6}{'level':>7}{'change':>8}{'same ind.':>10}{'compos.':>9}{'chained':>9}"
                 f"{'basket':>8}{'common':>8}")
    for y in t["years"]:
        lines.append(f"  {y['year']:<6}{_f(y['level']):>7}{signed(y['published_change']):>8}"
                     f"{signed(y['like_for_like_change']):>10}{signed(y['composition']):>9}"
                     f"{_f(y['like_for_like_level']):>9}{_i(y['indicators']):>8}{_i(y['common']):>8}")
    lines += ["", f"  {'indicator':<26}{'contrib':>8}  {'value then':>11} {'(year)':<7}{'value now':>11} "
                  f"{'(year)':<7} status"]
    for c in t["contributions"]:
        lines.append(f"  {c['indicator']:<26}{signed(c['contribution'], 3):>8}  {_v(c['value_from']):>11} "
                     f"{_y(c['obs_year_from']):<7}{_v(c['value_to']):>11} {_y(c['obs_year_to']):<7} "
                     f"{c['status']}: {c['why']}")
    return "\n".join(lines)


def _r(value, digits: int = 4):
    return None if value is None or pd.isna(value) else round(float(value), digits) + 0.0  # no -0.0


def _f(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def _i(value) -> str:
    return "-" if value is None else str(value)


def _v(value) -> str:
    return "-" if value is None else f"{value:.4g}"


def _y(value) -> str:
    return "" if value is None else f"({value})"
