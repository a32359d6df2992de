"""/review: expert spot-checks. Signed-in reviewers confirm or dispute each indicator value; leads
accept or reject proposed corrections (four eyes) and add missing observations.

Thin page: the rules live in dashboard.review.service; callbacks check the session user again.
The layout takes no required argument and always carries every id (Dash validates callbacks).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, State, callback, dash_table, dcc, html

from dashboard import data
from dashboard.callback_input import reject, scalar

dash.register_page(__name__, path="/review", name="Review", title="Expert review · Digital Rights Dashboard",
                   order=90)

GRID_COLUMNS = [
    {"id": "indicator", "name": "Code"},
    {"id": "name", "name": "Indicator"},
    {"id": "pillar", "name": "Pillar"},
    {"id": "actor", "name": "Actor"},
    {"id": "value", "name": "Raw value", "type": "numeric"},
    {"id": "obs_year", "name": "Year", "type": "numeric"},
    {"id": "source", "name": "Source", "presentation": "markdown"},
    {"id": "score", "name": "Score (1-6)", "type": "numeric"},
    {"id": "review", "name": "Review"},
    {"id": "last_comment", "name": "Last comment"},
]
CORRECTION_COLUMNS = [
    {"id": "id", "name": "#", "type": "numeric"},
    {"id": "kind", "name": "Kind"},
    {"id": "country", "name": "Country"},
    {"id": "year", "name": "Year", "type": "numeric"},
    {"id": "indicator", "name": "Indicator"},
    {"id": "original_value", "name": "Published", "type": "numeric"},
    {"id": "value", "name": "Proposed", "type": "numeric"},
    {"id": "reason", "name": "Reason"},
    {"id": "source", "name": "Source"},
    {"id": "proposer", "name": "Proposed by"},
    {"id": "status", "name": "Status"},
    {"id": "decided_by", "name": "Decided by"},
]
HISTORY_COLUMNS = [
    {"id": "id", "name": "Event", "type": "numeric"},
    {"id": "at", "name": "When (UTC)"},
    {"id": "actor", "name": "Who"},
    {"id": "action", "name": "What"},
    {"id": "indicator", "name": "Indicator"},
    {"id": "summary", "name": "Detail"},
]
PROGRESS_COLUMNS = [
    {"id": "name", "name": "Country"},
    {"id": "reviewed", "name": "Reviewed", "type": "numeric"},
    {"id": "values", "name": "Values", "type": "numeric"},
    {"id": "share", "name": "Share"},
    {"id": "open_disputes", "name": "Open disputes", "type": "numeric"},
]
TABLE_STYLE = dict(
    style_table={"overflowX": "auto"},
    style_cell={"textAlign": "left", "fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                "fontSize": "0.875rem", "padding": "0.35rem 0.5rem", "whiteSpace": "normal", "height": "auto",
                "maxWidth": "24rem"},
    style_cell_conditional=[{"if": {"column_id": c}, "minWidth": w} for c, w in
                            (("name", "15rem"), ("source", "9rem"), ("last_comment", "12rem"), ("reason", "12rem"),
                             ("summary", "16rem"), ("review", "7rem"))],
    style_header={"fontWeight": "600", "backgroundColor": "#f1f3f5"},
    style_filter={"backgroundColor": "#fff"},
    css=[{"selector": ".dash-spreadsheet td div", "rule": "line-height: 1.3;"},
         {"selector": "p", "rule": "margin: 0;"},
         {"selector": ".dash-filter--case", "rule": "display: none;"},
         {"selector": "td.dash-cell", "rule": "cursor: pointer;"}],
)


def _user():
    try:
        from dashboard.review.auth import session_user
        return session_user()
    except (RuntimeError, KeyError):  # no request or no review store (e.g. a bare Dash app)
        return None


def _csrf() -> str:
    try:
        from dashboard.review.auth import csrf_token
        return csrf_token()
    except (RuntimeError, KeyError):
        return ""


def _store():
    return flask.current_app.extensions["drd_review"].store


def _country_options() -> list[dict]:
    try:
        frame = data.countries().sort_values("name")
    except Exception:  # noqa: BLE001 - the layout must render even when data cannot load
        return []
    return [{"label": f"{row['name']} ({iso3})" + (" ★" if row["pilot"] else ""), "value": iso3}
            for iso3, row in frame.iterrows()]


def _year_options() -> list[int]:
    try:
        return sorted(data.years(), reverse=True)
    except Exception:  # noqa: BLE001
        return []


def layout(country: str = "COL", year: str | int | None = None, **_params) -> html.Div:
    user = _user()
    years = _year_options()
    year = year if isinstance(year, (str, int)) and not isinstance(year, bool) else None  # ?year=1&year=2: a list
    try:
        year = int(year) if year else None
    except ValueError:
        year = None
    if year not in years:
        year = years[0] if years else None
    country = country.upper() if isinstance(country, str) and len(country) == 3 else "COL"
    is_lead = bool(user and user.is_lead)
    who = (html.Div([html.Span(["Signed in as ", html.Strong(user.name), f" ({user.role})"], className="me-3"),
                     html.Form([dcc.Input(type="hidden", name="csrf", value=_csrf(), id="review-signout-csrf"),
                                html.Button("Sign out", type="submit", className="btn btn-outline-secondary btn-sm",
                                            id="review-signout")],
                               method="POST", action="/signout", className="d-inline")],
                    className="d-flex align-items-center")
           if user else html.Div([html.A("Sign in", href="/signin?next=/review", className="btn btn-primary btn-sm"),
                                  dcc.Location(id="review-signin-redirect", href="/signin?next=/review",
                                               refresh=True)]))
    return html.Div([
        html.Div([html.H1("Expert review", className="h3 mb-0"), who],
                 className="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-2"),
        html.P("Check every indicator value against its source: confirm it, or dispute it with a proposed "
               "value and a source. A lead other than the proposer accepts or rejects each proposal; only "
               "accepted corrections change the scores. Every action is kept in the audit trail.",
               className="text-muted"),
        dcc.Store(id="review-version-review", data=0),
        dcc.Store(id="review-version-decision", data=0),
        dcc.Store(id="review-version-observation", data=0),
        dbc.Row([
            dbc.Col([dbc.Label("Country", html_for="review-country"),
                     dcc.Dropdown(id="review-country", options=_country_options(), value=country, clearable=False)],
                    md=5),
            dbc.Col([dbc.Label("Score year", html_for="review-year"),
                     dcc.Dropdown(id="review-year", options=years, value=year, clearable=False)], md=2),
            dbc.Col(html.Div(id="review-scores", className="pt-md-4"), md=5),
        ], className="mb-3 g-3"),
        html.Div(id="review-progress", className="mb-3"),
        html.H2("Indicator values", className="h5"),
        html.P("Click a row (or move to it with the arrow keys) to review it. Click a column header to sort; "
               "type in the row under the headers to filter (e.g. > 3, or privacy).",
               className="small text-muted mb-1"),
        dcc.Store(id="review-selected-indicator"),
        dcc.Store(id="review-selected-correction"),
        dash_table.DataTable(id="review-grid", columns=GRID_COLUMNS, data=[],
                             sort_action="native", filter_action="native", page_action="none",
                             filter_options={"case": "insensitive"},
                             markdown_options={"link_target": "_blank", "html": False},
                             style_data_conditional=grid_styles(None),
                             **TABLE_STYLE),
        dbc.Card(dbc.CardBody([
            html.H2("Review the selected value", className="h5"),
            html.P("No value selected: click a row in the table above.", id="review-selected"),
            dbc.Row([
                dbc.Col([dbc.Label("Verdict", html_for="review-status"),
                         dbc.RadioItems(id="review-status", value="confirmed", inline=True,
                                        options=[{"label": "Confirmed", "value": "confirmed"},
                                                 {"label": "Disputed", "value": "disputed"}])], md=3),
                dbc.Col([dbc.Label("Proposed value (disputes)", html_for="review-proposed"),
                         dbc.Input(id="review-proposed", type="number", step="any")], md=3),
                dbc.Col([dbc.Label("Source (disputes): URL or citation", html_for="review-source"),
                         dbc.Input(id="review-source", type="text", maxLength=500)], md=6),
            ], className="g-2"),
            dbc.Label("Comment (why; required for a dispute)", html_for="review-comment", className="mt-2"),
            dbc.Textarea(id="review-comment", maxLength=2000, rows=2),
            dbc.Button("Save review", id="review-submit", color="primary", className="mt-2"),
            html.Div(id="review-feedback", className="mt-2", role="status"),
        ]), className="my-3"),
        html.Div([
            html.H2("Proposed corrections (leads)", className="h5"),
            html.P("Click a proposal, then accept or reject it. You cannot decide your own proposals.",
                   className="small text-muted mb-1"),
            html.P(id="review-corrections-empty", className="small"),
            dash_table.DataTable(id="review-corrections", columns=CORRECTION_COLUMNS, data=[],
                                 sort_action="native", filter_action="native", page_size=10,
                                 filter_options={"case": "insensitive"},
                                 style_data_conditional=selected_style(None), **TABLE_STYLE),
            dbc.Row([
                dbc.Col([dbc.Label("Decision note (optional)", html_for="review-decision-comment",
                                   className="visually-hidden"),
                         dbc.Input(id="review-decision-comment", placeholder="Decision note (optional)",
                                   maxLength=2000)], md=6),
                dbc.Col([dbc.Button("Accept", id="review-accept", color="success", className="me-2"),
                         dbc.Button("Reject", id="review-reject", color="danger", outline=True)], md=6),
            ], className="g-2 mt-2"),
            html.Div(id="review-decision-feedback", className="mt-2", role="status"),
            html.H2("Add a missing observation (leads)", className="h5 mt-4"),
            dbc.Row([
                dbc.Col([dbc.Label("Indicator", html_for="review-add-indicator"),
                         dcc.Dropdown(id="review-add-indicator", options=[])], md=4),
                dbc.Col([dbc.Label("Value", html_for="review-add-value"),
                         dbc.Input(id="review-add-value", type="number", step="any")], md=2),
                dbc.Col([dbc.Label("Source", html_for="review-add-source"),
                         dbc.Input(id="review-add-source", maxLength=500)], md=6),
            ], className="g-2"),
            dbc.Label("Why (required)", html_for="review-add-comment", className="mt-2"),
            dbc.Textarea(id="review-add-comment", maxLength=2000, rows=2),
            dbc.Button("Propose observation", id="review-add-submit", color="secondary", className="mt-2"),
            html.Div(id="review-add-feedback", className="mt-2", role="status"),
        ], id="review-lead-panel", className="my-3" if is_lead else "d-none"),
        html.H2("Progress by country", className="h5 mt-4"),
        dash_table.DataTable(id="review-progress-all", columns=PROGRESS_COLUMNS, data=[], sort_action="native",
                             page_size=10, **TABLE_STYLE),
        html.H2("Audit trail for this country", className="h5 mt-4"),
        dash_table.DataTable(id="review-history", columns=HISTORY_COLUMNS, data=[], sort_action="native",
                             filter_action="native", page_size=15, filter_options={"case": "insensitive"},
                             **TABLE_STYLE),
    ], className="pb-5")


# ------------------------------------------------------------------ pure helpers (tested directly)

def grid_rows(drill: dict, reviews: list[dict]) -> list[dict]:
    """One row per indicator of the drill-down, with its latest review."""
    latest: dict[str, dict] = {}
    for r in reviews:
        latest[r["indicator"]] = r
    rows = []
    for pillar in drill["pillars"]:
        for item in pillar["items"]:
            src = item.get("source") or {}
            label = _md(src.get("publisher", "?"))
            link = f"[{label}]({src['url']})" if src.get("url") else label
            r = latest.get(item["indicator"])
            review = "" if r is None else f"{r['status']} by {r['reviewer']}"
            if item.get("corrected"):
                review = (review + "; " if review else "") + "corrected"
            rows.append({"id": item["indicator"], "indicator": item["indicator"], "name": item["name"],
                         "pillar": pillar["name"], "actor": item["actor"], "value": item.get("value"),
                         "obs_year": item.get("obs_year"), "source": link,
                         "score": None if item.get("score") is None else round(item["score"], 2),
                         "review": review or ("no data" if item.get("value") is None else "not reviewed"),
                         "last_comment": "" if r is None else r["comment"]})
    return rows


def _md(text: str) -> str:
    """Escape markdown (and so any HTML) in a label shown in a markdown cell."""
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|" else c for c in str(text))


def _event_summary(ev: dict) -> str:
    after = ev.get("after") or {}
    if ev["action"].startswith("review."):
        extra = f", proposed {after.get('proposed_value')}" if after.get("proposed_value") is not None else ""
        return f"{after.get('status')}{extra}: {after.get('comment') or ''}".strip(": ")
    if ev["action"].startswith("correction."):
        before = ev.get("before") or {}
        note = after.get("decision_comment") or after.get("reason") or ""
        return f"#{ev['entity_id']} {before.get('status', '') + ' -> ' if before else ''}{after.get('status')}" \
               f" value {after.get('value')}: {note}"
    return ""


def selected_style(row_id) -> list[dict]:
    if row_id is None:
        return []
    query = f"{{id}} = {row_id}" if isinstance(row_id, int) else f'{{id}} = "{row_id}"'
    return [{"if": {"filter_query": query}, "backgroundColor": "#cfe2ff", "fontWeight": "600"},
            {"if": {"state": "active"}, "backgroundColor": "#cfe2ff", "border": "1px solid #0d6efd"}]


def grid_styles(selected: str | None) -> list[dict]:
    """Reviewed rows tinted (disputed amber, confirmed green); the selected row blue."""
    return [{"if": {"filter_query": '{review} contains "disputed"'}, "backgroundColor": "#fff3cd"},
            {"if": {"filter_query": '{review} contains "confirmed"'}, "backgroundColor": "#e8f5e9"},
            *selected_style(selected)]


def _alert(message: str, ok: bool):
    return dbc.Alert(message, color="success" if ok else "danger", className="py-2 mb-0")


def _fmt(value) -> str:
    return "no data" if value is None else f"{value:.2f}"


# ------------------------------------------------------------------ callbacks

@callback(Output("review-grid", "data"), Output("review-progress", "children"), Output("review-scores", "children"),
          Output("review-corrections", "data"), Output("review-history", "data"),
          Output("review-add-indicator", "options"), Output("review-progress-all", "data"),
          Output("review-corrections-empty", "children"),
          Input("review-country", "value"), Input("review-year", "value"),
          Input("review-version-review", "data"), Input("review-version-decision", "data"),
          Input("review-version-observation", "data"))
def refresh(country, year, *_versions):
    from dashboard.review import service
    user = _user()
    if user is None or not country or not year:
        return [], "", "", [], [], [], [], ""
    try:
        country, year = service._country(country), service._year(year)
    except service.ReviewError as exc:
        reject(str(exc))
    store = _store()
    drill = data.drilldown(country, int(year))
    reviews = service.list_reviews(store, country, int(year))
    rows = grid_rows(drill, reviews)
    prog = service.progress(store, country, int(year))
    share = prog["share_reviewed"]
    progress = html.Div([
        html.Div(f"{prog['reviewed']} of {prog['values']} values reviewed ({share:.0%}) · "
                 f"{prog['open_disputes']} open dispute(s) for {drill['country']}", id="review-progress-text"),
        html.Div(html.Div(className="progress-bar", style={"width": f"{share:.0%}"}), className="progress mt-1",
                 role="progressbar", style={"height": "0.5rem"},
                 **{"aria-label": "share of values reviewed", "aria-valuenow": round(share * 100),
                    "aria-valuemin": 0, "aria-valuemax": 100}),
    ])
    overall = drill["overall"]
    scores = html.Div([html.Span("Overall score "), html.Strong(_fmt(overall["score"]), id="review-overall-score"),
                       html.Span(f" {overall['label'] or ''}", className="text-muted"),
                       html.Div(" · ".join(f"{p['name']} {_fmt(p['score'])}" for p in drill["pillars"]),
                                className="small text-muted")])
    corrections = service.list_corrections(store, status="proposed") if user.is_lead else []
    events = service.list_events(store, iso3=country)
    history = [{"id": e["id"], "at": (e["at"] or "").replace("T", " ")[:19], "actor": e["actor"],
                "action": e["action"], "indicator": e["indicator"] or "", "summary": _event_summary(e)}
               for e in reversed(events)]
    missing = [{"label": f"{it['name']} ({it['indicator']})", "value": it["indicator"]}
               for p in drill["pillars"] for it in p["items"] if it.get("value") is None]
    pilots = list(data.countries().index[data.countries()["pilot"]])
    overview = [r | {"share": f"{r['share_reviewed']:.0%}"}
                for r in service.progress_all(store, int(year), pilots + [country])]
    waiting = (f"{len(corrections)} proposal(s) waiting for a decision." if corrections
               else "No proposals are waiting for a decision.")
    return rows, progress, scores, corrections, history, missing, overview, waiting


@callback(Output("review-selected", "children"), Output("review-proposed", "value"),
          Output("review-selected-indicator", "data"), Output("review-grid", "style_data_conditional"),
          Input("review-grid", "active_cell"), State("review-grid", "data"))
def select_row(active, rows):
    if active is not None and not isinstance(active, dict):
        reject("active_cell must be an object")
    if rows is not None and (not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows)):
        reject("the grid's rows must be a list of objects")
    code = scalar((active or {}).get("row_id"), "row_id", (str,), 64)
    row = next((r for r in rows or [] if r["id"] == code), None)
    if row is None:
        return "No value selected: click a row in the table above.", None, None, grid_styles(None)
    value = "no data" if row["value"] is None else f"{row['value']:g} ({row['obs_year']})"
    text = [html.Strong(row["name"]), f" ({row['indicator']}): raw value {value}, score {_fmt(row['score'])}"]
    return text, None, code, grid_styles(code)


@callback(Output("review-selected-correction", "data"), Output("review-corrections", "style_data_conditional"),
          Input("review-corrections", "active_cell"))
def select_correction(active):
    if active is not None and not isinstance(active, dict):
        reject("active_cell must be an object")
    cid = scalar((active or {}).get("row_id"), "row_id", (int,))
    return cid, selected_style(cid)


@callback(Output("review-feedback", "children"), Output("review-version-review", "data"),
          Input("review-submit", "n_clicks"),
          State("review-country", "value"), State("review-year", "value"), State("review-selected-indicator", "data"),
          State("review-status", "value"), State("review-comment", "value"), State("review-proposed", "value"),
          State("review-source", "value"), State("review-version-review", "data"), prevent_initial_call=True)
def submit(_n, country, year, selected, status, comment, proposed, source, version):
    from dashboard.review import service
    scalar(version, "version", (int,))
    if not selected:
        return _alert("Click a row in the table first.", False), dash.no_update
    payload = {"country": country, "year": year, "indicator": selected, "status": status,
               "comment": comment or "", "source": source or ""}
    if status == "disputed":
        payload["proposed_value"] = proposed
    try:
        result = service.submit_review(_store(), _user(), payload)
    except service.ReviewError as exc:
        return _alert(str(exc), False), dash.no_update
    msg = f"Saved: {selected} {status}."
    if result.get("correction"):
        msg += f" Correction #{result['correction']['id']} awaits a lead's decision."
    return _alert(msg, True), (version or 0) + 1


@callback(Output("review-decision-feedback", "children"), Output("review-version-decision", "data"),
          Input("review-accept", "n_clicks"), Input("review-reject", "n_clicks"),
          State("review-selected-correction", "data"), State("review-decision-comment", "value"),
          State("review-version-decision", "data"), prevent_initial_call=True)
def decide(_accept, _reject, selected, comment, version):
    from dashboard.review import service
    user = _user()
    if user is None or not user.is_lead:  # who asks comes first, then what they sent
        return _alert("Only a signed-in lead can decide.", False), dash.no_update
    scalar(selected, "correction", (int,))
    scalar(version, "version", (int,))
    if not selected:
        return _alert("Click a proposed correction first.", False), dash.no_update
    accept = dash.ctx.triggered_id == "review-accept"
    try:
        result = service.decide(_store(), user, selected, accept, comment)
    except service.ReviewError as exc:
        return _alert(str(exc), False), dash.no_update
    verb = "accepted: the scores now use it" if accept else "rejected: it stays in the history"
    return _alert(f"Correction #{result['id']} {verb}.", True), (version or 0) + 1


@callback(Output("review-add-feedback", "children"), Output("review-version-observation", "data"),
          Input("review-add-submit", "n_clicks"),
          State("review-country", "value"), State("review-year", "value"), State("review-add-indicator", "value"),
          State("review-add-value", "value"), State("review-add-source", "value"),
          State("review-add-comment", "value"), State("review-version-observation", "data"),
          prevent_initial_call=True)
def add_observation(_n, country, year, indicator, value, source, comment, version):
    from dashboard.review import service
    scalar(version, "version", (int,))
    payload = {"country": country, "year": year, "indicator": indicator, "value": value, "source": source or "",
               "comment": comment or ""}
    try:
        result = service.propose_observation(_store(), _user(), payload)
    except service.ReviewError as exc:
        return _alert(str(exc), False), dash.no_update
    return _alert(f"Observation proposed as correction #{result['id']}; another lead must accept it.", True), \
        (version or 0) + 1
