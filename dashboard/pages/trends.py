"""`/trends?node=privacy&actor=state&region=South%20Asia`: regional and global means over the years.

The measured share (how much of the methodology any source measured that year) is drawn under the
lines and tabulated, so readers see when the basket of indicators changes.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import data, figures
from dashboard.components import ui

dash.register_page(__name__, path="/trends", name="Trends", title="Trends: Digital Rights Dashboard", order=2)



def parse(params: dict) -> tuple[dict, list[str]]:
    view, problems = ui.parse_view(params, (("node", figures.param_node, "overall"),
                                            ("actor", figures.param_actor, "all"),
                                            ("region", figures.param_region, "")))
    if view["actor"] == "structural":
        view["actor"] = "all"
    return view, problems


def chart_params(view: dict) -> dict:
    return {"node": view["node"], "actor": view["actor"], "region": view["region"]}


def menu(view: dict):
    return ui.downloads("region_trends", chart_params(view),
                        {"year": "all", "region": view["region"], "level": "pillar"}, menu_id="trends-download-menu")


def measured_table() -> html.Div:
    """Measured share per year for the overall score and each pillar (identical for every country)."""
    ctx = figures.context()
    frame = data.nodes()
    codes = ["overall", *ctx.pillars]
    part = frame[frame["node"].isin(codes)].groupby(["node", "year"])["measured_share"].first().unstack("year")
    years = sorted(part.columns)
    head = html.Thead(html.Tr([html.Th("Measured share", scope="col")] + [html.Th(str(y), scope="col")
                                                                         for y in years]))
    rows = [html.Tr([html.Th(ctx.node_name(c), scope="row")] + [html.Td(ui.pct(part.at[c, y])) for y in years])
            for c in codes]
    return html.Div(dbc.Table([html.Caption("Share of each score's methodology measured by some source, by year"),
                               head, html.Tbody(rows)], size="sm", striped=True, className="drd-table"),
                    className="table-responsive")


def source_years() -> html.Ul:
    """Per source, the span of years it has observations for (read from the data, not written here)."""
    ds = data.dataset()
    spans = ds.observations.groupby("source_id")["year"].agg(["min", "max"])
    items = []
    for sid, row in spans.iterrows():
        name = (f"{ds.sources.at[sid, 'publisher']}, {ds.sources.at[sid, 'dataset']}" if sid in ds.sources.index
                else sid)
        span = f"{row['min']}" + (" only" if row["min"] == row["max"] else f"–{row['max']}")
        items.append(html.Li(f"{name}: {span}"))
    return html.Ul(items, className="small mb-0 mt-1")


def layout(node=None, actor=None, region=None, **_other):
    ctx = figures.context()
    view, problems = parse({"node": node, "actor": actor, "region": region})
    nodes = [{"label": "Overall", "value": "overall"}] + [{"label": n, "value": c} for c, n in ctx.pillars.items()]
    return html.Div([
        html.H1("Trends over time", className="h3"),
        html.P("Mean scores of the countries scored in each region and in the world, year by year.",
               className="text-body-secondary"),
        *[ui.alert(f"The link asked for something unknown and was reset: {p}") for p in problems],
        dbc.Row([
            ui.labelled("Score", dcc.Dropdown(id="trends-node", options=nodes, value=view["node"], clearable=False,
                                              searchable=False), "trends-node"),
            ui.actor_radio("trends-actor", view["actor"], {"xs": 12, "sm": 6, "lg": 4}),
            ui.labelled("Region (or all regions)", dcc.Dropdown(id="trends-region", options=ui.region_options(),
                                                                value=view["region"] or "all", clearable=False),
                        "trends-region", {"xs": 12, "sm": 6, "lg": 4}),
        ], className="g-2 align-items-end"),
        html.Div(menu(view), id="trends-downloads", className="mb-2"),
        dcc.Loading(ui.graph("trends-graph", figures.figure_dict("region_trends", chart_params(view)),
                             "Line chart of mean scores by region over the years"), delay_show=400, type="dot"),
        ui.alert([html.Strong("Read trends with the measured share. "),
                  "The grey bars under the chart show how much of the methodology any source measured each year. "
                  f"Observations are carried forward up to {data.dataset().methodology.parameters.window_years} "
                  "years. A jump where the measured share changes may come from the basket of indicators, not "
                  "from a change on the ground. Each year's mean covers the countries scored that year. "
                  "Years each source has observations for:", source_years()], color="info"),
        measured_table(),
        dcc.Store(id="trends-url-sync"),
    ])


@callback(Output("trends-graph", "figure"), Output("trends-downloads", "children"),
          Input("trends-node", "value"), Input("trends-actor", "value"), Input("trends-region", "value"),
          prevent_initial_call=True)
def update(node, actor, region):
    view, _ = parse({"node": node, "actor": actor, "region": region})
    return figures.figure_dict("region_trends", chart_params(view)), menu(view)


ui.url_sync("trends-url-sync", "/trends", [("trends-node", "node", "overall"), ("trends-actor", "actor", "all"),
                                           ("trends-region", "region", "all")])
