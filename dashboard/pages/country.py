"""`/country/<ISO3>?year=2021`: one country's profile.

Overall and pillar scores with band labels; the state-vs-corporate split per pillar; the drill-down
pillar -> indicator -> raw value, year, source, normalised score and weight, with coverage at each
level and the provenance of expert corrections; the country's trend; how it compares with its region.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import data, figures, i18n, sentences
from dashboard.callback_input import rejects_bad_values, scalar
from dashboard.components import ui
from dashboard.components.drilldown import TABLE_BOX, drilldown, indicator_table, pillar_tables  # noqa: F401
from dashboard.components.drilldown import num as _num
from dashboard.components.static import static
from dashboard.i18n import N_, _, ngettext
from indicators.trend import signed

dash.register_page(__name__, path_template="/country/<iso3>", name=N_("Country"),
                   title=lambda iso3=None, **_kw: _("%(country)s: digital rights profile", country=_name(iso3)),
                   nav=False)

def _name(iso3) -> str:
    try:
        frame = data.countries()
        code = str(iso3 or "").upper()
        return i18n.country_name(code, str(frame.at[code, "name"])) if code in frame.index else _("Unknown country")
    except Exception:  # noqa: BLE001 - a title must never break the page
        return _("Country")


def _signed(value) -> str:
    """A change with its sign in the language's number style: +0,95, −0,41 (indicators.trend.signed's rules)."""
    text = signed(value)
    return text if text == "–" else text[0] + i18n.number(abs(float(text[1:])))


def unknown_country(code: str) -> html.Div:
    return html.Div([
        html.H1(_("Country not found"), className="h3"),
        ui.alert([html.Strong(_("“%(code)s” is not a country code we know.", code=code) + " "),
                  _("Profiles use ISO 3166 alpha-3 codes, for example") + " ",
                  dcc.Link("COL", href="/country/COL"), " " + _("for %(country)s or", country=i18n.country_name(
                      "COL", "Colombia")) + " ",
                  dcc.Link("IDN", href="/country/IDN"), " " + _("for %(country)s.", country=i18n.country_name(
                      "IDN", "Indonesia"))], color="danger"),
        dbc.Row(ui.labelled(_("Find a country"), dcc.Dropdown(id="country-find", options=ui.country_options(),
                                                              placeholder=_("Type a country name…")),
                            "country-find", {"xs": 12, "md": 6})),
        html.P(dcc.Link(_("Back to the world map"), href="/")),
        dcc.Location(id="country-find-nav", refresh="callback-nav"),
    ])


def layout(iso3=None, year=None, **_other):
    ctx = figures.context()
    code = str(iso3 or "COL").strip().upper()
    if code not in ctx.countries.index:
        return unknown_country(code)
    problems = []
    try:
        chosen = figures.param_year({"year": year}, ctx)
    except ValueError:
        chosen = max(ctx.years)
        problems.append(ui.alert([html.Strong(_("There are no scores for the year “%(year)s”.", year=year) + " "),
                                  _("Scores exist for %(first)s–%(last)s; showing %(year)s.", first=min(ctx.years),
                                    last=max(ctx.years), year=chosen)]))
    row = ctx.countries.loc[code]
    return html.Div([
        dcc.Store(id="country-iso3", data=code),
        html.Div([
            html.H1([row["name"], html.Small(f" {code}", className="text-body-secondary fs-6")],
                    className="h3 mb-1 me-3"),
            *([dbc.Badge(_("Pilot country"), color="dark", className="me-2")] if row["pilot"] else []),
        ], className="d-flex flex-wrap align-items-center"),
        html.P([_("Region: %(region)s", region=i18n.region_name(row["region"]) if row["region"]
                  else _("not assigned")) + " · ",
                dcc.Link(_("Compare with other countries"), href=f"/compare?countries={code}&year={chosen}"),
                " · ", dcc.Link(_("Back to the map"), href=f"/?year={chosen}")], className="text-body-secondary"),
        *problems,
        dbc.Row([ui.labelled(_("Year"), dcc.Dropdown(id="country-year", options=ui.year_options(), value=chosen,
                                                  clearable=False, searchable=False), "country-year",
                             {"xs": 6, "sm": 4, "lg": 2}),
                 ui.labelled(_("Another country"), dcc.Dropdown(id="country-find", options=ui.country_options(),
                                                                placeholder=_("Type a country name…")),
                             "country-find", {"xs": 12, "sm": 8, "lg": 4})], className="g-2"),
        dcc.Location(id="country-find-nav", refresh="callback-nav"),
        ui.progress("country-progress", _("Updating the profile for the chosen year…"), "country-body"),
        html.Div(page_body(code, chosen), id="country-body", className="drd-view", **{"aria-busy": "false"}),
        dcc.Store(id="country-url-sync"),
    ])


# The parts of the profile that change with the year: (output id, property). The year callback sends
# only these (cached per country and year), so the charts are redrawn in place (Plotly.react) and the
# old profile stays on screen, dimmed, until the new one arrives. The trend does not depend on the year.
YEAR_PARTS = [("country-cards", "children"), ("country-sure", "children"),
              ("country-pillars", "figure"), ("country-pillars-menu", "children"),
              ("country-split", "figure"), ("country-split-menu", "children"),
              ("country-drill", "children"), ("country-drill-menu", "children"),
              ("country-region", "figure"), ("country-region-menu", "children")]


def cached_body(iso3: str, year: int) -> dict:
    """year_parts() memoised per scoring run (the context's cache is dropped when the data is refreshed)."""
    return figures.memo(("country-body", iso3, year), lambda: year_parts(iso3, year))


def warm_bodies(previous) -> None:
    """data.add_warmer hook: rebuild the profiles shown before (and the pilots' latest year) for new results."""
    ctx = figures.context()
    wanted = [(i, y) for _, i, y in figures.cached_keys(previous and previous.results, "country-body", 24)]
    wanted += [(i, max(ctx.years)) for i in ctx.countries.index[ctx.countries["pilot"]]]
    for iso3, year in dict.fromkeys(wanted):
        cached_body(iso3, year)
    for iso3 in dict.fromkeys(i for i, _y in wanted):
        trend_section(iso3)  # the country's trends (data.trend, kept for the new results)


data.add_warmer(warm_bodies)


def year_parts(iso3: str, year: int) -> dict:
    """Everything that depends on the year, keyed by the ids of YEAR_PARTS."""
    d = drill_data(iso3, year)
    o = d["overall"]
    params = {"country": iso3, "year": year}
    sure, likely = how_sure(iso3, year)
    cards = [dbc.Col(ui.score_card(_("Overall"), o, " · ".join(filter(None, [
                         _("measured share %(share)s", share=ui.pct(o["measured_share"])), likely.get("overall")]))),
                     xs=12, sm=6, lg=True, className="mb-2")]
    cards += [dbc.Col(ui.score_card(i18n.methodology("pillars", p["node"], "name", p["name"]), p,
                                    likely.get(p["node"])), xs=6, sm=6, lg=True, className="mb-2")
              for p in d["pillars"]]
    withheld = o["score"] is None
    note = ui.alert(
        _("%(country)s has no overall score for %(year)s: only %(share)s of the measured indicators have data, "
          "below the %(needed)s needed. Scores are never filled in.", country=i18n.country_name(iso3, d["country"]),
          year=year, share=ui.pct(o["coverage"]), needed=ui.pct(d["min_coverage"])),
        color="secondary") if withheld else None
    return {
        "country-cards": static([html.H2(_("Scores in %(year)s", year=year), className="visually-hidden"),
                          dbc.Row(cards, className="g-2"),
                          html.P([_("Scores run from 1 (severe violations) to 6 (fully respected). Coverage: the "
                                    "share of the indicators measured this year that have data for the country.")
                                  + " ", dcc.Link(_("How scores are made"), href="/methodology"), "."],
                                 className="small text-body-secondary mt-1"), note]),
        "country-sure": how_sure_section(sure),
        "country-pillars": figures.figure_dict("pillars", params),
        "country-pillars-menu": ui.downloads("pillars", params, {**params, "level": "pillar"}),
        "country-split": figures.figure_dict("split", params),
        "country-split-menu": ui.downloads("split", params, {**params, "level": "pillar"}),
        "country-drill": cached_drill(iso3, year, []),
        "country-drill-menu": ui.downloads(None, None, {**params, "level": "indicator"}),
        "country-region": figures.figure_dict("region_compare", params),
        "country-region-menu": ui.downloads("region_compare", params,
                                            {"year": year, "region": d["region"], "level": "pillar"}),
    }


def page_body(iso3: str, year: int) -> list:
    """The profile below the controls: the year's parts in their places, then the trend."""
    part = cached_body(iso3, year)
    return [
        html.Section(part["country-cards"], id="country-cards", className="mb-3"),
        html.Div(part["country-sure"], id="country-sure"),
        dbc.Row([
            dbc.Col(ui.section(_("Pillar scores"), ui.graph("country-pillars", part["country-pillars"],
                                                            _("Bar chart of the overall and pillar scores")),
                               menu=html.Div(part["country-pillars-menu"], id="country-pillars-menu")), lg=6),
            dbc.Col(ui.section(_("State vs corporate"), ui.graph(
                "country-split", part["country-split"], _("Bar chart of state and corporate scores per pillar")),
                               html.P(_("Structural conditions (connectivity) count in the Access pillar but never "
                                        "as abuse, so they are not shown here."),
                                      className="small text-body-secondary"),
                               menu=html.Div(part["country-split-menu"], id="country-split-menu")), lg=6),
        ]),
        ui.section(_("Drill-down: from each pillar to its indicators and sources"),
                   html.Div(part["country-drill"], id="country-drill"),
                   menu=html.Div(part["country-drill-menu"], id="country-drill-menu"), id="drilldown"),
        dbc.Row([
            dbc.Col(ui.section(_("Compared with the region"), ui.graph(
                "country-region", part["country-region"],
                _("The country's scores against the range and mean of its region")),
                menu=html.Div(part["country-region-menu"], id="country-region-menu")), lg=6),
            dbc.Col(ui.section(_("Over time"), ui.graph("country-trend",
                                                        figures.figure_dict("trend", {"country": iso3}),
                                                        _("Line chart of the scores over the years")),
                               html.P(_("“Overall on the same indicators” starts at the first overall score and "
                                        "adds only the year-to-year changes of indicators measured in both years; "
                                        "the grey bars show how much of the methodology any source "
                                        "measured each year: a change in the basket of indicators can move a score."),
                                      className="small text-body-secondary"),
                               menu=ui.downloads("trend", {"country": iso3},
                                                 {"year": "all", "country": iso3, "level": "pillar"})), lg=6),
        ]),
        *read_only_sections(iso3, year),
    ]


def read_only_sections(iso3: str, year: int) -> tuple:
    """The trend and tensions sections, each one StaticHtml (not ~120 components: components/static.py),
    memoised per scoring run and language like the year's parts: the page callback and the first-paint
    copy both build the profile's layout, and these two were most of its time (~0.3 s)."""
    trend = figures.memo(("country-trend-static", iso3), lambda: static(trend_section(iso3)))  # any year
    return trend, figures.memo(("country-tensions-static", iso3, year), lambda: static(tensions_section(iso3, year)))


def trend_span(iso3: str) -> tuple[int, int] | None:
    """From the first to the last year with an overall score (the same whatever year the page shows, so
    changing the year does not recompute it); None when fewer than two years are scored."""
    n = data.nodes()
    scored = sorted(n[(n["iso3"] == iso3) & (n["node"] == "overall") & n["score"].notna()]["year"])
    return (scored[0], scored[-1]) if len(scored) >= 2 else None


def trend_section(iso3: str) -> html.Section:
    """'How it has changed': the change in words (like-for-like first, the basket effect beside it),
    what moved it, and the yearly table. Method: indicators/trend.py."""
    span = trend_span(iso3)
    title = _("How it has changed, on the same indicators")
    if span is None:
        return ui.section(title, html.P(_("Fewer than two years have an overall score: no change can be given.")),
                          id="trend")
    ctx = figures.context()
    t = data.trend(iso3, *span)
    words = [html.P(html.Strong(sentences.trend_sentence(t)), className="mb-1")]
    pillars = []
    for code, name in ctx.pillars.items():
        try:
            p = data.trend(iso3, *span, node=code)
        except ValueError:
            continue  # the pillar is withheld at one end: no change is given for it
        pillars.append(html.Li(_("%(pillar)s: %(same)s on the same indicators, %(composition)s from indicators added "
                                 "or dropped (published %(published)s).", pillar=name, same=_signed(p["like_for_like"]),
                                 composition=_signed(p["composition"]), published=_signed(p["published"]))))
    moved = [c for c in t["contributions"] if c["contribution"] and abs(c["contribution"]) >= 0.005][:5]
    explain = [html.Li([_("%(indicator)s (%(code)s): %(before)s in %(year_before)s → %(after)s in %(year_after)s, "
                          "%(contribution)s",
                          indicator=i18n.methodology("indicators", c["indicator"], "name", c["name"]),
                          code=c["indicator"], before=_num(c["value_from"]), year_before=c["obs_year_from"] or "–",
                          after=_num(c["value_to"]), year_after=c["obs_year_to"] or "–",
                          contribution=_signed(c["contribution"]))
                        + ("" if c["status"] == "changed" else " (" + _(c["why"]) + ")")]) for c in moved]
    return ui.section(
        title, *words,
        html.P([_("The published score for a year rests on the indicators measured that year. Sources start and "
                  "stop, so the change between two published scores mixes real change with indicators added or "
                  "dropped. “On the same indicators” compares each year with the next on the indicators this "
                  "country has in both, and adds up those steps; a value carried forward from an earlier year counts "
                  "as no change.") + " ", dcc.Link(_("How this is computed"), href="/methodology#trends"), "."],
               className="small text-body-secondary"),
        html.Ul(pillars, className="small mb-2") if pillars else None,
        html.Div([html.P(_("What moved it, on the same indicators (largest first):"), className="small mb-1"),
                  html.Ul(explain, className="small mb-2")]) if explain else None,
        trend_table(t), id="trend")


def trend_table(t: dict) -> html.Div:
    """Overall score per year: level, change from the year before as published, on the same indicators and
    from indicators added or dropped, and the chained same-indicator level."""
    cols = (_("Year"), _("Score"), _("Change"), _("On the same indicators"), _("From indicators added or dropped"),
            _("Same-indicator level"), _("Indicators (in common)"))
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in cols]))
    rows = []
    for y in t["years"]:
        level = _("no score") if y["level"] is None else i18n.number(y["level"])
        same = "-" if y["like_for_like_level"] is None else i18n.number(y["like_for_like_level"])
        count = "-" if y["indicators"] is None else (f"{y['indicators']}" + ("" if y["common"] is None
                                                                           else f" ({y['common']})"))
        rows.append(html.Tr([html.Th(str(y["year"]), scope="row"), html.Td(level),
                             html.Td(_signed(y["published_change"])), html.Td(_signed(y["like_for_like_change"])),
                             html.Td(_signed(y["composition"])), html.Td(same), html.Td(count)]))
    caption = html.Caption(_("Overall score %(first)s–%(last)s: each change is from the previous scored year",
                             first=t["from"], last=t["to"]))
    return ui.table(caption, head, rows, _("Yearly scores table (scrolls sideways)"),
                    class_name="drd-table drd-trend-table mb-0")


def body(iso3: str, year: int) -> list:
    """The profile below the controls for one year (as first served)."""
    return page_body(iso3, year)


def how_sure(iso3: str, year: int) -> tuple[dict | None, dict[str, str]]:
    """The sensitivity texts (indicators.sensitivity.how_sure) and 'likely lo–hi' per score column."""
    try:
        sure = sentences.how_sure(data.how_sure(iso3, year))
        rows = data.sensitivity(year)
    except Exception:  # noqa: BLE001 - the uncertainty note must never break the profile
        return None, {}
    row = rows[rows["iso3"] == iso3]
    if sure is None or row.empty:
        return sure, {}
    r = row.iloc[0]
    likely = {c[:-4]: _("likely %(low)s–%(high)s", low=i18n.number(r[c]), high=i18n.number(r[c[:-4] + "_high"]))
              for c in rows.columns
              if c.endswith("_low") and c != "rank_low" and r[c] == r[c] and r[c[:-4] + "_high"] == r[c[:-4] + "_high"]}
    return sure, likely


def how_sure_section(sure: dict | None):
    """'How sure is this?': the overall score and rank with their likely ranges, and what moves them
    (read-only: one StaticHtml, see dashboard/components/static.py)."""
    if sure is None:
        return None
    return static(ui.section(_("How sure is this?"),
                      html.P([html.Strong(_("Overall") + " "), sure["overall"], " · ", sure["rank"]], className="mb-1"),
                      html.P([sure["paragraph"], " ", dcc.Link(_("How the ranges are made"),
                                                               href="/methodology#uncertainty"), "."],
                             className="small text-body-secondary"), id="how-sure"))


@callback(*[Output(i, prop) for i, prop in YEAR_PARTS], Input("country-year", "value"), State("country-iso3", "data"),
          State("country-drilldown", "active_item"),
          running=ui.busy("country-progress"), prevent_initial_call=True)
@rejects_bad_values
def update_year(year, iso3, opened=None):
    ctx, iso3, year = _checked(iso3, year)
    part = dict(cached_body(iso3, year))
    part["country-drill"] = cached_drill(iso3, year, open_pillars(opened, ctx))  # open pillars stay open
    return tuple(part[i] for i, _unused in YEAR_PARTS)


def _checked(iso3, year):
    """(context, ISO3, year) from a profile callback's country and year, each checked (400 naming it)."""
    scalar(year, "year")
    scalar(iso3, "country", (str,), 3)
    ctx = figures.context()
    year = figures.param_year({"year": year}, ctx)
    return ctx, figures.param_country({"country": iso3}, ctx), year


def open_pillars(active, ctx) -> list[str]:
    """The accordion's open items as sent by the browser (a list, one id or None), checked: pillar codes."""
    items = active if isinstance(active, list) else [] if active is None else [active]
    if len(items) > len(ctx.pillars):
        raise ValueError("country-drilldown.active_item: more items than pillars")
    for item in items:
        scalar(item, "country-drilldown.active_item", (str,), 40)
        if item not in ctx.pillars:
            raise ValueError(f"country-drilldown.active_item: {item[:40]!r} is not a pillar")
    return [p for p in ctx.pillars if p in items]


def drill_data(iso3: str, year: int) -> dict:
    """data.drilldown memoised per scoring run: the cards, the drill-down and each opened table share it."""
    return figures.memo(("country-drilldown", iso3, year), lambda: data.drilldown(iso3, year))


def cached_drill(iso3: str, year: int, opened: list[str]):
    """The drill-down with the pillars `opened` open (their tables built; none: the first), memoised."""
    opened = opened or [next(iter(figures.context().pillars))]
    return figures.memo(("country-drill", iso3, year, tuple(opened)),
                        lambda: drilldown(drill_data(iso3, year), opened))


@callback(Output({"type": TABLE_BOX, "node": ALL}, "children"), Output({"type": TABLE_BOX, "node": ALL}, "className"),
          Input("country-drilldown", "active_item"), State({"type": TABLE_BOX, "node": ALL}, "className"),
          State("country-iso3", "data"), State("country-year", "value"), prevent_initial_call=True)
@rejects_bad_values
def open_pillar(active, classes, iso3, year):
    """A pillar opened in the drill-down: its indicator table is built now (see drilldown.pillar_tables)."""
    ctx, iso3, year = _checked(iso3, year)
    opened = open_pillars(active, ctx)
    boxes = [o["id"]["node"] for o in dash.callback_context.outputs_list[0]]
    if not isinstance(classes, list) or len(classes) != len(boxes):
        raise ValueError("the drill-down's table boxes do not match its pillars")
    for cls in classes:
        scalar(cls, "drill-table.className", (str,), 100)
    children, class_names = pillar_tables(drill_data(iso3, year), boxes, classes, opened)
    return ([dash.no_update if c is None else c for c in children],
            [dash.no_update if c is None else c for c in class_names])


@callback(Output("country-find-nav", "href"), Input("country-find", "value"), prevent_initial_call=True)
def find_country(iso3):
    return f"/country/{iso3}" if iso3 else dash.no_update


clientside_callback(
    """
    function(year, iso3) {
        if (iso3 && year && window.location.pathname.toUpperCase().endsWith('/COUNTRY/' + iso3)) {
            const lang = new URLSearchParams(window.location.search).get('lang');  // kept (dashboard.i18n)
            window.history.replaceState(window.history.state, '', window.location.pathname + '?year=' + year
                                        + (lang ? '&lang=' + encodeURIComponent(lang) : ''));
        }
        return year;
    }
    """,
    Output("country-url-sync", "data"), Input("country-year", "value"), State("country-iso3", "data"),
)


# --- Tensions within rights (issue 10): the country's stated reasons, removal requests and the
# disinformation series, each line with its source, years and licence. Not part of the scores.

def _source_note(source_id: str, years: str) -> html.Span:
    ds = data.dataset()
    if source_id not in ds.sources.index:
        return html.Span(_("Source: %(source)s, %(years)s.", source=source_id, years=years),
                         className="drd-muted small")
    src = ds.sources.loc[source_id]
    return html.Span([_("Source:") + " ", html.A(src["publisher"], href=src["url"], target="_blank", rel="noopener"),
                      ", " + _("%(dataset)s; %(years)s. Licence: %(licence)s.", dataset=src["dataset"], years=years,
                               licence=src["licence"])], className="drd-muted small d-block")


def _span(years) -> str:
    years = sorted(int(y) for y in years)
    return f"{years[0]}" if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def _counts(frame, label) -> str:
    """"protests 3 and elections 1": the categories of `frame` by total, each named by `label(category)`, as a
    list in the language (CLDR)."""
    total = frame.groupby("category")["value"].sum().sort_values(ascending=False)
    return i18n.join(f"{label(c)} {int(v)}" for c, v in total.items())


def _small_table(header: list[str], rows: list[list], caption: str) -> html.Div:
    return ui.table(caption, html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
                    [html.Tr([html.Td(c) for c in r]) for r in rows], caption, class_name="drd-table small mb-1")


def _shutdown_part(name: str, t: dict) -> list:
    from dashboard.components.tensions import cause, justification
    events, just, causes = t["events"], t["justifications"], t["causes"]
    src = "ACCESSNOW_STOP_2025"
    if events.empty:
        return [html.P(_("Access Now #KeepItOn lists no shutdown in %(country)s in 2016–2025 (absence from the list "
                         "means none was recorded, not that none happened).", country=name), className="mb-1"),
                _source_note(src, "2016–2025")]
    n = int(events["value"].sum())
    hate = int(just.loc[just["category"] == "hate_incitement", "value"].sum())
    others = just[just["category"] != "hate_incitement"]
    notes = dict(zip(causes["category"], causes["note"]))

    def cause_name(c):
        return cause(c, notes.get(c, ""))

    text = ngettext("%(country)s has %(num)s recorded shutdown listing (%(years)s; a shutdown still running is "
                    "listed again each year).", "%(country)s has %(num)s recorded shutdown listings (%(years)s; a "
                    "shutdown still running is listed again each year).", n, country=name, years=_span(events["year"]))
    text += " " + ngettext("Of these, %(num)s was justified by the government by hate speech or incitement (fake "
                           "news, hate speech, incendiary content or promoting violence).",
                           "Of these, %(num)s were justified by the government by hate speech or incitement (fake "
                           "news, hate speech, incendiary content or promoting violence).", hate)
    if len(others):
        text += " " + _("Other stated justifications: %(list)s.", list=_counts(others, justification))
    text += " " + _("Actual causes recorded by Access Now: %(list)s.",
                    list=_counts(causes, cause_name) or _("none recorded"))
    rows = []
    for year in sorted(events["year"]):
        j, c = just[just["year"] == year], causes[causes["year"] == year]
        rows.append([str(year), str(int(events.loc[events["year"] == year, "value"].sum())),
                     _counts(j, justification) or "-", _counts(c, cause_name) or "-"])
    return [html.P(text, className="mb-1"),
            _small_table([_("Year"), _("Shutdowns listed"), _("Government's stated justification"), _("Actual cause")],
                         rows, _("%(country)s: shutdowns by year, the government's stated justification and the "
                                 "actual cause", country=name)),
            _source_note(src, _span(events["year"]) + "; " + _("counts derived by counting the publisher's rows"))]


def _requests_part(name: str, t: dict) -> list:
    from dashboard.components.tensions import reason
    req, reasons = t["requests"], t["reasons"]
    src = "GOOGLE_TR_REMOVALS"
    if req.empty:
        return [html.P(_("Google's Transparency Report lists no government request to remove content from "
                         "%(country)s in 2019–2025 (January–June).", country=name), className="mb-1"),
                _source_note(src, _("2019–2025 H1"))]
    req = req.reindex(columns=["google_requests", "google_requests_court", "google_requests_other"]).fillna(0)
    total, court = int(req["google_requests"].sum()), int(req["google_requests_court"].sum())
    text = ngettext("Google received %(num)s request to remove content from %(country)s's authorities in %(years)s "
                    "(%(court)s by court order, %(other)s from other requestors such as officials, police or "
                    "regulators).", "Google received %(num)s requests to remove content from %(country)s's "
                    "authorities in %(years)s (%(court)s by court order, %(other)s from other requestors such as "
                    "officials, police or regulators).", total, country=name, years=_span(req.index), court=court,
                    other=total - court)
    text += " " + _("Reasons given: %(list)s.", list=_counts(reasons, reason))
    rows = []
    for year, r in req.iterrows():
        half = "January-June only" in str(t["notes"].get(year, ""))
        rows.append([str(year) + (" " + _("(Jan–Jun)") if half else ""),
                     str(int(r["google_requests"])), str(int(r["google_requests_court"])),
                     str(int(r["google_requests_other"])), _counts(reasons[reasons["year"] == year], reason) or "-"])
    return [html.P(text, className="mb-1"),
            _small_table([_("Year"), _("Requests"), _("Court orders"), _("Other requestors"), _("Reasons given")], rows,
                         _("%(country)s: government requests to Google to remove content, by requestor and reason",
                           country=name)),
            _source_note(src, _span(req.index) + "; " + _("sums over Google's rows: a request citing several reasons "
                                                          "or products counts in each"))]


def _disinformation_part(name: str, t: dict) -> list:
    d = t["disinformation"]
    src = "DSP_V8"
    if d.empty:
        return [html.P(_("The Digital Society Project v8 has no disinformation estimates for %(country)s.",
                         country=name), className="mb-1"), _source_note(src, "2000–2025")]
    cols = [("dsp_v2smgovdom", _("Government"), "v2smgovdom"), ("dsp_v2smpardom", _("Parties"), "v2smpardom"),
            ("dsp_v2smfordom", _("Foreign governments"), "v2smfordom")]
    d = d.reindex(columns=[c for c, _unused, _code in cols])
    last, first = d.index.max(), d.index.min()
    parts = [_("%(who)s %(last_value)s in %(last)s (%(first_value)s in %(first)s)", who=who.lower(),
               last_value=i18n.number(d.at[last, c]), last=last, first_value=i18n.number(d.at[first, c]), first=first)
             for c, who, _code in cols if pd.notna(d.at[last, c])]
    text = _("How much false information is spread in %(country)s (DSP v8 estimates; higher = less, about −4 to "
             "+3): %(list)s.", country=name, list=i18n.join(parts))
    rows = [[str(y), *[("-" if pd.isna(r[c]) else i18n.number(r[c])) for c, _unused, _code in cols]]
            for y, r in d.sort_index(ascending=False).iterrows()]
    return [html.P(text, className="mb-1"),
            html.Details([html.Summary(_("Every year, %(first)s–%(last)s", first=first, last=last)),
                          _small_table([_("Year"), *[f"{who} ({code})" for _c, who, code in cols]], rows,
                                       _("%(country)s: disinformation by government, parties and foreign governments",
                                         country=name))]),
            _source_note(src, f"{first}–{last}")]


def tensions_section(iso3: str, year: int) -> html.Section:
    """Justifications over time, removal requests by reason and requestor, and the disinformation series."""
    from indicators.tensions import country_tensions
    name = _name(iso3)
    try:
        t = country_tensions(data.tensions(), iso3)
    except Exception as exc:  # noqa: BLE001 - the profile must render even if tensions.csv is broken
        return ui.section(_("Tensions within rights"),
                          ui.alert(_("The tensions data could not be read: %(error)s", error=exc)), id="tensions")
    nothing = t["events"].empty and t["requests"].empty and t["disinformation"].empty
    return ui.section(
        _("Tensions within rights: stated harm and restriction"),
        html.P([_("Not part of the scores. What the government says justifies restriction, what it asked platforms "
                  "to remove, and how much disinformation circulates. Stated reasons are the government's own "
                  "claims.") + " ",
                dcc.Link(_("Explore the tensions view"), href=f"/tensions?year={year}"), "."],
               className="small text-body-secondary"),
        *([ui.alert(_("No source in this dashboard records shutdowns, removal requests or disinformation for "
                      "%(country)s.", country=name), color="secondary")] if nothing else []),
        html.H3(_("Shutdowns and the reasons given"), className="h6 mt-2"), *_shutdown_part(name, t),
        html.H3(_("Requests to remove content"), className="h6 mt-3"), *_requests_part(name, t),
        html.H3(_("Disinformation"), className="h6 mt-3"), *_disinformation_part(name, t),
        id="tensions")
