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

from dashboard import data
from indicators.trend import signed

dash.register_page(__name__, path="/methodology", name="Methodology",
                   title="Methodology: Digital Rights Dashboard", order=3)


def observed_years() -> pd.DataFrame:
    """First and last year each indicator has an observation in the data (indicator-indexed)."""
    obs = data.dataset().observations
    return obs.groupby("indicator")["year"].agg(first="min", last="max")


def goalposts(row) -> str:
    if row["method"] in ("linear", "log"):
        return f"{row['lo']:g} → {row['hi']:g}" + (" (on log(1+x))" if row["method"] == "log" else "")
    return str(row["mapping"]).replace(";", "; ").replace("=", " → ")


def table(frame_rows: list[list], header: list[str], caption: str) -> html.Div:
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in header]))
    body = html.Tbody([html.Tr([html.Td(c) for c in row]) for row in frame_rows])
    return html.Div(dbc.Table([html.Caption(caption), head, body], size="sm", striped=True,
                              className="drd-table small"), className="table-responsive")


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
                    else "none")
            window = meth.window(code)
            rows.append([
                [html.Strong(r["name"]), html.Br(), html.Code(code), html.Br(),
                 html.Span(r["description"] or "", className="drd-muted")],
                meth.actors.at[r["actor"], "name"] if r["actor"] in meth.actors.index else r["actor"],
                "higher is better" if r["direction"] == "higher_better" else "higher is worse (scored 7 − s)",
                [r["method"], html.Br(), goalposts(r)],
                f"{r['weight']:g}",
                f"{window} years",
                span,
                [html.A(src["publisher"], href=src["url"], target="_blank", rel="noopener") if src is not None
                 else r["source_id"], html.Br(), html.Span(f"{r['source_variable']} · {r['unit']}",
                                                           className="drd-muted")],
            ])
        out.append(html.H3(f"{prow['name']} (weight {prow['weight']:g})", className="h6 mt-3"))
        out.append(html.P(prow["question"], className="small fst-italic mb-1"))
        out.append(table(rows, ["Indicator", "Actor", "Direction", "Method and goalposts", "Weight", "Window",
                                "Years observed", "Source, variable, unit"], f"{prow['name']} indicators"))
    return out


def bands_section(meth) -> html.Div:
    b = meth.bands.pivot(index="band", columns="node", values="label")
    order = ["overall", *[p for p in meth.pillar_codes if p in b.columns]]
    names = {"overall": "Overall (and actors)", **meth.pillars["name"].to_dict()}
    rows = [[html.Strong(str(band)), *[b.at[band, n] if n in b.columns and pd.notna(b.at[band, n]) else "-"
                                       for n in order]] for band in sorted(b.index, reverse=True)]
    return table(rows, ["Band", *[names.get(n, n) for n in order]],
                 "Band labels: a score's band is its nearest whole step")


def uncertainty_section(ds) -> html.Section:
    """How sure is a score? The Monte Carlo over data/methodology/sensitivity.csv (indicators/sensitivity.py)."""
    from indicators.sensitivity import CHOICE_LABELS, alternatives_table, share_summary
    alts = alternatives_table(ds.data_dir)
    rows = [[html.Code(r["choice"]), "yes" if r["varied"] else "no", r["range"], r["description"]]
            for _, r in alts.iterrows()]
    year = ds.methodology.parameters.last_year
    try:
        summary = share_summary(data.sensitivity_result(year))["overall"].dropna()
        together = summary.pop("interactions") if "interactions" in summary.index else None
        parts = [f"{CHOICE_LABELS.get(c, c)} {v:.0%}" for c, v in summary.sort_values(ascending=False).items()]
        if together is not None:
            parts.append(f"choices acting together {together:.0%}")
        matters = html.P(f"What moves the {year} overall scores most (mean share of the spread over countries): "
                         + "; ".join(parts) + ".")
    except Exception:  # noqa: BLE001 - the explanation stands without the figures
        matters = None
    return html.Section([
        html.H2("How sure is a score?", className="h5"),
        html.P("A score rests on choices: goalposts, weights, how old a value may be, which indicators count. "
               "Two countries 0.1 apart may swap places under choices just as defensible as ours. So, following "
               "the uncertainty and sensitivity step of the JRC/OECD composite-indicator handbook, every country "
               "is rescored 1,000 times. Each run draws one value for every choice in the table below, and the "
               "runs are seeded, so they can be reproduced."),
        html.Ul([
            html.Li([html.Strong("Likely range: "), "beside each score, the 5th to 95th percentile of its runs "
                     "(widened to include the published score in the rare case it falls outside). The overall rank "
                     "gets the same treatment, among countries with an overall score (1 = best)."]),
            html.Li([html.Strong("Same rules in every run: "), "coverage and the withholding rule apply as in the "
                     "published scores, and missing data is never filled. With every choice switched off, the "
                     "runs reproduce the published scores exactly."]),
            html.Li([html.Strong("What matters most: "), "the first-order share of each choice, that is the "
                     "variance of the mean score given that choice divided by the total variance. It is estimated "
                     "from the same runs by grouping them by the choice's value. What the shares leave is the "
                     "effect of choices acting together."]),
            html.Li([html.Strong("Measurement error: "), "where a source publishes a standard error (V-Dem does), "
                     "an optional value_sd column adds that noise to each run. Our V-Dem extracts carry point "
                     "estimates only, so the ranges leave out V-Dem's own uncertainty."]),
        ]),
        matters,
        html.P("Read two countries whose ranges overlap as not clearly different.", className="fw-semibold"),
        table(rows, ["Choice", "Varied", "Range", "What varies per run"],
              "Alternatives (data/methodology/sensitivity.csv)"),
    ], id="uncertainty", className="mb-4")


def trends_section() -> html.Section:
    """'Changes over time, like for like': the method of indicators/trend.py, in words, with a live example."""
    example = None
    try:
        t = data.trend("MOZ")  # a pilot country whose basket grew a lot: the example the method was built for
        example = html.P([html.Strong("Example. "), f"Mozambique, overall score {t['from']}–{t['to']}: published "
                          f"change {signed(t['published'])} ({t['level_from']:.2f} → {t['level_to']:.2f}), of which "
                          f"{signed(t['like_for_like'])} on the same indicators and {signed(t['composition'])} from "
                          f"indicators added or dropped ({t['indicators_from']} → {t['indicators_to']} indicators). ",
                          dcc.Link("Its profile", href="/country/MOZ#trend"), " lists each indicator's part."])
    except (KeyError, ValueError):
        pass
    return html.Section([
        html.H2("Changes over time, like for like", className="h5"),
        html.P("A published score for a year rests on the indicators that have a value for the country that year "
               "(its basket). Sources start and stop, so the difference between two published scores mixes change "
               "on the ground with indicators entering or leaving the basket. Every change the dashboard shows "
               "(country profile, trends page, API, exports) is therefore given three ways:"),
        html.Ul([
            html.Li([html.Strong("Published change: "), "the score in the end year minus the score in the start "
                     "year."]),
            html.Li([html.Strong("On the same indicators (like for like): "), "for each pair of consecutive scored "
                     "years, the score is recomputed in both years on only the indicators the country has in both, "
                     "with the methodology's own weights (the pillars that have such an indicator, each the "
                     "weighted mean of those indicators); the year-to-year differences are then added up "
                     "(chained). A value carried forward from an earlier year is the same observation in both "
                     "years: it stays in the comparison but counts as no change. A pillar withheld for low "
                     "coverage in either year is left out of that step. A step with no indicator in common has no "
                     "like-for-like change, and none is given for the span."]),
            html.Li([html.Strong("From indicators added or dropped (composition): "), "the published change minus "
                     "the like-for-like change. It is zero when the basket does not change."]),
            html.Li([html.Strong("Each indicator's part: "), "within a step, an indicator moves the like-for-like "
                     "score by its weight share times its change in score; these parts add up to the like-for-like "
                     "change (python -m indicators trend ISO3 --from Y1 --to Y2 lists them with the raw values "
                     "and observation years)."]),
            html.Li([html.Strong("Regional and world means: "), "each mean starts at its first year's published "
                     "mean and then adds, year by year, the mean like-for-like change of the countries scored in "
                     "both years. The published change of a mean splits exactly into like for like + indicators "
                     "added or dropped + the set of countries scored changing."]),
        ]),
        example,
    ], id="trends", className="mb-4")


def layout(**_params):
    ds = data.dataset()
    meth = ds.methodology
    par = meth.parameters
    params = ds.methodology.parameters
    n_ind = len(meth.indicators)
    actors = [[html.Strong(r["name"]), "yes" if r["counts_as_abuse"] else "no (conditions, not conduct)",
               r["description"]] for _, r in meth.actors.iterrows()]
    def counts(code: str) -> str:
        ind = meth.indicators[meth.indicators["pillar"] == code]
        per = ind["actor"].value_counts()
        return f"{len(ind)} ({', '.join(f'{a} {n}' for a, n in per.items())})"

    pillars = [[html.Strong(r["name"]), r["question"], f"{r['weight']:g}", counts(code)]
               for code, r in meth.pillars.iterrows()]
    sources = [[html.A(r["publisher"], href=r["url"], target="_blank", rel="noopener"), r["dataset"], r["licence"],
                r["citation"] or "", r["accessed"], html.Code(r["retrieved_from"] or "", className="small")]
               for _, r in ds.sources.iterrows()]
    param_rows = [[html.Code(k), str(getattr(par, k)), ""] for k in
                  ("methodology_version", "first_year", "last_year", "window_years", "min_coverage")]
    return html.Div([
        html.H1("Methodology", className="h3"),
        html.P(["Everything on this page is read from the methodology tables (", html.Code("data/methodology/*.csv"),
                f") that the scores are computed from: methodology version {par.methodology_version}, "
                f"{n_ind} indicators in {len(meth.pillars)} pillars, scored {par.first_year}–{par.last_year}."],
               className="text-body-secondary"),
        html.Nav(dbc.Nav([dbc.NavLink(t, href=f"#{a}", external_link=True) for t, a in
                          (("Scale", "scale"), ("Pillars", "pillars"), ("Actors", "actors"),
                           ("Indicators", "indicators"), ("Aggregation", "aggregation"), ("Missing data", "missing"),
                           ("Bands", "bands"), ("How sure", "uncertainty"), ("Tensions", "tensions"),
                           ("Sources", "sources"))],
                         className="mb-3 flex-wrap"), **{"aria-label": "Sections of the methodology"}),

        html.Section([
            html.H2("The scale", className="h5"),
            html.P("Every score runs from 1 to 6: 6 means the right is fully respected, 1 means severe violations. "
                   "Each indicator is turned into a 1–6 score with fixed goalposts (never ranks), so years and "
                   "countries stay comparable:"),
            html.Ul([
                html.Li([html.Strong("linear: "), "1 + 5 (x − lo) / (hi − lo), clipped to [1, 6]."]),
                html.Li([html.Strong("log: "), "the same on log(1 + x), for skewed counts such as shutdowns."]),
                html.Li([html.Strong("categorical: "), "each category maps to a score (e.g. no law → 1, draft → 3.5, "
                         "law → 6)."]),
                html.Li([html.Strong("bands: "), "counts fall into bands with a score each (e.g. 0 → 6, 1–2 → 4)."]),
                html.Li([html.Strong("higher is worse: "), "an indicator where more means worse scores 7 − s."]),
            ]),
        ], id="scale", className="mb-4"),

        html.Section([html.H2("Pillars", className="h5"),
                      table(pillars, ["Pillar", "Question", "Weight", "Indicators"], "The four pillars")],
                     id="pillars", className="mb-4"),
        html.Section([html.H2("Actors: the state-vs-corporate split", className="h5"),
                      html.P("Each indicator belongs to one actor. The split is the same tree cut by actor."),
                      table(actors, ["Actor", "Counts as abuse", "What it covers"], "Actors")],
                     id="actors", className="mb-4"),
        html.Section([html.H2("Indicators, goalposts, weights and sources", className="h5"),
                      *indicators_section(ds)], id="indicators", className="mb-4"),

        html.Section([
            html.H2("Aggregation", className="h5"),
            html.Ul([
                html.Li("A pillar is the weighted mean of its indicators with data (all actors, structural included)."),
                html.Li("The overall score is the weighted mean of the pillars (pillar weights above)."),
                html.Li("A pillar × actor score (e.g. privacy, state) is the weighted mean of that pillar's indicators "
                        "of that actor; an actor's score is the weighted mean of its pillar × actor scores."),
                html.Li("Structural indicators (connectivity) count in their pillar but never as abuse by anyone."),
            ]),
        ], id="aggregation", className="mb-4"),

        html.Section([
            html.H2("Missing data", className="h5"),
            html.P(html.Strong("Missing data is never filled with a number.")),
            html.Ul([
                html.Li([html.Strong("Window: "), f"the score for year Y uses each indicator's latest observation in "
                         f"[Y − {params.window_years}, Y] (an indicator may set its own window). The drill-down "
                         "shows the observation's own year and flags values carried forward."]),
                html.Li([html.Strong("Coverage: "), "the share of a score's weight, among the indicators some source "
                         "measured that year, that has data for the country."]),
                html.Li([html.Strong(f"{params.min_coverage:.0%} rule: "), f"a score whose coverage is below "
                         f"{params.min_coverage:.0%} is withheld and shown as “no data” (grey on the map), never "
                         "as a low score."]),
                html.Li([html.Strong("Measured share: "), "the part of the whole methodology that any source measured "
                         "that year; the same for every country. The V-Dem Digital Society items exist for 2021 "
                         "only, so read trends with it (the Trends page draws it)."]),
                html.Li([html.Strong("Two documented zero rules. "), "Access Now states that a country-year absent "
                         "from #KeepItOn means no shutdown was recorded; Feldstein's AI Global Surveillance Index "
                         "covers 179 countries, so a country in its universe with no technology recorded counts as "
                         "zero. Zeros from either rule are explicit rows in the observations, each with a note "
                         "saying why."]),
                html.Li([html.Strong("Expert corrections "), "replace a published value; the original value and the "
                         "correction's author, date, reason and source stay visible in the drill-down."]),
            ]),
            table(param_rows, ["Parameter", "Value", ""], "Parameters (data/methodology/parameters.csv)"),
        ], id="missing", className="mb-4"),

        html.Section([html.H2("Bands", className="h5"),
                      html.P("A score's band is its nearest whole step: 4.49 is band 4, 4.5 is band 5. "
                             "Each pillar has its own labels."),
                      bands_section(meth)], id="bands", className="mb-4"),

        uncertainty_section(ds),
        trends_section(),

        html.Section([
            html.H2("Tensions a reader must know", className="h5"),
            html.Ul([
                html.Li([html.Strong("Content regulation is not always censorship. "),
                         "Laws that curb incitement to violence or protect against online abuse can be legitimate, "
                         "while the same tools can remove political speech. The indicators score what the law and "
                         "practice do to political expression (V-Dem asks whether the legal framework protects it); "
                         "a low score is a flag to read the country context, not a verdict on every rule."]),
                html.Li([html.Strong("Telecom operators implementing government-ordered shutdowns count as "
                                     "corporate. "),
                         "Operators often have no lawful way to refuse. They are scored because implementing a "
                         "shutdown is conduct, and because transparency about such orders is part of corporate "
                         "responsibility; the state's own role is scored separately under state actors."]),
                html.Li([html.Strong("Ranking Digital Rights covers few markets. "),
                         "RDR telecom scores exist only for the home markets of the 12 operators it ranks, so most "
                         "countries have no corporate privacy or expression score; their corporate split rests on "
                         "#KeepItOn and Feldstein data alone, or is withheld."]),
                html.Li([html.Strong("Structural is not abuse. "),
                         "Low connectivity lowers the Access pillar but is not counted as anyone's abuse; the "
                         "state-vs-corporate split leaves it out."]),
                html.Li([html.Strong("Absence of records is not proof of respect. "),
                         "The zero rules follow each publisher's own statement; an unreported shutdown or "
                         "surveillance contract stays unseen."]),
                html.Li([html.Strong("Sources differ in licence. "),
                         "The scores are shared under CC BY-SA 4.0; Freedom House's figures are not openly "
                         "licensed (cite Freedom House)."]),
            ]),
        ], id="tensions", className="mb-4"),

        html.Section([html.H2("Sources and publishers", className="h5"),
                      table(sources, ["Publisher", "Dataset", "Licence", "Citation", "Accessed", "Retrieved from"],
                            "Every source (data/sources.csv)"),
                      html.P(["See a country's drill-down for every value with its source, e.g. ",
                              dcc.Link("Colombia", href="/country/COL"), "."], className="small")],
                     id="sources", className="mb-4"),
    ])
