"""`/tensions?year=2023&region=Sub-Saharan%20Africa`: harm pressure against restriction in practice.

A quadrant scatter (dashboard.figures.build_tensions), a table of the same rows, the countries not
placed and why, and how many countries each axis covers per year. Kept out of the scores: it helps
read them and changes none. The computation is indicators/tensions.py; this module only lays it out.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html

from dashboard import data, figures
from dashboard.components import ui
from dashboard.components.tensions import coverage_table
from dashboard.i18n import N_, _
from indicators.tensions import AXIS_TEXT

dash.register_page(__name__, path="/tensions", name=N_("Tensions"),
                   title=lambda **_kw: _("Tensions within rights: Digital Rights Dashboard"), order=2.5)


def _year(params: dict, ctx) -> int:
    """The year asked for, else the latest year the view can draw (not the latest scored year: the
    restriction axis ends before the scores do)."""
    if (params or {}).get("year") in (None, ""):
        return data.tensions_latest_year()
    return figures.param_year(params, ctx)


def parse(params: dict) -> tuple[dict, list[str]]:
    return ui.parse_view(params, (("year", _year, data.tensions_latest_year()),
                                  ("region", figures.param_region, "")))


def chart_params(view: dict) -> dict:
    return {"year": view["year"], "region": view["region"]}


def menu(view: dict):
    return ui.downloads("tensions", chart_params(view), {"year": view["year"], "region": view["region"]},
                        menu_id="tensions-download-menu", data="tensions")


def view_rows(view: dict) -> pd.DataFrame:
    frame = data.tensions_view(view["year"])
    return frame[frame["region"] == view["region"]] if view["region"] else frame


def summary(view: dict) -> html.P:
    rows = view_rows(view)
    placed, n = int(rows["placed"].sum()), len(rows)
    where = f" in {view['region']}" if view["region"] else ""
    text = (f"{placed} of {n} countries{where} are placed for {view['year']}: "
            f"{int(rows['harm'].notna().sum())} have a harm-pressure reading and "
            f"{int(rows['restriction'].notna().sum())} a restriction reading; a country needs both.")
    if placed == 0:
        text += (" No country is placed this year: the restriction indicators from V-Dem exist for 2021 only "
                 f"(carried forward up to three years), so only 2021-{data.tensions_latest_year()} can be drawn.")
    return html.P(text, id="tensions-summary", className="fw-semibold", **{"aria-live": "polite"})


def _fmt(value, spec: str = ".2f") -> str:
    return "-" if value is None or pd.isna(value) else format(value, spec)


def _stated(row) -> str:
    if pd.isna(row["shutdowns"]):
        return "none listed"
    return f"{int(row['shutdowns_harm'])} of {int(row['shutdowns'])}"


def _requests(row) -> str:
    if pd.isna(row["requests"]):
        return "not in the report"
    per = row["requests_harm_per_million"]
    return f"{int(row['requests_harm'])} of {int(row['requests'])}" + (f" ({per:.2f} per million users)"
                                                                        if pd.notna(per) else "")


def table(view: dict) -> html.Div:
    """The chart as a table: one row per placed country, every figure with its reading."""
    rows = view_rows(view)
    placed = rows[rows["placed"]].sort_values("name")
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in (
        "Country", "Harm pressure (DSP v8)", "Restriction in practice (1-6)", "Content-regulation law (v2smregcon)",
        "Court-ordered share of removal requests (Google)", "Shutdowns justified by a stated harm (Access Now)",
        "Removal requests citing hate speech, violence or national security (Google)")]))
    body = []
    for _i, r in placed.iterrows():
        name = [dcc.Link(r["name"], href=f"/country/{r['iso3']}?year={view['year']}"),
                html.Span(" (pilot)", className="drd-muted small") if r["pilot"] else ""]
        body.append(html.Tr([
            html.Th(name, scope="row"), html.Td(_fmt(r["harm"])),
            html.Td([_fmt(r["restriction"]), html.Span(f" · {int(r['restriction_n'])} of {int(r['restriction_of'])} "
                                                       "indicators", className="drd-muted small")]),
            html.Td(_fmt(r["law"]) + (f" ({int(r['law_year'])})" if pd.notna(r["law"]) else "")),
            html.Td(_fmt(r["court_share"], ".0%")), html.Td(_stated(r)), html.Td(_requests(r))]))
    caption = (f"Countries placed in {view['year']}{': ' + view['region'] if view['region'] else ''}, with the "
               "figures behind each point. Sources: Digital Society Project v8 (harm), the dashboard's V-Dem and "
               "Access Now indicators (restriction), V-Dem (law), Google Transparency Report, Access Now #KeepItOn.")
    return ui.table(caption, head, body, "Table of the countries placed", class_name="drd-table small mb-0",
                    id="tensions-table")


def not_placed(view: dict) -> html.Details:
    rows = view_rows(view)
    out = rows[~rows["placed"]].sort_values("name")
    items = []
    for _i, r in out.iterrows():
        missing = [what for what, ok in (("harm pressure", pd.notna(r["harm"])),
                                         ("restriction", pd.notna(r["restriction"]))) if not ok]
        extra = (f" (only {int(r['restriction_n'])} of {int(r['restriction_of'])} restriction indicators)"
                 if "restriction" in missing and pd.notna(r["restriction_n"]) else "")
        items.append(html.Li(f"{r['name']}: no {' and no '.join(missing)} reading{extra}"))
    return html.Details([html.Summary(f"Countries not placed ({len(out)}) and why"),
                         html.Ul(items, className="small mt-2") if items else html.P("None.", className="small")],
                        className="mb-3", id="tensions-not-placed")


def caveats() -> dbc.Alert:
    return ui.alert([
        html.Strong("Read with care. "),
        html.Ul([
            html.Li([html.Strong("Not part of the scores. "), "This view helps read the scores; it changes none."]),
            html.Li([html.Strong("Stated reasons are governments' own claims. "),
                     "Access Now records the justification authorities gave for a shutdown, and Google the reason a "
                     "requester gave for a removal; neither shows that the harm was real. Access Now's 'actual "
                     "cause' is its own reading of events."]),
            html.Li([html.Strong("Absence from a dataset is not evidence. "),
                     "A country without data on an axis is not placed, never put at zero. A country missing from "
                     "Google's report or from the shutdown list has no reading there, not a good one."]),
            html.Li([html.Strong("The denominator. "),
                     "Removal requests are compared per million internet users: ITU's share of the population "
                     "using the internet (the latest year within three years) times Natural Earth's population "
                     "estimate (a single year, mostly 2019). Both are approximate; small countries with few "
                     "users can show large rates from a handful of requests."]),
            html.Li([html.Strong("Counting. "),
                     "Google's counts are sums over its published rows (one request spanning several products or "
                     "reasons counts more than once; 2025 covers January to June only). Access Now lists a "
                     "shutdown still running again in each later year."]),
            html.Li([html.Strong("The dashed lines "), "mark the middle of each scale (0 on the DSP scale, 3.5 on "
                     "1-6), not a norm or a threshold."]),
        ], className="mb-0 small"),
    ], color="info")


def layout(year=None, region=None, **_other):
    view, problems = parse({"year": year, "region": region})
    return html.Div([
        html.H1("Tensions within rights: harm and restriction", className="h3"),
        html.P("Governments restrict online speech in the name of preventing harm: incitement to violence, hate "
               "speech, disinformation. This view sets measured harm in the information space against what "
               "governments do in practice, with the safeguards and the reasons they state beside it. It is "
               "kept out of the scores.", className="text-body-secondary"),
        *[ui.alert(f"The link asked for something unknown and was reset: {p}") for p in problems],
        html.Ul([html.Li(AXIS_TEXT[k], className="small") for k in ("harm", "restriction", "safeguards")],
                className="mb-2"),
        dbc.Row([
            ui.labelled("Year", dcc.Dropdown(id="tensions-year", options=ui.year_options(), value=view["year"],
                                             clearable=False, searchable=False), "tensions-year",
                        {"xs": 6, "sm": 4, "lg": 2}),
            ui.labelled("Region (or all regions)", dcc.Dropdown(id="tensions-region", options=ui.region_options(),
                                                                value=view["region"] or "all", clearable=False),
                        "tensions-region", {"xs": 12, "sm": 8, "lg": 4}),
        ], className="g-2 align-items-end"),
        html.Div(summary(view), id="tensions-summary-box"),
        html.Div(menu(view), id="tensions-downloads", className="mb-2"),
        dcc.Loading(ui.graph("tensions-graph", figures.figure_dict("tensions", chart_params(view)),
                             "Scatter chart of countries by harm pressure and restriction in practice; the table "
                             "below lists the same figures"), delay_show=400, type="dot"),
        caveats(),
        ui.section("The same figures as a table",
                   html.Details([html.Summary("Show the table of the countries placed", id="tensions-table-toggle"),
                                 html.Div(table(view), id="tensions-table-box", className="mt-2")]),
                   id="tensions-table-section"),
        html.Div(not_placed(view), id="tensions-not-placed-box"),
        ui.section("Coverage by year", coverage_table(),
                   html.P(["Each point comes from the rows served at ",
                           html.Code(f"/api/v1/tensions?year={view['year']}"), " and in the downloads; ",
                           dcc.Link("how the view is made", href="/methodology#tensions-view"), "."],
                          className="small text-body-secondary")),
        dcc.Store(id="tensions-url-sync"),
    ])


@callback(Output("tensions-graph", "figure"), Output("tensions-downloads", "children"),
          Output("tensions-summary-box", "children"), Output("tensions-table-box", "children"),
          Output("tensions-not-placed-box", "children"),
          Input("tensions-year", "value"), Input("tensions-region", "value"), prevent_initial_call=True)
def update(year, region):
    view, _unused = parse({"year": year, "region": region})
    return (figures.figure_dict("tensions", chart_params(view)), menu(view), summary(view), table(view),
            not_placed(view))


ui.url_sync("tensions-url-sync", "/tensions", [("tensions-year", "year", None), ("tensions-region", "region", "all")])
