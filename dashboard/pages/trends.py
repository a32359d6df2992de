"""`/trends?node=privacy&actor=state&region=South%20Asia`: regional and global means over the years.

The lines are like for like (indicators/trend.py): each region's mean starts at its first year's
published mean and then moves only by the mean year-to-year change, on the indicators measured in both
years, of the countries scored in both years. The published means are drawn beside them, and the change
table splits each published change into like-for-like, indicators added or dropped, and countries
entering or leaving. The measured share (how much of the methodology any source measured that year)
is drawn under the lines and tabulated.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import data, figures, i18n
from dashboard.components import ui
from dashboard.i18n import N_, _
from indicators.trend import group_change, signed

dash.register_page(__name__, path="/trends", name=N_("Trends"),
                   title=lambda **_kw: _("Trends: Digital Rights Dashboard"), order=2)



def _signed(value) -> str:
    """A change with its sign in the language's number style (indicators.trend.signed's rules)."""
    text = signed(value)
    return text if text in ("–", "") else text[0] + i18n.number(abs(float(text[1:])))


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
    head = html.Thead(html.Tr([html.Th(_("Measured share"), scope="col")] + [html.Th(str(y), scope="col")
                                                                            for y in years]))
    rows = [html.Tr([html.Th(ctx.node_name(c), scope="row")] + [html.Td(ui.pct(part.at[c, y])) for y in years])
            for c in codes]
    return ui.table(_("Share of each score's methodology measured by some source, by year"), head, rows,
                    _("Measured share by year (scrolls sideways)"))


def source_years() -> html.Ul:
    """Per source, the span of years it has observations for (read from the data, not written here)."""
    ds = data.dataset()
    spans = ds.observations.groupby("source_id")["year"].agg(["min", "max"])
    items = []
    for sid, row in spans.iterrows():
        name = (f"{ds.sources.at[sid, 'publisher']}, {ds.sources.at[sid, 'dataset']}" if sid in ds.sources.index
                else sid)
        span = _("%(year)s only", year=row["min"]) if row["min"] == row["max"] else f"{row['min']}–{row['max']}"
        items.append(html.Li(f"{name}: {span}"))
    return html.Ul(items, className="small mb-0 mt-1")


def change_section(view: dict) -> html.Div:
    """The change of each mean from the first to the last year, in words for the world (or the chosen
    region) and as a table: published = same indicators + indicators added or dropped + countries."""
    ctx = figures.context()
    try:
        code = figures.node_code(view["node"], view["actor"], ctx)
    except ValueError as exc:
        return html.P(str(exc).removeprefix("actor: ").capitalize() + ".")
    frame = data.group_trends(code)
    world = frame[(frame["group"] == figures.WORLD) & (frame["n"] > 0)]["year"]
    if len(world) < 2:
        return html.P(_("Fewer than two years have scores for this view: no change can be given."))
    y0, y1 = int(world.min()), int(world.max())
    change = group_change(frame, y0, y1).set_index("group")
    what = _("%(score)s score", score=ctx.pillars.get(view["node"], _("Overall")) if view["node"] != "overall"
             else _("Overall")) + figures.actor_phrase(view["actor"], ctx)
    focus = view["region"] if view["region"] in change.index else figures.WORLD
    words = None
    if focus in change.index:
        r = change.loc[focus]
        who = _("the world") if focus == figures.WORLD else i18n.region_name(focus)
        words = html.P([html.Strong(_("%(score)s, mean of %(who)s: %(same)s from %(first)s to %(last)s on the same "
                                      "indicators; %(composition)s from indicators added or dropped", score=what,
                                      who=who, same=_signed(r["like_for_like"]), first=y0, last=y1,
                                      composition=_signed(r["composition"]))),
                        " " + _("(published change of the mean %(published)s, %(before)s → %(after)s; %(countries)s "
                                "from the countries scored changing, %(n_before)s → %(n_after)s).",
                                published=_signed(r["published"]), before=i18n.number(r["mean_from"]),
                                after=i18n.number(r["mean_to"]), countries=_signed(r["countries"]),
                                n_before=int(r["n_from"]), n_after=int(r["n_to"]))], className="mb-2")
    groups = [figures.WORLD] + [g for g in ctx.regions if g in change.index]
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in (
        _("Mean of"), f"{y0}", f"{y1}", _("Published change"), _("On the same indicators"),
        _("Indicators added or dropped"), _("Countries scored changing"))]))
    rows = [html.Tr([html.Th(_("All countries (world)") if g == figures.WORLD else i18n.region_name(g), scope="row"),
                     html.Td(f"{i18n.number(change.at[g, 'mean_from'])} ({int(change.at[g, 'n_from'])})"),
                     html.Td(f"{i18n.number(change.at[g, 'mean_to'])} ({int(change.at[g, 'n_to'])})"),
                     *[html.Td(_signed(change.at[g, c])) for c in ("published", "like_for_like", "composition",
                                                                    "countries")]])
            for g in groups if g in change.index]
    table = ui.table(_("%(score)s: change of the mean from %(first)s to %(last)s (countries scored in brackets); "
                       "published = same indicators + added or dropped + countries", score=what, first=y0, last=y1),
                     head, rows, _("Change of the mean by region (scrolls sideways)"))
    return html.Div([words, table])


def layout(node=None, actor=None, region=None, **_other):
    ctx = figures.context()
    view, problems = parse({"node": node, "actor": actor, "region": region})
    nodes = [{"label": _("Overall"), "value": "overall"}] + [{"label": n, "value": c} for c, n in ctx.pillars.items()]
    return html.Div([
        html.H1(_("Trends over time"), className="h3"),
        html.P(_("Mean scores of the countries scored in each region and in the world, year by year, on the same "
                 "indicators: each line starts at the first year's mean and then moves only by what changed on "
                 "indicators measured in both years. The dotted grey lines are the published means, which also "
                 "move when indicators are added or dropped."), className="text-body-secondary"),
        *ui.reset_alerts(problems),
        dbc.Row([
            ui.labelled(_("Score"), dcc.Dropdown(id="trends-node", options=nodes, value=view["node"], clearable=False,
                                              searchable=False), "trends-node"),
            ui.actor_radio("trends-actor", view["actor"], {"xs": 12, "sm": 6, "lg": 4}),
            ui.labelled(_("Region (or all regions)"), dcc.Dropdown(id="trends-region", options=ui.region_options(),
                                                                value=view["region"] or "all", clearable=False),
                        "trends-region", {"xs": 12, "sm": 6, "lg": 4}),
        ], className="g-2 align-items-end"),
        html.Div(menu(view), id="trends-downloads", className="mb-2"),
        ui.progress("trends-progress", _("Redrawing the trends…"), "trends-view"),
        html.Div([
            ui.graph("trends-graph", figures.figure_dict("region_trends", chart_params(view)),
                     _("Line chart of mean scores by region over the years; each line has its own dash and marker")),
            html.Section([html.H2(_("How the means have changed"), className="h5"),
                          html.Div(change_section(view), id="trends-change"),
                          html.P([_("How this is computed:") + " ", dcc.Link(_("methodology, changes over time"),
                                                                      href="/methodology#trends"), "."],
                                 className="small text-body-secondary")], className="mb-3"),
        ], id="trends-view", className="drd-view"),
        ui.alert([html.Strong(_("Read trends with the measured share.") + " "),
                  _("The grey bars under the chart show how much of the methodology any source measured each year. "
                    "Observations are carried forward up to %(window)s years. A jump where the measured share "
                    "changes may come from the basket of indicators, not from a change on the ground: the lines on "
                    "the same indicators and the table above take it out, the dotted published means do not. Years "
                    "each source has observations for:",
                    window=data.dataset().methodology.parameters.window_years), source_years()], color="info"),
        measured_table(),
        dcc.Store(id="trends-url-sync"),
    ])


@callback(Output("trends-graph", "figure"), Output("trends-downloads", "children"), Output("trends-change", "children"),
          Input("trends-node", "value"), Input("trends-actor", "value"), Input("trends-region", "value"),
          running=ui.busy("trends-progress"), prevent_initial_call=True)
def update(node, actor, region):
    view, _unused = parse({"node": node, "actor": actor, "region": region})
    return figures.figure_dict("region_trends", chart_params(view)), menu(view), change_section(view)


ui.url_sync("trends-url-sync", "/trends", [("trends-node", "node", "overall"), ("trends-actor", "actor", "all"),
                                           ("trends-region", "region", "all")])
