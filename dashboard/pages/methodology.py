"""`/methodology`: rendered from the methodology tables themselves, so it cannot drift from the scores.

Pillars, actors, indicators (goalposts, weights, windows, sources), bands, parameters and sources come
from `data.dataset()`; the prose explains the rules those tables drive and the tensions a reader must
know about.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import data, figures, i18n
from dashboard.components import ui
from dashboard.components.static import static
from dashboard.i18n import N_, _, ngettext
from indicators.methodology import translation_key

dash.register_page(__name__, path="/methodology", name=N_("Methodology"),
                   title=lambda **_kw: _("Methodology: Digital Rights Dashboard"), order=3)


def observed_years() -> pd.DataFrame:
    """First and last year each indicator has an observation in the data (indicator-indexed)."""
    obs = data.dataset().observations
    return obs.groupby("indicator")["year"].agg(first="min", last="max")


def goalposts(row) -> str:
    if row["method"] in ("linear", "log"):
        top = row.get("max_score")
        return (f"{row['lo']:g} → {row['hi']:g}" + (" " + _("(on log(1+x))") if row["method"] == "log" else "")
                + ("; " + _("best score %(top)s, never 6", top=f"{top:g}") if top is not None and pd.notna(top)
                   and top < 6 else ""))
    return str(row["mapping"]).replace(";", "; ").replace("=", " → ")


def table(frame_rows: list[list], header: list[str], caption: str) -> html.Div:
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in header]))
    body = [html.Tr([html.Td(c) for c in row]) for row in frame_rows]
    return ui.table(caption, head, body, caption, class_name="drd-table small")


def indicators_section(ds) -> list:
    meth = ds.methodology
    years = observed_years()
    out = []
    for pillar, prow in meth.pillars.iterrows():
        ind = meth.indicators[meth.indicators["pillar"] == pillar]
        rows = []
        for code, r in ind.iterrows():
            src = ds.sources.loc[r["source_id"]] if r["source_id"] in ds.sources.index else None
            span = (f"{int(years.at[code, 'first'])}–{int(years.at[code, 'last'])}" if code in years.index
                    else _("none"))
            window = meth.window(code)
            rows.append([
                [html.Strong(i18n.methodology("indicators", code, "name", r["name"])), html.Br(), html.Code(code),
                 html.Br(), html.Span(i18n.methodology("indicators", code, "description", r["description"] or ""),
                                     className="drd-muted")],
                i18n.methodology("actors", r["actor"], "name", meth.actors.at[r["actor"], "name"])
                if r["actor"] in meth.actors.index else r["actor"],
                _("higher is better") if r["direction"] == "higher_better" else _("higher is worse (scored 7 − s)"),
                [r["method"], html.Br(), goalposts(r)],
                f"{r['weight']:g}",
                ngettext("%(num)s year", "%(num)s years", int(window)),
                span,
                [html.A(src["publisher"], href=src["url"], target="_blank", rel="noopener") if src is not None
                 else r["source_id"], html.Br(), html.Span(f"{r['source_variable']} · {r['unit']}",
                                                           className="drd-muted")],
            ])
        name = i18n.methodology("pillars", pillar, "name", prow["name"])
        out.append(html.H3(_("%(pillar)s (weight %(weight)s)", pillar=name, weight=f"{prow['weight']:g}"),
                           className="h6 mt-3"))
        out.append(html.P(i18n.methodology("pillars", pillar, "question", prow["question"]),
                          className="small fst-italic mb-1"))
        out.append(table(rows, [_("Indicator"), _("Actor"), _("Direction"), _("Method and goalposts"), _("Weight"),
                                _("Window"), _("Years observed"), _("Source, variable, unit")],
                         _("%(pillar)s indicators", pillar=name)))
    return out


def bands_section(meth) -> html.Div:
    b = meth.bands.pivot(index="band", columns="node", values="label")
    order = ["overall", *[p for p in meth.pillar_codes if p in b.columns]]
    names = {"overall": _("Overall (and actors)"),
             **{c: i18n.methodology("pillars", c, "name", n) for c, n in meth.pillars["name"].items()}}
    rows = [[html.Strong(str(band)), *[i18n.band_label(n, band, b.at[band, n]) if n in b.columns
                                       and pd.notna(b.at[band, n]) else "-" for n in order]]
            for band in sorted(b.index, reverse=True)]
    return table(rows, [_("Band"), *[names.get(n, n) for n in order]],
                 _("Band labels: a score's band is its nearest whole step"))


def corporate_coverage() -> pd.DataFrame:
    """Per year: countries with a corporate actor score, with any pillar x corporate score, and in total."""
    nodes = data.nodes()
    corp = nodes[nodes["actor"] == "corporate"]
    actor = corp[(corp["level"] == "actor") & corp["score"].notna()].groupby("year")["iso3"].nunique()
    pillar = corp[(corp["level"] == "pillar_actor") & corp["score"].notna()].groupby("year")["iso3"].nunique()
    total = nodes[nodes["node"] == "overall"].groupby("year")["iso3"].nunique()
    return pd.DataFrame({"actor": actor, "pillar": pillar, "countries": total}).fillna(0).astype(int)


def corporate_section(ds) -> html.Section:
    """Methodology 2.0's corporate rules, each choice explained, and how few countries they leave."""
    cov = corporate_coverage()
    rows = [[str(y), str(r["pillar"]), str(r["actor"]), str(r["countries"])] for y, r in cov.iterrows()]
    top = int(cov["pillar"].max()) if len(cov) else 0
    return html.Section([
        html.H2(_("The corporate side: evidence, not silence"), className="h5"),
        html.P([_("A corporate score (a pillar × corporate score or the corporate actor score) exists only where "
                  "at least one observation of what companies did in that country stands behind it. Where none "
                  "does, the app says") + " ", html.Strong("“" + _("No corporate evidence") + "”"), " "
                + _("(not 6, not 0): on the map (grey), the profile, compare, the downloads (column") + " ",
                html.Code("corporate_evidence"), "), " + _("the API and the brief. Absence rules (“none recorded”) "
                                                           "never score companies.")]),
        html.Ul([
            html.Li([html.Strong(_("Operators and shutdowns.") + " "),
                     _("Every shutdown is carried out by telecom operators, so naming them is not conduct. What an "
                       "operator can choose is transparency:") + " ",
                     html.Code("a_operator_ack"),
                     " " + _("is the share of a country's shutdowns (first year each is listed) whose operator "
                             "publicly acknowledged it (#KeepItOn telco_ack: Yes among Yes/No; “Unknown” is not "
                             "evidence). Its best score is 5: implementing a shutdown openly is not full respect. "
                             "users_notified is left out: it does not say who notified users.")]),
            ui.point(_("Ranking Digital Rights."),
                     _("The operator's disclosed policies, on its home-market operating company (12 markets). "
                       "Goalposts 0–60 fit RDR's scale (no telco exceeds 48.4, which now scores 5.0, not "
                       "'repressed'). Only the 2020 index: RDR revised its methodology in 2020 (AT&T freedom of "
                       "expression 40.2 → 23.0), so earlier scores are on another scale and not used.")),
            ui.point(_("AI surveillance is state adoption."),
                     _("Feldstein's index records which states use AI surveillance technology; it is scored as a "
                       "state privacy indicator. The companies that supplied it are named in the drill-down note as "
                       "context, not scored: a supplier's sale is not conduct in that country measured per "
                       "country.")),
            ui.point(_("Left out, with reasons (table below)."),
                     _("Government requests for user data (volumes reflect a company's user base and lawful "
                       "investigations; series end 2018), commercial spyware lists (licence; one undated leak), and "
                       "RDR platform scores (platforms serve the world, not one country).")),
        ]),
        html.P(html.Strong(_("The honest result: few countries have a corporate score. At most %(top)s countries a "
                             "year have any corporate score, and the corporate actor score (which needs half its "
                             "measured weight covered) exists for fewer. The corporate side rests on RDR's 12 home "
                             "markets (2020-2023) and on shutdowns whose operator's acknowledgement is recorded.",
                             top=top))),
        html.P(_("Read the per-year counts with the measured share: in 2020-2023, when RDR is measured, a country "
                 "known only through operator acknowledgement covers a third of the corporate weight, so its "
                 "corporate actor score is withheld (its Access × corporate score stays); before 2020 and after "
                 "2023 acknowledgement is all that is measured, so the same evidence makes a corporate actor score."),
               className="small"),
        table(rows, [_("Year"), _("Countries with a pillar × corporate score"), _("with a corporate actor score"),
                     _("Countries")], _("Corporate score coverage per year")),
    ], id="corporate", className="mb-4")


def shutdowns_section(ds) -> html.Section:
    return html.Section([
        html.H2(_("Shutdowns: one indicator, each event counted once"), className="h5"),
        html.P([_("#KeepItOn's 2016–2025 event file is the one series for all years (compared first with the "
                  "2016–2022 export: 5 to 19 more events a year, e.g. 2016 80 vs 75 and 2022 206 vs 187, because "
                  "the combined sheet was revised since).") + " ", html.Code("a_shutdowns"), " "
                + _("adds up, per country and year, each event's days in that year × scope (nationwide 1, several "
                    "regions 0.5, one region 0.25, one locality 0.1, unknown 0.1) × extent (full network 1, "
                    "service-based platform block 0.1) × type (throttling 0.5): national full-shutdown days. A "
                    "shutdown still running is listed again each year and counts only that year's days; a row "
                    "repeated within a year is dropped. Log goalposts 0–365: one national day scores 4.5, a whole "
                    "year 1. Every event is in") + " ",
                html.Code("data/keepiton_events.csv"), " " + _("with its weights and source link.")]),
        html.P([_("Zero rule: a country-year absent from #KeepItOn (2016–2025) had no shutdown recorded, by Access "
                  "Now's own definition. It scores 5, never 6: a register shows that shutdowns happened, not that "
                  "none did. The V-Dem shutdown items (2021 only) and the operator-named counts of version 1.0 are "
                  "left out, so no shutdown counts twice.")]),
    ], id="shutdowns", className="mb-4")


def changelog_section(meth) -> html.Section | None:
    log = meth.changelog
    if log is None or log.empty:
        return None
    effects = [c for c in log.columns if c.startswith("effect_")]

    def fmt(v) -> str:
        return i18n.signed(v)

    def word(r, field: str) -> str:
        return i18n.methodology("changelog", translation_key("changelog", r), field, r[field])

    rows = [[str(r["order"]), word(r, "area"), word(r, "change"), word(r, "reason"), *[fmt(r[c]) for c in effects]]
            for _i, r in log.iterrows()]
    return html.Section([
        html.H2(_("What changed in version %(version)s", version=meth.parameters.methodology_version),
                className="h5"),
        html.P(_("Every change from the previous version, and its effect on the five pilot countries' 2021 overall "
                 "score. The changes are applied one at a time in this order, so the effects add up to the total "
                 "change (scripts/changelog_effects.py; data/methodology/changelog.csv).")),
        table(rows, ["#", _("Area"), _("Change"), _("Why"), *[c.removeprefix("effect_") for c in effects]],
              _("Changelog (data/methodology/changelog.csv): effect on the 2021 overall score")),
    ], id="changelog", className="mb-4")


def excluded_section(meth) -> html.Section | None:
    if meth.excluded is None or meth.excluded.empty:
        return None
    rows = [[html.Strong(i18n.methodology("excluded", r["candidate"], "candidate", r["candidate"])),
             html.Code(r["variables"]), r["publisher"],
             i18n.methodology("excluded", r["candidate"], "reason", r["reason"])]
            for _i, r in meth.excluded.iterrows()]
    return html.Section([html.H2(_("What is left out, and why"), className="h5"),
                         table(rows, [_("Candidate"), _("Variables"), _("Publisher"), _("Reason")],
                               _("Excluded candidates (data/methodology/excluded.csv)"))],
                        id="excluded", className="mb-4")


def uncertainty_section(ds) -> html.Section:
    """How sure is a score? The Monte Carlo over data/methodology/sensitivity.csv (indicators/sensitivity.py)."""
    from indicators.sensitivity import CHOICE_LABELS, alternatives_table, share_summary
    alts = alternatives_table(ds.data_dir)
    rows = [[html.Code(r["choice"]), _("yes") if r["varied"] else _("no"), r["range"],
             i18n.methodology("sensitivity", r["choice"], "description", r["description"])]
            for _i, r in alts.iterrows()]
    year = ds.methodology.parameters.last_year
    try:
        summary = share_summary(data.sensitivity_result(year))["overall"].dropna()
        together = summary.pop("interactions") if "interactions" in summary.index else None
        parts = [_(CHOICE_LABELS.get(c, c)) + " " + i18n.percent(v)
                 for c, v in summary.sort_values(ascending=False).items()]
        if together is not None:
            parts.append(_("choices acting together %(share)s", share=i18n.percent(together)))
        matters = html.P(_("What moves the %(year)s overall scores most (mean share of the spread over countries): "
                           "%(list)s.", year=year, list=i18n.join(parts)))
    except Exception:  # noqa: BLE001 - the explanation stands without the figures
        matters = None
    return html.Section([
        html.H2(_("How sure is a score?"), className="h5"),
        html.P(_("A score rests on choices: goalposts, weights, how old a value may be, which indicators count. "
                 "Two countries 0.1 apart may swap places under choices just as defensible as ours. So, following "
                 "the uncertainty and sensitivity step of the JRC/OECD composite-indicator handbook, every country "
                 "is rescored %(runs)s times. Each run draws one value for every choice in the table below, and the "
                 "runs are seeded, so they can be reproduced.", runs=i18n.number(1000, 0, grouped=True))),
        html.Ul([
            ui.point(_("Likely range:"),
                     _("beside each score, the 5th to 95th percentile of its runs (widened to include the published "
                       "score in the rare case it falls outside). The overall rank gets the same treatment, among "
                       "countries with an overall score (1 = best).")),
            ui.point(_("Same rules in every run:"),
                     _("coverage and the withholding rule apply as in the published scores, and missing data is "
                       "never filled. With every choice switched off, the runs reproduce the published scores "
                       "exactly.")),
            ui.point(_("What matters most:"),
                     _("the first-order share of each choice, that is the variance of the mean score given that "
                       "choice divided by the total variance. It is estimated from the same runs by grouping them by "
                       "the choice's value. What the shares leave is the effect of choices acting together.")),
            ui.point(_("Measurement error:"),
                     _("where a source publishes a standard error (V-Dem does), an optional value_sd column adds "
                       "that noise to each run. Our V-Dem extracts carry point estimates only, so the ranges leave "
                       "out V-Dem's own uncertainty.")),
        ]),
        matters,
        html.P(_("Read two countries whose ranges overlap as not clearly different."), className="fw-semibold"),
        table(rows, [_("Choice"), _("Varied"), _("Range"), _("What varies per run")],
              _("Alternatives (data/methodology/sensitivity.csv)")),
    ], id="uncertainty", className="mb-4")


def trends_section() -> html.Section:
    """'Changes over time, like for like': the method of indicators/trend.py, in words, with a live example."""
    example = None
    try:
        t = data.trend("MOZ")  # a pilot country whose basket grew a lot: the example the method was built for
        example = html.P([html.Strong(_("Example.") + " "),
                          _("%(country)s, overall score %(from)s–%(to)s: published change %(published)s "
                            "(%(level_from)s → %(level_to)s), of which %(like)s on the same indicators and "
                            "%(composition)s from indicators added or dropped (%(n_from)s → %(n_to)s indicators).",
                            country=i18n.country_name("MOZ", "Mozambique"), published=i18n.signed(t["published"]),
                            level_from=i18n.number(t["level_from"]), level_to=i18n.number(t["level_to"]),
                            like=i18n.signed(t["like_for_like"]), composition=i18n.signed(t["composition"]),
                            n_from=t["indicators_from"], n_to=t["indicators_to"], **{"from": t["from"], "to": t["to"]})
                          + " ", dcc.Link(_("Its profile"), href="/country/MOZ#trend"),
                          " " + _("lists each indicator's part.")])
    except (KeyError, ValueError):
        pass
    return html.Section([
        html.H2(_("Changes over time, like for like"), className="h5"),
        html.P(_("A published score for a year rests on the indicators that have a value for the country that year "
                 "(its basket). Sources start and stop, so the difference between two published scores mixes change "
                 "on the ground with indicators entering or leaving the basket. Every change the dashboard shows "
                 "(country profile, trends page, API, exports) is therefore given three ways:")),
        html.Ul([
            ui.point(_("Published change:"),
                     _("the score in the end year minus the score in the start year.")),
            ui.point(_("On the same indicators (like for like):"),
                     _("for each pair of consecutive scored years, the score is recomputed in both years on only the "
                       "indicators the country has in both, with the methodology's own weights (the pillars that "
                       "have such an indicator, each the weighted mean of those indicators); the year-to-year "
                       "differences are then added up (chained). A value carried forward from an earlier year is "
                       "the same observation in both years: it stays in the comparison but counts as no change. A "
                       "pillar withheld for low coverage in either year is left out of that step. A step with no "
                       "indicator in common has no like-for-like change, and none is given for the span.")),
            ui.point(_("From indicators added or dropped (composition):"),
                     _("the published change minus the like-for-like change. It is zero when the basket does not "
                       "change.")),
            ui.point(_("Each indicator's part:"),
                     _("within a step, an indicator moves the like-for-like score by its weight share times its "
                       "change in score; these parts add up to the like-for-like change (python -m indicators trend "
                       "ISO3 --from Y1 --to Y2 lists them with the raw values and observation years).")),
            ui.point(_("Regional and world means:"),
                     _("each mean starts at its first year's published mean and then adds, year by year, the mean "
                       "like-for-like change of the countries scored in both years. The published change of a mean "
                       "splits exactly into like for like + indicators added or dropped + the set of countries "
                       "scored changing.")),
        ]),
        example,
    ], id="trends", className="mb-4")


def layout(**_params):
    """The page: read-only text and tables, sent as one component of HTML (components/static.py), so
    Dash's renderer does not build ~1,500 components for a text page (Lighthouse's blocking time).
    Memoised per scoring run and language: the page callback and the first-paint copy both ask for it
    (~150 ms a build)."""
    return figures.memo(("methodology-page",), lambda: static(content(), "drd-methodology"))


def content() -> html.Div:
    ds = data.dataset()
    meth = ds.methodology
    par = meth.parameters
    params = ds.methodology.parameters
    n_ind = len(meth.indicators)
    actors = [[html.Strong(i18n.methodology("actors", code, "name", r["name"])),
               _("yes") if r["counts_as_abuse"] else _("no (conditions, not conduct)"),
               i18n.methodology("actors", code, "description", r["description"] or "")]
              for code, r in meth.actors.iterrows()]
    def counts(code: str) -> str:
        ind = meth.indicators[meth.indicators["pillar"] == code]
        per = ind["actor"].value_counts()
        return f"{len(ind)} ({i18n.join(f'{_actor(a)} {n}' for a, n in per.items())})"

    def _actor(a: str) -> str:
        return (i18n.methodology("actors", a, "name", meth.actors.at[a, "name"]) if a in meth.actors.index else a)

    pillars = [[html.Strong(i18n.methodology("pillars", code, "name", r["name"])),
                i18n.methodology("pillars", code, "question", r["question"]), f"{r['weight']:g}", counts(code)]
               for code, r in meth.pillars.iterrows()]
    sources = [[html.A(r["publisher"], href=r["url"], target="_blank", rel="noopener"), r["dataset"], r["licence"],
                r["citation"] or "", r["accessed"], html.Code(r["retrieved_from"] or "", className="small")]
               for _i, r in ds.sources.iterrows()]
    param_rows = [[html.Code(k), str(getattr(par, k)), ""] for k in
                  ("methodology_version", "first_year", "last_year", "window_years", "min_coverage")]
    return html.Div([
        html.H1(_("Methodology"), className="h3"),
        html.P([_("Everything on this page is read from the methodology tables") + " (",
                html.Code("data/methodology/*.csv"),
                ") " + _("that the scores are computed from: methodology version %(version)s, %(indicators)s "
                         "indicators in %(pillars)s pillars, scored %(first)s–%(last)s.",
                         version=par.methodology_version, indicators=n_ind, pillars=len(meth.pillars),
                         first=par.first_year, last=par.last_year)],
               className="text-body-secondary"),
        html.Nav(dbc.Nav([dbc.NavLink(_(t), href=f"#{a}", external_link=True) for t, a in
                          ((N_("What changed"), "changelog"), (N_("Scale"), "scale"), (N_("Pillars"), "pillars"),
                           (N_("Actors"), "actors"), (N_("Corporate"), "corporate"), (N_("Shutdowns"), "shutdowns"),
                           (N_("Indicators"), "indicators"), (N_("Aggregation"), "aggregation"),
                           (N_("Missing data"), "missing"), (N_("Bands"), "bands"), (N_("How sure"), "uncertainty"),
                           (N_("Tensions"), "tensions"), (N_("Left out"), "excluded"), (N_("Sources"), "sources"))],
                         className="mb-3 flex-wrap"), **{"aria-label": _("Sections of the methodology")}),
        changelog_section(meth),

        html.Section([
            html.H2(_("The scale"), className="h5"),
            html.P(_("Every score runs from 1 to 6: 6 means the right is fully respected, 1 means severe violations. "
                     "Each indicator is turned into a 1–6 score with fixed goalposts (never ranks), so years and "
                     "countries stay comparable:")),
            html.Ul([
                html.Li([html.Strong("linear"), ": " + _("1 + 5 (x − lo) / (hi − lo), clipped to [1, 6].")]),
                html.Li([html.Strong("log"), ": " + _("the same on log(1 + x), for skewed counts such as shutdowns.")]),
                html.Li([html.Strong("categorical"), ": " + _("each category maps to a score (e.g. no law → 1, draft → "
                                                         "3.5, law → 6).")]),
                html.Li([html.Strong("bands"), ": " + _("counts fall into bands with a score each (e.g. 0 → 6, 1–2 → "
                                                   "4).")]),
                ui.point(_("higher is worse:"),
                         _("an indicator where more means worse scores 7 − s.")),
                html.Li([html.Strong("max_score"), ": " + _("an indicator that cannot show full respect (a register of "
                                                       "shutdowns, an index of surveillance found) is rescaled from "
                                                       "1–6 to 1–max_score, so its best value, and what its zero rule "
                                                       "gives, stays below 6.")]),
            ]),
        ], id="scale", className="mb-4"),

        html.Section([html.H2(_("Pillars"), className="h5"),
                      table(pillars, [_("Pillar"), _("Question"), _("Weight"), _("Indicators")],
                            _("The four pillars"))],
                     id="pillars", className="mb-4"),
        html.Section([html.H2(_("Actors: the state-vs-corporate split"), className="h5"),
                      html.P(_("Each indicator belongs to one actor. The split is the same tree cut by actor.")),
                      table(actors, [_("Actor"), _("Counts as abuse"), _("What it covers")], _("Actors"))],
                     id="actors", className="mb-4"),
        corporate_section(ds),
        shutdowns_section(ds),
        html.Section([html.H2(_("Indicators, goalposts, weights and sources"), className="h5"),
                      *indicators_section(ds)], id="indicators", className="mb-4"),

        html.Section([
            html.H2(_("Aggregation"), className="h5"),
            html.Ul([
                html.Li(_("A pillar is the weighted mean of its indicators with data (all actors, structural "
                          "included).")),
                html.Li(_("The overall score is the weighted mean of the pillars (pillar weights above).")),
                html.Li(_("A pillar × actor score (e.g. privacy, state) is the weighted mean of that pillar's "
                          "indicators of that actor; an actor's score is the weighted mean of its pillar × actor "
                          "scores.")),
                html.Li(_("Structural indicators (connectivity, affordability) count in their pillar but never as "
                          "abuse by anyone; a structural score is shown without a band label (a condition, not an "
                          "actor).")),
                html.Li(_("A corporate score needs positive evidence: at least one corporate observation that no "
                          "absence rule made; without it the node says “No corporate evidence”.")),
            ]),
        ], id="aggregation", className="mb-4"),

        html.Section([
            html.H2(_("Missing data"), className="h5"),
            html.P(html.Strong(_("Missing data is never filled with a number."))),
            html.Ul([
                ui.point(_("Window:"),
                         _("the score for year Y uses each indicator's latest observation in [Y − %(window)s, Y] (an "
                           "indicator may set its own window). The drill-down shows the observation's own year and "
                           "flags values carried forward.", window=params.window_years)),
                ui.point(_("Coverage:"),
                         _("the share of a score's weight, among the indicators some source measured that year, that "
                           "has data for the country.")),
                ui.point(_("%(share)s rule:", share=i18n.percent(params.min_coverage)),
                         _("a score whose coverage is below %(share)s is withheld and shown as “no data” (grey on "
                           "the map), never as a low score.", share=i18n.percent(params.min_coverage))),
                ui.point(_("Measured share:"),
                         _("the part of the whole methodology that any source measured that year; the same for "
                           "every country. The V-Dem Digital Society items exist for 2021 only, so read trends with "
                           "it (the Trends page draws it).")),
                ui.point(_("Two documented zero rules, flagged and capped."),
                         _("Access Now states that a country-year absent from #KeepItOn means no shutdown was "
                           "recorded; Feldstein's AI Global Surveillance Index covers 179 countries, so a country in "
                           "its universe with no technology recorded counts as zero. Zeros from either rule are "
                           "explicit rows in the observations with absence = 1 and a note; both indicators have "
                           "max_score 5, so a zero rule never gives a best score, and it informs only state "
                           "indicators. The uncertainty runs switch the rules off in half the runs.")),
                ui.point(_("Expert corrections"),
                         _("replace a published value; the original value and the correction's author, date, reason "
                           "and source stay visible in the drill-down.")),
            ]),
            table(param_rows, [_("Parameter"), _("Value"), ""], _("Parameters (data/methodology/parameters.csv)")),
        ], id="missing", className="mb-4"),

        html.Section([html.H2(_("Bands"), className="h5"),
                      html.P(_("A score's band is its nearest whole step: %(below)s is band 4, %(half)s is band 5. "
                               "Each pillar has its own labels.", below=i18n.number(4.49), half=i18n.number(4.5, 1))),
                      bands_section(meth)], id="bands", className="mb-4"),

        uncertainty_section(ds),
        trends_section(),

        html.Section([
            html.H2(_("Tensions a reader must know"), className="h5"),
            html.Ul([
                ui.point(_("Content regulation is not always censorship."),
                         _("Laws that curb incitement to violence or protect against online abuse can be legitimate, "
                           "while the same tools can remove political speech. The indicators score what the law and "
                           "practice do to political expression (V-Dem asks whether the legal framework protects "
                           "it); a low score is a flag to read the country context, not a verdict on every rule.")),
                ui.point(_("Operators implement government-ordered shutdowns."),
                         _("They often have no lawful way to refuse, so the shutdown counts against the state; what "
                           "is scored as corporate is whether the operator was open about it.")),
                ui.point(_("Ranking Digital Rights covers few markets."),
                         _("RDR telecom scores exist only for the home markets of the 12 operators it ranks, so most "
                           "countries have no corporate privacy or expression score: they say “No corporate "
                           "evidence”.")),
                ui.point(_("Structural is not abuse."),
                         _("Low connectivity lowers the Access pillar but is not counted as anyone's abuse; the "
                           "state-vs-corporate split leaves it out.")),
                ui.point(_("Absence of records is not proof of respect."),
                         _("The zero rules follow each publisher's own statement; an unreported shutdown or "
                           "surveillance contract stays unseen.")),
                ui.point(_("Sources differ in licence."),
                         _("The scores are shared under CC BY-SA 4.0; Freedom House's figures are not openly "
                           "licensed (cite Freedom House).")),
            ]),
        ], id="tensions", className="mb-4"),

        excluded_section(meth),

        tensions_view_section(),

        html.Section([html.H2(_("Sources and publishers"), className="h5"),
                      table(sources, [_("Publisher"), _("Dataset"), _("Licence"), _("Citation"), _("Accessed"),
                                      _("Retrieved from")], _("Every source (data/sources.csv)")),
                      html.P([_("See a country's drill-down for every value with its source, e.g.") + " ",
                              dcc.Link(i18n.country_name("COL", "Colombia"), href="/country/COL"), "."],
                             className="small")],
                     id="sources", className="mb-4"),
    ])


def tensions_view_section() -> html.Section:
    """How the /tensions view is made (issue 10): its axes, placement rule, caveats and coverage."""
    from dashboard.components.tensions import axis_text, coverage_table, justification, reason
    from indicators.tensions import HARM_JUSTIFICATIONS, HARM_REASONS, USERS_WINDOW
    meth = data.dataset().methodology
    codes = data.tensions_codes()
    names = [html.Span([i18n.methodology("indicators", c, "name", meth.indicators.at[c, "name"]), " (", html.Code(c),
                        ")"]) for c in codes]
    listed = [x for i, n in enumerate(names) for x in ([", "] if i else []) + [n]]
    return html.Section([
        html.H2(_("The tensions view: harm pressure against restriction"), className="h5"),
        html.P([dcc.Link(_("The tensions view"), href="/tensions"), " "
                + _("helps read the scores where a right is in tension with itself: governments restrict online "
                    "speech in the name of preventing harm (incitement to violence, hate speech, disinformation). It "
                    "is kept out of the scores: nothing in it changes a score, a band or a rank. Each country is a "
                    "point:")]),
        html.Ul([html.Li(axis_text(k)) for k in ("harm", "restriction", "safeguards")]),
        html.P([_("The restriction indicators are:") + " ", *listed, ". "
                + _("They are taken as scored for the year (so with the scores' window: the V-Dem items observed in "
                    "2021 carry forward up to three years). The DSP items are taken for the year itself.") + " ",
                html.Strong(_("A country is placed only when it has both readings.")), " "
                + _("One without is listed as not placed, never drawn at zero or in the middle. The dashed lines "
                    "mark the middle of each scale, not a norm.")]),
        html.P([_("Stated harm, shown beside the axes and on each country profile: shutdowns Access Now #KeepItOn "
                  "lists for the year and how many the government justified by %(justifications)s; removal requests "
                  "to Google by requestor (court orders against officials, police, regulators and others) and by "
                  "reason, those citing %(reasons)s counted per million internet users.",
                  justifications="; ".join(justification(j) for j in HARM_JUSTIFICATIONS),
                  reasons=i18n.join(reason(r) for r in HARM_REASONS)) + " ",
                html.Strong(_("Stated reasons are governments' own claims")), " "
                + _("and do not show that the harm was real; Access Now's 'actual cause' is its own reading.")]),
        html.P([_("The denominator: internet users = ITU's share of the population using the internet (the latest "
                  "year within %(window)s years) × Natural Earth's population estimate (one year, mostly 2019). Both "
                  "are approximate. Google's counts are sums over its published rows (a request spanning several "
                  "products or reasons counts in each; 2025 covers January to June only). Access Now's combined "
                  "2016–2025 sheet, used here, lists a running shutdown again in each later year and has 5–19 more "
                  "events a year than the 2016–2022 sheet the scores use, so counts can differ from the shutdown "
                  "indicator. Counts are derived by counting the publishers' rows, by", window=USERS_WINDOW) + " ",
                html.Code("scripts/build_data.py"), " " + _("into") + " ", html.Code("data/tensions.csv"),
                " " + _("(iso3, year, measure, value, source_id, note), validated on load like every data file.")]),
        coverage_table("methodology-tensions-coverage"),
    ], id="tensions-view", className="mb-4")

