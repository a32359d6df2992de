"""`/`: the world map of the overall score or a pillar, for a year, by actor, optionally one region.

URL: `/?year=2021&node=privacy&actor=state&region=South%20Asia&pilots=0` reproduces the view. Clicking a
country (or choosing it in the list, for keyboard users) opens its profile.
"""

from __future__ import annotations

import json

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import figures, i18n
from dashboard.callback_input import reject, rejects_bad_values, scalar
from dashboard.components import ui
from dashboard.i18n import N_, _
from indicators.drilldown import NO_EVIDENCE

dash.register_page(__name__, path="/", name=N_("Map"),
                   title=lambda **_kw: _("Digital Rights Dashboard: world map"), order=0)



def node_options(ctx) -> list[dict]:
    return [{"label": _("Overall"), "value": "overall"}] + [{"label": n, "value": c} for c, n in ctx.pillars.items()]


def parse(params: dict) -> tuple[dict, list[str]]:
    """Valid view parameters from the URL, falling back to defaults; plus messages for bad ones."""
    view, problems = ui.parse_view(params, (("year", figures.param_year, max(figures.context().years)),
                                            ("node", figures.param_node, "overall"),
                                            ("actor", figures.param_actor, "all"),
                                            ("region", figures.param_region, ""),
                                            ("pilots", figures.param_pilots, True)))
    if view["actor"] == "structural":
        view["actor"] = "all"
        problems.append(_("actor: the map shows all, state or corporate actors"))
    return view, problems


def chart_params(view: dict) -> dict:
    return {"year": view["year"], "node": view["node"], "actor": view["actor"], "region": view["region"],
            **({} if view.get("pilots", True) else {"pilots": "0"})}


def data_params(view: dict) -> dict:
    return {"year": view["year"], "region": view["region"], "level": "pillar"}


def menu(view: dict):
    return ui.downloads("map", chart_params(view), data_params(view), gis=True, menu_id="map-download-menu")


def screen_map(view: dict) -> dict:
    """The map chart as exported, minus its fixed height: on screen the container's CSS height rules
    (shorter on phones, where a world map is wide and flat). Cached per view."""
    return figures.figure_dict("map", chart_params(view), fixed_height=False)


def summary(view: dict) -> str:
    """One sentence under the map: how many countries are scored and how many have no data."""
    ctx = figures.context()
    table = figures.map_table(ctx, view["year"], figures.node_code(view["node"], view["actor"], ctx), view["region"])
    scored = int(table["score"].notna().sum())
    no_evidence = int((table["label"] == NO_EVIDENCE).sum())
    counts = {"scored": scored, "total": len(table), "grey": len(table) - scored, "no_evidence": no_evidence,
              "no_data": len(table) - scored - no_evidence, "share": i18n.percent(ctx.min_coverage),
              "region": i18n.region_name(view["region"])}
    head = (_("%(scored)s of %(total)s countries in %(region)s have a score;", **counts) if view["region"]
            else _("%(scored)s of %(total)s countries have a score;", **counts))
    grey = (_("%(grey)s are shown in grey: %(no_evidence)s with “no corporate evidence” (nothing records what "
              "companies did there: silence is never scored), %(no_data)s with “no data” (less than %(share)s of "
              "the measured indicators available), never as a low score.", **counts) if no_evidence
            else _("%(grey)s are shown in grey: “no data” (less than %(share)s of the measured indicators "
                   "available), never as a low score.", **counts))
    dots = (_("Small states are drawn as dots; pilot countries have a black outline.") if view["pilots"]
            else _("Small states are drawn as dots."))
    return f"{head} {grey} {dots}"


def layout(year=None, node=None, actor=None, region=None, pilots=None, **_other):
    ctx = figures.context()
    view, problems = parse({"year": year, "node": node, "actor": actor, "region": region, "pilots": pilots})
    fig = screen_map(view)
    return html.Div([
        html.H1(_("Digital rights around the world"), className="h3"),
        html.P([_("How well rights are respected online in each country, on a 1–6 scale (6 = fully respected, "
                  "1 = severe violations)."),
                html.Span(" " + _("Choose a score, a year and who is responsible: the state or companies."),
                          className="d-none d-sm-inline")], className="text-body-secondary drd-intro"),
        *ui.reset_alerts(problems),
        dbc.Row([
            ui.labelled(_("Score"), dcc.Dropdown(id="map-node", options=node_options(ctx), value=view["node"],
                                              clearable=False, searchable=False), "map-node",
                        {"xs": 6, "sm": 6, "lg": 3}),
            ui.labelled(_("Year"), dcc.Dropdown(id="map-year", options=ui.year_options(), value=view["year"],
                                             clearable=False, searchable=False), "map-year",
                        {"xs": 6, "sm": 3, "lg": 2}),
            ui.actor_radio("map-actor", view["actor"], {"xs": 12, "sm": 6, "lg": 4}),
            ui.labelled(_("Region"), dcc.Dropdown(id="map-region", options=ui.region_options(),
                                               value=view["region"] or "all", clearable=False), "map-region",
                        {"xs": 6, "sm": 6, "lg": 3}),
            ui.labelled(_("Open a country profile"),
                        dcc.Dropdown(id="map-country", options=ui.country_options(),
                                     placeholder=_("Type a country name…")),
                        "map-country", {"xs": 6, "sm": 6, "lg": 4}),
            dbc.Col(dbc.Checklist(id="map-pilots", options=[{"label": _("Outline pilot countries"), "value": "1"}],
                                  value=["1"] if view["pilots"] else [], switch=True,
                                  input_class_name="me-1", className="small"),
                    xs=8, sm=6, lg=4, className="mb-2 d-flex align-items-end"),
            dbc.Col(html.Div(menu(view), id="map-downloads"), xs=4, sm=6, lg=4,
                    className="mb-2 d-flex align-items-end justify-content-end"),
        ], className="g-2 align-items-end drd-controls"),
        ui.progress("map-progress", _("Redrawing the map…"), "map-view"),
        html.Div(ui.graph("map-graph", fig, _("World map of digital rights scores; the table below lists "
                                              "the same values"), class_name="drd-map", clear_on_unhover=True,
                          zoom=True), id="map-view", className="drd-view"),
        html.P(summary(view), id="map-summary", className="small text-body-secondary"),
        html.Button(_("Show the scores as a table"), id="map-table-toggle", className="btn btn-link px-0",
                    n_clicks=0, **{"aria-expanded": "false", "aria-controls": "map-table-collapse"}),
        dbc.Collapse([
            dbc.Row(ui.labelled(_("Only countries whose score rests on"), dcc.Dropdown(
                id="map-min-coverage", options=coverage_choices(), value=0, clearable=False, searchable=False),
                "map-min-coverage", {"xs": 12, "sm": 6, "lg": 3})),
            html.Div(id="map-table")], id="map-table-collapse", is_open=False),
        dcc.Location(id="map-nav", refresh="callback-nav"),
        dcc.Store(id="map-url-sync"),
    ])


def pilots_value(value) -> str:
    """The pilot switch's value (a list) as the URL's `pilots` parameter."""
    return "1" if isinstance(value, list) and "1" in value else "0"  # anything else (a tampered payload): off


@callback(Output("map-graph", "figure"), Output("map-downloads", "children"), Output("map-summary", "children"),
          Input("map-year", "value"), Input("map-node", "value"), Input("map-actor", "value"),
          Input("map-region", "value"), Input("map-pilots", "value"), prevent_initial_call=True,
          running=ui.busy("map-progress"))
def update_map(year, node, actor, region, pilots):
    view, _unused = parse({"year": year, "node": node, "actor": actor, "region": region,
                           "pilots": pilots_value(pilots)})
    return screen_map(view), menu(view), summary(view)


COVERAGE_FLOORS = (0, 0.67, 0.75, 0.9)


def coverage_choices() -> list[dict]:
    return [{"label": _("Any coverage") if floor == 0 else _("At least %(share)s", share=i18n.percent(floor)),
             "value": floor} for floor in COVERAGE_FLOORS]


def table_rows(view: dict, min_coverage: float = 0.0) -> list[dict]:
    """The world table's rows: every country of the view with its score, band, coverage and the number
    of indicators behind the score; `min_coverage` drops countries whose score rests on less."""
    ctx = figures.context()
    code = figures.node_code(view["node"], view["actor"], ctx)
    table = figures.map_table(ctx, view["year"], code, view["region"]).sort_values(
        ["score", "coverage", "name"], ascending=[False, False, True], na_position="last")
    rows = []
    for iso3, name, region, score, label, cov in table[["iso3", "name", "region", "score", "label",
                                                        "coverage"]].itertuples(index=False):
        if cov < min_coverage:
            continue
        href = i18n.with_lang(f"/country/{iso3}?year={view['year']}", i18n.url_language())
        rows.append({"iso3": iso3, "country": f"[{name}]({href})", "name": name,
                     "region": i18n.region_name(region), "score": None if pd.isna(score) else round(float(score), 2),
                     "band": _(label) if label else _("No data"),
                     "coverage": round(float(cov) * 100), "low_coverage": bool(cov < 0.67)})
    return rows


def score_table(view: dict, min_coverage: float = 0.0):
    """The world table (dash-ag-grid): sortable and filterable by every column, coverage included,
    so a high score resting on half the indicators (microstates) is seen for what it is."""
    ctx = figures.context()
    code = figures.node_code(view["node"], view["actor"], ctx)
    cols = [
        {"field": "country", "headerName": _("Country"), "cellRenderer": "markdown", "pinned": "left",
         "minWidth": 110, "flex": 1.5, "filter": "agTextColumnFilter",
         "filterValueGetter": {"function": "params.data.name"},
         "comparator": {"function": "(a, b, na, nb) => na.data.name.localeCompare(nb.data.name)"}},
        {"field": "score", "headerName": ctx.node_name(code), "type": "numericColumn", "minWidth": 85, "flex": 1,
         "filter": "agNumberColumnFilter", "sort": "desc",
         "valueFormatter": {"function": "params.value == null ? " + json.dumps(_("no data")) + " : "
                                          "params.value.toLocaleString("
                                          + json.dumps(i18n.current() + "-u-nu-latn") + ", "
                                          "{minimumFractionDigits: 2, maximumFractionDigits: 2})"}},
        {"field": "coverage", "headerName": _("Coverage %"), "type": "numericColumn", "minWidth": 120, "flex": 1,
         "filter": "agNumberColumnFilter",
         "headerTooltip": _("Share of the indicators measured this year that have data for the country"),
         "cellClassRules": {"drd-low-coverage": "params.data.low_coverage"},
         "valueFormatter": {"function": "params.value + ' %' + (params.data.low_coverage ? "
                                        + json.dumps(" " + _("(low)")) + " : '')"}},
        {"field": "band", "headerName": _("Band"), "minWidth": 150, "flex": 2, "filter": "agTextColumnFilter"},
        {"field": "region", "headerName": _("Region"), "minWidth": 150, "flex": 2, "filter": "agTextColumnFilter"},
    ]
    return html.Div([
        html.P((_("%(score)s score, %(year)s: %(region)s.", score=ctx.node_name(code), year=view["year"],
                  region=i18n.region_name(view["region"])) if view["region"]
                else _("%(score)s score, %(year)s.", score=ctx.node_name(code), year=view["year"]))
               + " " + _("Sort or filter by any column (its menu), coverage included: a score resting on less than "
                         "two thirds of the indicators is marked (low)."), className="small mb-1",
               id="map-table-caption"),
        dag.AgGrid(id="map-grid", rowData=table_rows(view, min_coverage), columnDefs=cols,
                   defaultColDef={"sortable": True, "resizable": True, "filter": True,
                                  "suppressHeaderMenuButton": False},
                   dashGridOptions=ui.grid_options({"domLayout": "normal", "animateRows": False,
                                                    "tooltipShowDelay": 300, "ensureDomOrder": True,
                                                    "getRowId": None}),
                   getRowId="params.data.iso3", className="ag-theme-quartz drd-grid",
                   style={"height": "420px", "width": "100%"},
                   csvExportParams={"fileName": f"scores-{view['year']}.csv"}),
    ])


@callback(Output("map-table-collapse", "is_open"), Output("map-table", "children"),
          Output("map-table-toggle", "children"), Output("map-table-toggle", "aria-expanded"),
          Input("map-table-toggle", "n_clicks"), Input("map-year", "value"), Input("map-node", "value"),
          Input("map-actor", "value"), Input("map-region", "value"), Input("map-min-coverage", "value"),
          State("map-table-collapse", "is_open"), prevent_initial_call=True)
def toggle_table(n_clicks, year, node, actor, region, min_coverage, is_open):
    opening = (not is_open) if dash.ctx.triggered_id == "map-table-toggle" else is_open
    if not opening:
        return False, [], _("Show the scores as a table"), "false"
    view, _unused = parse({"year": year, "node": node, "actor": actor, "region": region})
    floor = min_coverage if min_coverage in COVERAGE_FLOORS else 0
    return True, score_table(view, floor), _("Hide the table"), "true"


@callback(Output("map-nav", "href"), Input("map-graph", "clickData"), Input("map-country", "value"),
          State("map-year", "value"), prevent_initial_call=True)
@rejects_bad_values
def open_country(click, picked, year):
    scalar(picked, "country", (str,), 3)
    scalar(year, "year")
    if dash.ctx.triggered_id == "map-country":
        iso3 = picked
    else:
        if click is not None and not isinstance(click, dict):
            reject("clickData must be an object")
        points = (click or {}).get("points") or []
        if not isinstance(points, list) or (points and not isinstance(points[0], dict)):
            reject("clickData.points must be a list of objects")
        iso3 = points[0].get("customdata") or points[0].get("location") if points else None
    if isinstance(iso3, list):
        iso3 = iso3[0] if iso3 else None
    if not iso3:
        return no_update
    ctx = figures.context()
    iso3 = figures.param_country({"country": scalar(iso3, "country", (str,), 3)}, ctx)
    return f"/country/{iso3}?year={figures.param_year({'year': year}, ctx)}"


ui.url_sync("map-url-sync", "/", [("map-year", "year", None), ("map-node", "node", "overall"),
                                   ("map-actor", "actor", "all"), ("map-region", "region", "all"),
                                   ("map-pilots", "pilots", "1", "0")])
