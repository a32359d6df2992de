"""`/compare?countries=COL,IDN&year=2021&actor=all`: several countries side by side, per pillar and actor."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import figures
from dashboard.callback_input import reject, scalar
from dashboard.components import ui

dash.register_page(__name__, path="/compare", name="Compare", title="Compare countries: Digital Rights Dashboard",
                   order=1)



def default_countries(ctx) -> list[str]:
    return [c for c in ctx.countries.index[ctx.countries["pilot"]]] or list(ctx.countries.index[:3])


def parse(params: dict) -> tuple[dict, list[str]]:
    ctx = figures.context()
    view, problems = ui.parse_view(params, (("year", figures.param_year, max(ctx.years)),
                                            ("actor", figures.param_actor, "all")))
    if figures._get(params, "countries"):
        chosen, more = ui.parse_view(params, (("countries", figures.param_countries, default_countries(ctx)),))
        view, problems = view | chosen, problems + more
    else:  # no parameter: the pilots; an empty one (the user cleared the box): nothing
        view["countries"] = default_countries(ctx) if params.get("countries") is None else []
    if view["actor"] == "structural":
        view["actor"] = "all"
    return view, problems


def chart(view: dict):
    if not view["countries"]:
        ctx = figures.context()
        return figures.message_figure(f"Countries compared, {view['year']}", "Choose one or more countries above.",
                                      figures.source_line(ctx.publishers["overall"], view["year"], ctx.version))
    return figures.figure_dict("compare", {"countries": ",".join(view["countries"]), "year": view["year"],
                                           "actor": view["actor"]})


def menu(view: dict):
    codes = ",".join(view["countries"])
    return ui.downloads("compare" if codes else None,
                        {"countries": codes, "year": view["year"], "actor": view["actor"]},
                        {"year": view["year"], "country": codes, "level": "pillar"}, menu_id="compare-download-menu")


def table(view: dict) -> html.Div:
    """Every node (overall, pillars, actors, pillar x actor) for every chosen country: score, band, coverage."""
    ctx = figures.context()
    if not view["countries"]:
        return html.Div()
    codes = ["overall", *ctx.pillars]
    codes += [a for a in ctx.actors if a in ctx.nodes]
    codes += [f"{p}.{a}" for p in ctx.pillars for a in ctx.actors if f"{p}.{a}" in ctx.nodes]
    head = html.Thead(html.Tr([html.Th("Score", scope="col")] + [
        html.Th(dcc.Link(ctx.countries.at[c, "name"], href=f"/country/{c}?year={view['year']}"), scope="col")
        for c in view["countries"]]))
    rows = []
    for code in codes:
        sl = ctx.slice(view["year"], code)
        cells = []
        for c in view["countries"]:
            r = sl.loc[c]
            cells.append(html.Td([ui.score_text(r["score"]), html.Br(),
                                  html.Span(f"{ctx.label(code, r['band'])} · cov. {ui.pct(r['coverage'])}",
                                            className="small drd-muted")]))
        label = ctx.node_name(code)
        rows.append(html.Tr([html.Th(html.Strong(label) if code in ctx.pillars or code == "overall" else label,
                                     scope="row")] + cells))
    return html.Div(dbc.Table([html.Caption(f"All scores by pillar and actor, {view['year']}"), head,
                               html.Tbody(rows)], size="sm", striped=True, className="drd-table"),
                    className="table-responsive")


def layout(countries=None, year=None, actor=None, **_other):
    view, problems = parse({"countries": countries, "year": year, "actor": actor})
    return html.Div([
        html.H1("Compare countries", className="h3"),
        html.P("Put up to eight countries side by side, for every pillar, for all actors or for the state or "
               "companies only. The table below the chart lists every score with its band and coverage. "
               "Error bars show each score's likely range over 1,000 rescorings with other reasonable choices: "
               "where two countries' ranges overlap, the gap between them is not meaningful.",
               className="text-body-secondary"),
        *[ui.alert(f"The link asked for something unknown and was reset: {p}") for p in problems],
        dbc.Row([
            ui.labelled("Countries", dcc.Dropdown(id="compare-countries", options=ui.country_options(),
                                                  value=view["countries"], multi=True,
                                                  placeholder="Type country names…"), "compare-countries",
                        {"xs": 12, "lg": 6}),
            ui.labelled("Year", dcc.Dropdown(id="compare-year", options=ui.year_options(), value=view["year"],
                                             clearable=False, searchable=False), "compare-year",
                        {"xs": 6, "sm": 4, "lg": 2}),
            ui.actor_radio("compare-actor", view["actor"], {"xs": 12, "sm": 8, "lg": 4}),
        ], className="g-2 align-items-end"),
        html.Div(menu(view), id="compare-downloads", className="mb-2"),
        dcc.Loading(ui.graph("compare-graph", chart(view), "Bar chart comparing the chosen countries per pillar"),
                    delay_show=400, type="dot"),
        html.Div(table(view), id="compare-table"),
        dcc.Store(id="compare-url-sync"),
    ])


@callback(Output("compare-graph", "figure"), Output("compare-downloads", "children"),
          Output("compare-table", "children"),
          Input("compare-countries", "value"), Input("compare-year", "value"), Input("compare-actor", "value"),
          prevent_initial_call=True)
def update(countries, year, actor):
    if countries is not None and (not isinstance(countries, list) or len(countries) > 50):
        reject("countries must be a list of at most 50 codes")
    if not all(isinstance(code, str) and len(code) <= 3 for code in countries or []):
        reject("countries must be ISO3 codes")
    scalar(year, "year")
    scalar(actor, "actor", (str,), 20)
    view, _ = parse({"countries": ",".join(countries or []), "year": year, "actor": actor})
    return chart(view), menu(view), table(view)


ui.url_sync("compare-url-sync", "/compare", [("compare-countries", "countries", None),
                                             ("compare-year", "year", None), ("compare-actor", "actor", "all")])
