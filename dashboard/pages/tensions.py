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

from dashboard import data, figures, i18n
from dashboard.components import ui
from dashboard.components.tensions import axis_text, coverage_table
from dashboard.i18n import N_, _, ngettext

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
    harm, restriction = int(rows["harm"].notna().sum()), int(rows["restriction"].notna().sum())
    if view["region"]:
        text = ngettext("%(placed)s of %(num)s country in %(region)s is placed for %(year)s",
                        "%(placed)s of %(num)s countries in %(region)s are placed for %(year)s", n,
                        placed=placed, region=i18n.region_name(view["region"]), year=view["year"])
    else:
        text = ngettext("%(placed)s of %(num)s country is placed for %(year)s",
                        "%(placed)s of %(num)s countries are placed for %(year)s", n, placed=placed,
                        year=view["year"])
    text += ". " + _("With a harm-pressure reading: %(harm)s; with a restriction reading: %(restriction)s (a "
                     "country needs both).", harm=harm, restriction=restriction)
    if placed == 0:
        text += " " + _("No country is placed this year: the restriction indicators from V-Dem exist for 2021 "
                        "only (carried forward up to three years), so only %(first)s-%(last)s can be drawn.",
                        first=2021, last=data.tensions_latest_year())
    return html.P(text, id="tensions-summary", className="fw-semibold", **{"aria-live": "polite"})


def _fmt(value, digits: int = 2) -> str:
    return "-" if value is None or pd.isna(value) else i18n.number(value, digits)


def _share(value) -> str:
    return "-" if value is None or pd.isna(value) else i18n.percent(value)


def _stated(row) -> str:
    if pd.isna(row["shutdowns"]):
        return _("none listed")
    return _("%(part)s of %(whole)s", part=int(row["shutdowns_harm"]), whole=int(row["shutdowns"]))


def _requests(row) -> str:
    if pd.isna(row["requests"]):
        return _("not in the report")
    per = row["requests_harm_per_million"]
    text = _("%(part)s of %(whole)s", part=int(row["requests_harm"]), whole=int(row["requests"]))
    return text + (" " + _("(%(rate)s per million users)", rate=i18n.number(per)) if pd.notna(per) else "")


def _named(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows with `name` in the language (CLDR), sorted by it."""
    named = rows.assign(name=[i18n.country_name(iso3, name) for iso3, name in zip(rows["iso3"], rows["name"])])
    return named.sort_values("name")


def table(view: dict) -> html.Div:
    """The chart as a table: one row per placed country, every figure with its reading."""
    rows = view_rows(view)
    placed = _named(rows[rows["placed"]])
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in (
        _("Country"), _("Harm pressure (DSP v8)"), _("Restriction in practice (1-6)"),
        _("Content-regulation law (v2smregcon)"), _("Court-ordered share of removal requests (Google)"),
        _("Shutdowns justified by a stated harm (Access Now)"),
        _("Removal requests citing hate speech, violence or national security (Google)"))]))
    body = []
    for _i, r in placed.iterrows():
        name = [dcc.Link(r["name"], href=f"/country/{r['iso3']}?year={view['year']}"),
                html.Span(" " + _("(pilot)"), className="drd-muted small") if r["pilot"] else ""]
        used = _("%(part)s of %(whole)s indicators", part=int(r["restriction_n"]), whole=int(r["restriction_of"]))
        body.append(html.Tr([
            html.Th(name, scope="row"), html.Td(_fmt(r["harm"])),
            html.Td([_fmt(r["restriction"]), html.Span(" · " + used, className="drd-muted small")]),
            html.Td(_fmt(r["law"]) + (f" ({int(r['law_year'])})" if pd.notna(r["law"]) else "")),
            html.Td(_share(r["court_share"])), html.Td(_stated(r)), html.Td(_requests(r))]))
    where = (_("Countries placed in %(year)s: %(region)s, with the figures behind each point.", year=view["year"],
               region=i18n.region_name(view["region"])) if view["region"] else
             _("Countries placed in %(year)s, with the figures behind each point.", year=view["year"]))
    caption = where + " " + _("Sources: Digital Society Project v8 (harm), the dashboard's V-Dem and Access Now "
                              "indicators (restriction), V-Dem (law), Google Transparency Report, Access Now "
                              "#KeepItOn.")
    return ui.table(caption, head, body, _("Table of the countries placed"), class_name="drd-table small mb-0",
                    id="tensions-table")


def _why(r) -> str:
    """Why a country is not placed: the axis (or axes) it has no reading on."""
    harm, restriction = pd.isna(r["harm"]), pd.isna(r["restriction"])
    text = (_("no harm-pressure and no restriction reading") if harm and restriction else
            _("no harm-pressure reading") if harm else _("no restriction reading"))
    if restriction and pd.notna(r["restriction_n"]):
        text += " " + _("(only %(part)s of %(whole)s restriction indicators)", part=int(r["restriction_n"]),
                        whole=int(r["restriction_of"]))
    return text


def not_placed(view: dict) -> html.Details:
    rows = view_rows(view)
    out = _named(rows[~rows["placed"]])
    items = [html.Li(_("%(country)s: %(why)s", country=r["name"], why=_why(r))) for _i, r in out.iterrows()]
    return html.Details([html.Summary(_("Countries not placed (%(num)s) and why", num=len(out))),
                         html.Ul(items, className="small mt-2") if items else html.P(_("None."), className="small")],
                        className="mb-3", id="tensions-not-placed")


def caveats() -> dbc.Alert:
    return ui.alert([
        html.Strong(_("Read with care.") + " "),
        html.Ul([
            ui.point(_("Not part of the scores."),
                     _("This view helps read the scores; it changes none.")),
            ui.point(_("Stated reasons are governments' own claims."),
                     _("Access Now records the justification authorities gave for a shutdown, and Google the reason "
                       "a requester gave for a removal; neither shows that the harm was real. Access Now's 'actual "
                       "cause' is its own reading of events.")),
            ui.point(_("Absence from a dataset is not evidence."),
                     _("A country without data on an axis is not placed, never put at zero. A country missing from "
                       "Google's report or from the shutdown list has no reading there, not a good one.")),
            ui.point(_("The denominator."),
                     _("Removal requests are compared per million internet users: ITU's share of the population "
                       "using the internet (the latest year within three years) times Natural Earth's population "
                       "estimate (a single year, mostly 2019). Both are approximate; small countries with few "
                       "users can show large rates from a handful of requests.")),
            ui.point(_("Counting."),
                     _("Google's counts are sums over its published rows (one request spanning several products "
                       "or reasons counts more than once; 2025 covers January to June only). Access Now lists a "
                       "shutdown still running again in each later year.")),
            ui.point(_("The dashed lines"),
                     _("mark the middle of each scale (%(harm)s on the DSP scale, %(restriction)s on 1-6), not a "
                       "norm or a threshold.", harm=i18n.number(0, 0), restriction=i18n.number(3.5, 1))),
        ], className="mb-0 small"),
    ], color="info")


def layout(year=None, region=None, **_other):
    view, problems = parse({"year": year, "region": region})
    return html.Div([
        html.H1(_("Tensions within rights: harm and restriction"), className="h3"),
        html.P(_("Governments restrict online speech in the name of preventing harm: incitement to violence, hate "
                 "speech, disinformation. This view sets measured harm in the information space against what "
                 "governments do in practice, with the safeguards and the reasons they state beside it. It is "
                 "kept out of the scores."), className="text-body-secondary"),
        *ui.reset_alerts(problems),
        html.Ul([html.Li(axis_text(k), className="small") for k in ("harm", "restriction", "safeguards")],
                className="mb-2"),
        dbc.Row([
            ui.labelled(_("Year"), dcc.Dropdown(id="tensions-year", options=ui.year_options(), value=view["year"],
                                                clearable=False, searchable=False), "tensions-year",
                        {"xs": 6, "sm": 4, "lg": 2}),
            ui.labelled(_("Region (or all regions)"), dcc.Dropdown(id="tensions-region", options=ui.region_options(),
                                                                   value=view["region"] or "all", clearable=False),
                        "tensions-region", {"xs": 12, "sm": 8, "lg": 4}),
        ], className="g-2 align-items-end"),
        html.Div(summary(view), id="tensions-summary-box"),
        html.Div(menu(view), id="tensions-downloads", className="mb-2"),
        dcc.Loading(ui.graph("tensions-graph", figures.figure_dict("tensions", chart_params(view)),
                             _("Scatter chart of countries by harm pressure and restriction in practice; the table "
                               "below lists the same figures")), delay_show=400, type="dot"),
        caveats(),
        ui.section(_("The same figures as a table"),
                   html.Details([html.Summary(_("Show the table of the countries placed"), id="tensions-table-toggle"),
                                 html.Div(table(view), id="tensions-table-box", className="mt-2")]),
                   id="tensions-table-section"),
        html.Div(not_placed(view), id="tensions-not-placed-box"),
        ui.section(_("Coverage by year"), coverage_table(),
                   html.P([_("Each point comes from the rows served at") + " ",
                           html.Code(f"/api/v1/tensions?year={view['year']}"), " " + _("and in the downloads;") + " ",
                           dcc.Link(_("how the view is made"), href="/methodology#tensions-view"), "."],
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
