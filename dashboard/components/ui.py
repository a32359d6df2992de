"""Small layout pieces shared by the pages: graphs, band badges, score cards, messages, the footer."""

from __future__ import annotations

import json

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, clientside_callback, dcc, html

from .. import data, figures, i18n
from ..figures import SCALE
from ..i18n import N_, _

# No plotly toolbar on charts (it covered their titles on phones; the Download menu beside each chart
# gives PNG, SVG and the data) and never its "Share chart…" button, which uploads to Plotly Cloud: the
# app promises no internet. The map keeps three buttons, zoom in, zoom out and reset, and nothing else.
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False, "showSendToCloud": False,
                "showEditInChartStudio": False, "showLink": False, "plotlyServerURL": "",
                "modeBarButtonsToRemove": ["sendChartToCloud", "select2d", "lasso2d", "autoScale2d"]}
MAP_BUTTONS = [["zoomInGeo", "zoomOutGeo", "resetGeo"]]


def graph(graph_id: str, figure=None, label: str = "", class_name: str = "", zoom: bool = False,
          **kwargs) -> dcc.Graph:
    """A dcc.Graph that loads map shapes from this server (never a CDN) and has an accessible name.
    `zoom` shows the map's zoom buttons (the only toolbar in the app)."""
    config = dict(GRAPH_CONFIG, topojsonURL=dash.get_asset_url("topojson/"))
    height = ((figure or {}).get("layout") or {}).get("height") if isinstance(figure, dict) else None
    box = {"style": {"minHeight": f"{int(height)}px"}} if height else {}  # the chart's size before it is drawn
    if zoom:
        # the buttons' names (their tooltip and accessible name) in the page's language: plotly.js looks
        # words up in config.locales[locale].dictionary, so no plotly locale file is needed
        lang = i18n.current()
        words = {"Zoom in": _("Zoom in"), "Zoom out": _("Zoom out"), "Reset": _("Reset the map's zoom")}
        config.update(displayModeBar=True, modeBarButtons=MAP_BUTTONS, locale=lang,
                      locales={lang: {"dictionary": words}})
    return html.Div(dcc.Graph(id=graph_id, figure=figure if figure is not None else {}, config=config,
                              className=f"drd-graph {class_name}".strip(), **kwargs),
                    role="figure", **{"aria-label": label or _("chart")}, **box)


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def scale_colour(score: float) -> str:
    """The colour of `score` on the 1..6 scale used by the map (linear between the scale's stops)."""
    t = min(1.0, max(0.0, (float(score) - 1) / 5))
    for (t0, c0), (t1, c1) in zip(SCALE, SCALE[1:]):
        if t <= t1:
            f = 0 if t1 == t0 else (t - t0) / (t1 - t0)
            a, b = _hex(c0), _hex(c1)
            return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b))
    return SCALE[-1][1]


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (WCAG relative luminance)."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in _hex(background))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def band_badge(score, label: str) -> html.Span:
    """Score and band label on the map's colour; 'No data' in neutral grey."""
    if score is None or pd.isna(score):  # "No data", or "No corporate evidence" where that is why
        return html.Span(_(label) if label and label != "No data" else _("No data"),
                         className="badge drd-badge drd-nodata")
    bg = scale_colour(score)
    return html.Span(label, className="badge drd-badge", style={"backgroundColor": bg, "color": text_colour(bg)})


def pct(value) -> str:
    """A share as the language writes it (67 % in French)."""
    return "-" if value is None or pd.isna(value) else i18n.percent(value)


def score_text(score) -> str:
    """A score with 2 decimals as the language writes it (4,15 in Spanish)."""
    return _("no data") if score is None or pd.isna(score) else i18n.number(score)


def score_card(title: str, node: dict, extra: str | None = None) -> dbc.Card:
    """Card for one node of the drill-down dict: score, band badge, coverage."""
    return dbc.Card(dbc.CardBody([
        html.H3(title, className="h6 text-body-secondary mb-1"),
        html.P([html.Span(score_text(node["score"]), className="fs-3 fw-semibold me-1"),
                html.Span("/ 6", className="text-body-secondary")] if node["score"] is not None
               else [html.Span(_("No data"), className="fs-4 fw-semibold")], className="mb-1"),
        band_badge(node["score"], i18n.node_label(node.get("node") or "overall", node["label"])),
        html.P(_("Coverage %(share)s", share=pct(node["coverage"])) + (f" · {extra}" if extra else ""),
               className="small text-body-secondary mb-0 mt-1"),
    ]), className="h-100 drd-card")


def busy(progress_id: str) -> list:
    """A callback's `running` state: the progress line shows until the callback's answer arrives, and
    the view it names (see progress()) stays on screen, dimmed and marked busy, never a blank area.

    Only the small progress line is a `running` output; assets/drd.js dims the view and sets its
    aria-busy when the line's class changes. Setting the view's own props re-rendered the view, the
    parent of the whole page, twice per change: about 80 ms of a cached profile year change."""
    return [(Output(progress_id, "className"), "drd-progress drd-progress-on", "drd-progress")]


def progress(progress_id: str, text: str, view_id: str) -> html.Div:
    """A progress line shown while a callback runs (its class is set by the callback's `running`);
    `view_id` is the view it dims meanwhile (assets/drd.js)."""
    return html.Div([html.Span(className="spinner-border spinner-border-sm me-2", **{"aria-hidden": "true"}),
                     html.Span(text)], id=progress_id, className="drd-progress", role="status",
                    **{"data-drd-view": view_id})


# AG Grid's own words (its pager, empty table and filter menus), as its localeText keys
GRID_WORDS = {"noRowsToShow": N_("No rows to show"), "loadingOoo": N_("Loading…"), "page": N_("Page"),
              "of": N_("of"), "to": N_("to"), "more": N_("more"), "firstPage": N_("First page"),
              "previousPage": N_("Previous page"), "nextPage": N_("Next page"), "lastPage": N_("Last page"),
              "filterOoo": N_("Filter…"), "contains": N_("Contains"), "notContains": N_("Does not contain"),
              "equals": N_("Equals"), "notEqual": N_("Does not equal"), "startsWith": N_("Begins with"),
              "endsWith": N_("Ends with"), "blank": N_("Blank"), "notBlank": N_("Not blank"),
              "lessThan": N_("Less than"), "greaterThan": N_("Greater than"),
              "lessThanOrEqual": N_("Less than or equal to"), "greaterThanOrEqual": N_("Greater than or equal to"),
              "inRange": N_("Between"), "andCondition": N_("AND"), "orCondition": N_("OR")}


def grid_options(options: dict) -> dict:
    """`dashGridOptions` for an AG Grid in the request's language: its own words translated and, right to
    left, AG Grid's mirrored layout (columns from the right)."""
    if i18n.current() == i18n.DEFAULT:
        return options
    return options | {"localeText": {k: _(v) for k, v in GRID_WORDS.items()},
                      "enableRtl": i18n.direction() == "rtl"}


def alert(message, color: str = "warning", **kwargs) -> dbc.Alert:
    return dbc.Alert(message, color=color, className="drd-alert", **kwargs)


def reset_alerts(problems: list[str]) -> list[dbc.Alert]:
    """One alert per URL parameter a page did not understand and reset (its parse() problems)."""
    return [alert(_("The link asked for something unknown and was reset: %(problem)s", problem=p)) for p in problems]


def point(title, text) -> html.Li:
    """A list item that starts with its point in bold: "<b>Title.</b> The explanation."."""
    return html.Li([html.Strong(title + " "), text])


def table(caption, head, rows: list, label: str, class_name: str = "drd-table", id: str | None = None) -> html.Div:
    """A striped table with its caption, in a box that scrolls sideways on a phone. The box is a named
    region in the tab order, so a keyboard can reach and scroll it (axe scrollable-region-focusable)."""
    caption = caption if isinstance(caption, html.Caption) else html.Caption(caption)
    return html.Div(dbc.Table([caption, head, html.Tbody(rows)], size="sm", striped=True, className=class_name),
                    className="table-responsive", tabIndex=0, role="region", **{"aria-label": label},
                    **({"id": id} if id else {}))


def section(title: str, *children, menu=None, id: str | None = None) -> html.Section:
    """A titled block: heading (with an optional download menu beside it) then the content."""
    head = html.Div([html.H2(title, className="h5 mb-0 me-2"), menu] if menu is not None else
                    [html.H2(title, className="h5 mb-0")],
                    className="d-flex flex-wrap align-items-center gap-2 mb-2")
    return html.Section([head, *children], className="mb-4", **({"id": id} if id else {}))


def year_options() -> list[dict]:
    return [{"label": str(y), "value": y} for y in sorted(data.years(), reverse=True)]


def country_options(scored_only: bool = False) -> list[dict]:
    """Every country as a dropdown option, named in the page's language and sorted for it (memoised per
    scoring run and language: ~200 CLDR names, built for each page with a country picker)."""
    return figures.memo(("country-options", scored_only), lambda: _country_options(scored_only))


def _country_options(scored_only: bool) -> list[dict]:
    frame = data.countries().sort_values("name")
    named = [(i18n.country_name(iso3, row["name"]), iso3) for iso3, row in frame.iterrows()]
    return [{"label": f"{name} ({iso3})", "value": iso3} for name, iso3 in sorted(named, key=lambda n: _collate(n[0]))]


def _collate(name: str) -> str:
    """Sort key for names in any script: accents folded (Ä with A), case ignored."""
    import unicodedata
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower() or name


def region_options() -> list[dict]:
    regions = sorted(r for r in data.countries()["region"].dropna().unique() if r)
    return [{"label": _("All regions"), "value": "all"}] + [{"label": i18n.region_name(r), "value": r}
                                                             for r in regions]


def labelled(label: str, control, control_id: str, width: dict | None = None, hidden: bool = False) -> dbc.Col:
    """A form control with a visible <label> bound to it (keyboard and screen-reader friendly), in a
    column `<control_id>-col` (`hidden` starts it hidden, for controls a view does not use)."""
    return dbc.Col([dbc.Label(label, html_for=control_id, className="small fw-semibold mb-1",
                              id=f"{control_id}-label"),
                    html.Div(control, className="drd-control")],  # keeps the control's height while it loads
                   **(width or {"xs": 12, "sm": 6, "lg": 3}), id=f"{control_id}-col",
                   className="mb-2 d-none" if hidden else "mb-2")


def actors() -> list[dict]:
    return [{"label": _("All actors"), "value": "all"}, {"label": _("State"), "value": "state"},
            {"label": _("Corporate"), "value": "corporate"}]


def actor_radio(radio_id: str, value: str, width: dict) -> dbc.Col:
    """The all / state / corporate toggle, labelled as a radio group."""
    label_id = f"{radio_id}-label"
    return dbc.Col([html.Div(_("Actor"), id=label_id, className="small fw-semibold mb-1 form-label"),
                    html.Div(dbc.RadioItems(id=radio_id, options=actors(), value=value, inline=True,
                                            input_class_name="me-1", label_class_name="me-2"),
                             role="radiogroup", **{"aria-labelledby": label_id})],
                   **width, className="mb-2")


def parse_view(params: dict, specs) -> tuple[dict, list[str]]:
    """Valid view parameters from a URL: `specs` is (name, parser, default) per parameter, where
    `parser(params, ctx)` raises ValueError naming a bad one. Bad ones fall back to their default
    and their messages are returned, so the page can say what it reset."""
    from ..figures import context
    ctx = context()
    view, problems = {}, []
    for name, parser, default in specs:
        try:
            view[name] = parser(params, ctx)
        except ValueError as exc:
            view[name] = default
            problems.append(i18n.localise(exc))  # a ParamError's prose in the page's language
    return view, problems


def url_sync(store_id: str, path: str, fields: list[tuple]) -> None:
    """Keep the address bar in step with a page's controls (history.replaceState: no reload, no
    history spam), so a copied link reproduces the view. `fields` is (control id, URL key, value
    left out of the URL[, value written for an empty list, e.g. a switch turned off]); lists are
    joined with commas. An explicit `lang` in the address is kept."""
    keys = json.dumps([f[1] for f in fields])
    skip = json.dumps([f[2] for f in fields])
    empty = json.dumps([f[3] if len(f) > 3 else "" for f in fields])
    clientside_callback(
        f"""
        function(...values) {{
            const keys = {keys}, skip = {skip}, empty = {empty}, q = new URLSearchParams();
            values.forEach(function (v, i) {{
                if (Array.isArray(v)) {{ v = v.length ? v.join(',') : empty[i]; }}
                if (v !== null && v !== undefined && v !== '' && v !== skip[i]) {{ q.set(keys[i], v); }}
            }});
            const lang = new URLSearchParams(window.location.search).get('lang');
            if (lang) {{ q.set('lang', lang); }}  // the page's language stays in its address (dashboard.i18n)
            const s = q.toString().replace(/%2C/g, ',');
            if (window.location.pathname === '{path}') {{
                window.history.replaceState(window.history.state, '', '{path}' + (s ? '?' + s : ''));
            }}
            return s;
        }}
        """,
        Output(store_id, "data"), *[Input(f[0], "value") for f in fields],
    )


def downloads(chart: str | None, chart_params: dict | None = None, data_params: dict | None = None,
              gis: bool = False, menu_id: str | None = None, data: str = "scores"):
    """The shared download menu (dashboard.components.downloads) for a chart and the data behind it."""
    from .downloads import download_menu
    return download_menu(chart, chart_params, data_params, gis=gis, menu_id=menu_id, data=data)
