"""`/compare?countries=COL,IDN&year=2021&actor=all`: several countries side by side, per pillar and actor."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import figures, i18n
from dashboard.callback_input import reject, scalar
from dashboard.components import ui
from dashboard.i18n import N_, _

dash.register_page(__name__, path="/compare", name=N_("Compare"),
                   title=lambda **_kw: _("Compare countries: Digital Rights Dashboard"),
                   order=1)



def default_countries(ctx) -> list[str]:
    return [c for c in ctx.countries.index[ctx.countries["pilot"]]] or list(ctx.countries.index[:3])


def views() -> list[dict]:
    return [{"label": _("One year, side by side"), "value": "year"},
            {"label": _("Over time, one score"), "value": "time"}]


def parse(params: dict) -> tuple[dict, list[str]]:
    ctx = figures.context()
    view, problems = ui.parse_view(params, (("year", figures.param_year, max(ctx.years)),
                                            ("actor", figures.param_actor, "all"),
                                            ("node", figures.param_node, "overall"),
                                            ("view", param_view, "year")))
    if figures._get(params, "countries"):
        chosen, more = ui.parse_view(params, (("countries", figures.param_countries, default_countries(ctx)),))
        view, problems = view | chosen, problems + more
    else:  # no parameter: the pilots; an empty one (the user cleared the box): nothing
        view["countries"] = default_countries(ctx) if params.get("countries") is None else []
    if view["actor"] == "structural":
        view["actor"] = "all"
    return view, problems


def param_view(params: dict, ctx=None) -> str:
    value = figures._get(params, "view").lower() or "year"
    if value not in ("year", "time"):
        raise ValueError(f"view: '{value}' is not 'year' (side by side) or 'time' (over time)")
    return value


def chart(view: dict):
    if not view["countries"]:
        ctx = figures.context()
        return figures.message_figure(_("Countries compared, %(year)s", year=view["year"]),
                                      _("Choose one or more countries above."),
                                      figures.source_line(ctx.publishers["overall"], view["year"], ctx.version))
    codes = ",".join(view["countries"])
    if view["view"] == "time":
        return figures.figure_dict("compare_trend", {"countries": codes, "node": view["node"],
                                                     "actor": view["actor"]})
    return figures.figure_dict("compare", {"countries": codes, "year": view["year"], "actor": view["actor"]})


def menu(view: dict):
    codes = ",".join(view["countries"])
    if view["view"] == "time":
        return ui.downloads("compare_trend" if codes else None,
                            {"countries": codes, "node": view["node"], "actor": view["actor"]},
                            {"year": "all", "country": codes, "level": "pillar"}, menu_id="compare-download-menu")
    return ui.downloads("compare" if codes else None,
                        {"countries": codes, "year": view["year"], "actor": view["actor"]},
                        {"year": view["year"], "country": codes, "level": "pillar"}, menu_id="compare-download-menu")


def time_table(view: dict) -> html.Div:
    """The over-time view's numbers: one row per year, one column per country, for the chosen score."""
    ctx = figures.context()
    code = figures.node_code(view["node"], view["actor"], ctx)
    head = html.Thead(html.Tr([html.Th(_("Year"), scope="col")] + [
        html.Th(dcc.Link(ctx.countries.at[c, "name"], href=f"/country/{c}?year={max(ctx.years)}"), scope="col")
        for c in view["countries"]]))
    rows = []
    for year in sorted(ctx.years, reverse=True):
        sl = ctx.slice(year, code)
        rows.append(html.Tr([html.Th(str(year), scope="row")] + [
            html.Td([ui.score_text(sl.at[c, "score"]), html.Br(),
                     html.Span(_("cov. %(share)s", share=ui.pct(sl.at[c, "coverage"])), className="small drd-muted")])
            for c in view["countries"]]))
    return ui.table(_("%(score)s score by year", score=ctx.node_name(code)), head, rows,
                    _("Scores table (scrolls sideways)"))


def table(view: dict) -> html.Div:
    """Every node (overall, pillars, actors, pillar x actor) for every chosen country: score, band, coverage."""
    ctx = figures.context()
    if not view["countries"]:
        return html.Div()
    if view.get("view") == "time":
        return time_table(view)
    codes = ["overall", *ctx.pillars]
    codes += [a for a in ctx.actors if a in ctx.nodes]
    codes += [f"{p}.{a}" for p in ctx.pillars for a in ctx.actors if f"{p}.{a}" in ctx.nodes]
    head = html.Thead(html.Tr([html.Th(_("Score"), scope="col")] + [
        html.Th(dcc.Link(ctx.countries.at[c, "name"], href=f"/country/{c}?year={view['year']}"), scope="col")
        for c in view["countries"]]))
    rows = []
    for code in codes:
        sl = ctx.slice(view["year"], code)
        cells = []
        for c in view["countries"]:
            r = sl.loc[c]
            cells.append(html.Td([ui.score_text(r["score"]), html.Br(),
                                  html.Span(i18n.label(ctx.label(code, r["band"])) + " · "
                                            + _("cov. %(share)s", share=ui.pct(r["coverage"])),
                                            className="small drd-muted")]))
        label = ctx.node_name(code)
        rows.append(html.Tr([html.Th(html.Strong(label) if code in ctx.pillars or code == "overall" else label,
                                     scope="row")] + cells))
    return ui.table(_("All scores by pillar and actor, %(year)s", year=view["year"]), head, rows,
                    _("Scores table (scrolls sideways)"))


def layout(countries=None, year=None, actor=None, node=None, view=None, **_other):
    ctx = figures.context()
    state, problems = parse({"countries": countries, "year": year, "actor": actor, "node": node, "view": view})
    over_time = state["view"] == "time"
    nodes = [{"label": _("Overall"), "value": "overall"}] + [{"label": n, "value": c} for c, n in ctx.pillars.items()]
    return html.Div([
        html.H1(_("Compare countries"), className="h3"),
        html.P(_("Put up to eight countries side by side, for every pillar, for all actors or for the state or "
                 "companies only, in one year or over time. The table below the chart lists every score with its "
                 "band and coverage. Error bars show each score's likely range over 1,000 rescorings with other "
                 "reasonable choices: where two countries' ranges overlap, the gap between them is not meaningful."),
               className="text-body-secondary"),
        *ui.reset_alerts(problems),
        dbc.Row([
            ui.labelled(_("Countries"), dcc.Dropdown(id="compare-countries", options=ui.country_options(),
                                                     value=state["countries"], multi=True,
                                                     placeholder=_("Type country names…")), "compare-countries",
                        {"xs": 12, "lg": 6}),
            dbc.Col([html.Div(_("View"), id="compare-view-label", className="small fw-semibold mb-1 form-label"),
                     html.Div(dbc.RadioItems(id="compare-view", options=views(), value=state["view"], inline=True,
                                             input_class_name="me-1", label_class_name="me-2"),
                              role="radiogroup", **{"aria-labelledby": "compare-view-label"})],
                    xs=12, lg=6, className="mb-2"),
            ui.labelled(_("Year"), dcc.Dropdown(id="compare-year", options=ui.year_options(), value=state["year"],
                                             clearable=False, searchable=False), "compare-year",
                        {"xs": 6, "sm": 4, "lg": 2}, hidden=over_time),
            ui.labelled(_("Score"), dcc.Dropdown(id="compare-node", options=nodes, value=state["node"],
                                              clearable=False, searchable=False), "compare-node",
                        {"xs": 6, "sm": 4, "lg": 2}, hidden=not over_time),
            ui.actor_radio("compare-actor", state["actor"], {"xs": 12, "sm": 8, "lg": 4}),
        ], className="g-2 align-items-end"),
        html.Div(menu(state), id="compare-downloads", className="mb-2"),
        ui.progress("compare-progress", _("Redrawing the comparison…"), "compare-view-body"),
        html.Div([ui.graph("compare-graph", chart(state), _("Chart comparing the chosen countries")),
                  html.Div(table(state), id="compare-table")], id="compare-view-body", className="drd-view"),
        dcc.Store(id="compare-url-sync"),
    ])


@callback(Output("compare-graph", "figure"), Output("compare-downloads", "children"),
          Output("compare-table", "children"), Output("compare-year-col", "className"),
          Output("compare-node-col", "className"),
          Input("compare-countries", "value"), Input("compare-year", "value"), Input("compare-actor", "value"),
          Input("compare-node", "value"), Input("compare-view", "value"),
          running=ui.busy("compare-progress"), prevent_initial_call=True)
def update(countries, year, actor, node="overall", view="year"):
    if countries is not None and (not isinstance(countries, list) or len(countries) > 50):
        reject("countries must be a list of at most 50 codes")
    if not all(isinstance(code, str) and len(code) <= 3 for code in countries or []):
        reject("countries must be ISO3 codes")
    scalar(year, "year")
    scalar(actor, "actor", (str,), 20)
    scalar(node, "node", (str,), 20)
    scalar(view, "view", (str,), 10)
    state, _unused = parse({"countries": ",".join(countries or []), "year": year, "actor": actor, "node": node,
                      "view": view})
    hide = ("mb-2 d-none", "mb-2") if state["view"] == "time" else ("mb-2", "mb-2 d-none")
    return chart(state), menu(state), table(state), *hide


ui.url_sync("compare-url-sync", "/compare", [("compare-countries", "countries", None),
                                             ("compare-year", "year", None), ("compare-actor", "actor", "all"),
                                             ("compare-view", "view", "year"), ("compare-node", "node", "overall")])
