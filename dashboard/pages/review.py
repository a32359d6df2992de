"""/review: expert spot-checks. Signed-in reviewers confirm or dispute each indicator value; leads
accept or reject proposed corrections (four eyes) and add missing observations.

Thin page: the rules live in dashboard.review.service; callbacks check the session user again.
The layout takes no required argument and always carries every id (Dash validates callbacks).
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, State, callback, dcc, html

from dashboard import data, i18n
from dashboard.callback_input import reject, scalar
from dashboard.components import ui
from dashboard.i18n import N_, _, ngettext

dash.register_page(__name__, path="/review", name=N_("Review"),
                   title=lambda **_kw: _("Expert review · Digital Rights Dashboard"), order=90)

GRID = {"className": "ag-theme-quartz drd-grid", "style": {"width": "100%"}}
# Tab leaves the grid (AG Grid would otherwise walk every cell); arrow keys move between cells; Space picks a row.
GRID_OPTIONS = {"domLayout": "autoHeight", "ensureDomOrder": True, "animateRows": False,
                "tabToNextCell": {"function": "false"}, "tabToNextHeader": {"function": "false"},
                "suppressCellFocus": False,
                "enableCellTextSelection": True, "pagination": True}
TEXT = {"sortable": True, "resizable": True, "filter": True, "wrapText": True, "autoHeight": True,
        "cellStyle": {"lineHeight": "1.35", "paddingTop": "0.3rem", "paddingBottom": "0.3rem"}}


def _grid(grid_id: str, columns: list[dict], page_size: int | None, select: bool = False, **extra):
    """An AG Grid in the page's style; `page_size=None`: every row on one page (no pager to tab through)."""
    options = GRID_OPTIONS | ({"paginationPageSize": page_size, "paginationPageSizeSelector": False} if page_size
                              else {"pagination": False})
    if select:
        options["rowSelection"] = {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True}
    return dag.AgGrid(id=grid_id, rowData=[], columnDefs=_columns(columns), defaultColDef=TEXT,
                      dashGridOptions=ui.grid_options(options),
                      getRowId="params.data.id", columnSize="responsiveSizeToFit", **GRID, **extra)


GRID_COLUMNS = [
    {"field": "name", "headerName": N_("Indicator"), "minWidth": 170, "flex": 3},
    {"field": "indicator", "headerName": N_("Code"), "minWidth": 110, "flex": 1},
    {"field": "where", "headerName": N_("Pillar · actor"), "minWidth": 120, "flex": 2},
    {"field": "value_text", "headerName": N_("Value (scale)"), "minWidth": 140, "flex": 2},
    {"field": "year_text", "headerName": N_("Year (edition)"), "minWidth": 100, "flex": 1},
    {"field": "dataset", "headerName": N_("Dataset · variable"), "minWidth": 170, "flex": 3},
    {"field": "score", "headerName": N_("Score (1–6)"), "minWidth": 90, "flex": 1, "filter": "agNumberColumnFilter"},
    {"field": "review", "headerName": N_("Review"), "minWidth": 130, "flex": 2},
]
CORRECTION_COLUMNS = [
    {"field": "id", "headerName": "#", "minWidth": 56, "flex": 0.5, "filter": "agNumberColumnFilter"},
    {"field": "what", "headerName": N_("Country · year · indicator"), "minWidth": 160, "flex": 2},
    {"field": "change", "headerName": N_("Published → proposed"), "minWidth": 120, "flex": 1.5},
    {"field": "reason", "headerName": N_("Reason"), "minWidth": 160, "flex": 3},
    {"field": "source_label", "headerName": N_("Source"), "minWidth": 150, "flex": 2.5},
    {"field": "proposer", "headerName": N_("Proposed by"), "minWidth": 110, "flex": 1.5},
]
HISTORY_COLUMNS = [
    {"field": "id", "headerName": N_("Event"), "minWidth": 64, "flex": 0.6, "filter": "agNumberColumnFilter"},
    {"field": "at", "headerName": N_("When (UTC)"), "minWidth": 110, "flex": 1.2},
    {"field": "actor", "headerName": N_("Who"), "minWidth": 120, "flex": 1.5},
    {"field": "action", "headerName": N_("What"), "minWidth": 140, "flex": 1.6},
    {"field": "indicator", "headerName": N_("Indicator"), "minWidth": 100, "flex": 1.2},
    {"field": "summary", "headerName": N_("Detail"), "minWidth": 180, "flex": 3.5},
]
PROGRESS_COLUMNS = [
    {"field": "name", "headerName": N_("Country"), "minWidth": 140, "flex": 2},
    {"field": "reviewed", "headerName": N_("Reviewed"), "minWidth": 90, "flex": 1, "filter": "agNumberColumnFilter"},
    {"field": "values", "headerName": N_("Values"), "minWidth": 80, "flex": 1, "filter": "agNumberColumnFilter"},
    {"field": "share", "headerName": N_("Share"), "minWidth": 80, "flex": 1},
    {"field": "open_disputes", "headerName": N_("Open disputes"), "minWidth": 110, "flex": 1,
     "filter": "agNumberColumnFilter"},
]
PEOPLE_COLUMNS = [
    {"field": "name", "headerName": N_("Account (never public)"), "minWidth": 140, "flex": 2},
    {"field": "role", "headerName": N_("Role"), "minWidth": 90, "flex": 1},
    {"field": "display_name", "headerName": N_("Shown in public as"), "minWidth": 160, "flex": 2},
    {"field": "state", "headerName": N_("Status"), "minWidth": 90, "flex": 1},
]
FIELDS = ("status", "proposed_value", "source", "comment")  # form fields whose problems show beside them
STATUS = {"confirmed": N_("confirmed"), "disputed": N_("disputed"), "proposed": N_("proposed"),
          "accepted": N_("accepted"), "rejected": N_("rejected")}


def _columns(columns: list[dict]) -> list[dict]:
    """Column definitions with their headers in the request's language (the constants keep the English)."""
    return [c | {"headerName": _(c["headerName"])} if c["headerName"] != "#" else c for c in columns]


def _status(status) -> str:
    return _(STATUS[status]) if status in STATUS else str(status or "")


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
    named = sorted(((i18n.country_name(iso3, row["name"]), iso3, row["pilot"]) for iso3, row in frame.iterrows()),
                   key=lambda n: n[0])
    return [{"label": f"{name} ({iso3})" + (" ★" if pilot else ""), "value": iso3} for name, iso3, pilot in named]


def _year_options() -> list[int]:
    try:
        return sorted(data.years(), reverse=True)
    except Exception:  # noqa: BLE001
        return []


def _field_error(name: str):
    return html.Div(id=f"review-{name}-error", className="invalid-feedback d-block", **{"aria-live": "polite"})


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
    who = (html.Div([html.Span([_("Signed in as") + " ", html.Strong(user.name),
                                " " + _("(%(role)s); shown in public as", role=_role(user.role)) + " ",
                                html.Strong(user.display_name or "?")], className="me-3"),
                     html.Form([dcc.Input(type="hidden", name="csrf", value=_csrf(), id="review-signout-csrf"),
                                html.Button(_("Sign out"), type="submit", className="btn btn-outline-secondary btn-sm",
                                            id="review-signout")],
                               method="POST", action="/signout", className="d-inline")],
                    className="d-flex align-items-center flex-wrap gap-1")
           if user else html.Div([html.A(_("Sign in"), href="/signin?next=/review", className="btn btn-primary btn-sm"),
                                  dcc.Location(id="review-signin-redirect", href="/signin?next=/review",
                                               refresh=True)]))
    return html.Div([
        html.Div([html.H1(_("Expert review"), className="h3 mb-0"), who],
                 className="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-2"),
        html.P(_("Check every indicator value against its source: confirm it, or dispute it with a proposed "
                 "value and a source. A lead other than the proposer accepts or rejects each proposal; only "
                 "accepted corrections change the scores. Every action is kept in the audit trail. In public "
                 "(pages, API, downloads, briefs) panel members appear only under their display names."),
               className="text-muted"),
        dcc.Store(id="review-version-review", data=0),
        dcc.Store(id="review-version-decision", data=0),
        dcc.Store(id="review-version-observation", data=0),
        dcc.Store(id="review-version-people", data=0),
        dcc.Store(id="review-focus-form"),
        dcc.Interval(id="review-recompute-poll", interval=1500, disabled=True),
        dbc.Row([
            dbc.Col([dbc.Label(_("Country"), html_for="review-country"),
                     dcc.Dropdown(id="review-country", options=_country_options(), value=country, clearable=False)],
                    md=5),
            dbc.Col([dbc.Label(_("Score year"), html_for="review-year"),
                     dcc.Dropdown(id="review-year", options=years, value=year, clearable=False)], md=2),
            dbc.Col(html.Div(id="review-scores", className="pt-md-4"), md=5),
        ], className="mb-3 g-3"),
        html.Div(id="review-recompute-notice", role="status"),
        html.Div(id="review-progress", className="mb-3"),
        html.H2(_("Indicator values"), className="h5"),
        html.P([_("Choose a value to review: click its row, or press Tab to reach the table, move with the arrow "
                  "keys and press") + " ", html.Kbd(_("Space")), ". " + _("The review form below then opens with "
                                                                          "that value. Sort or filter with each "
                                                                          "column's header menu.")],
               className="small text-muted mb-1", id="review-grid-help"),
        _grid("review-grid", GRID_COLUMNS, None, select=True),
        dcc.Store(id="review-selected-indicator"),
        dcc.Store(id="review-selected-correction"),
        dbc.Card(dbc.CardBody([
            html.H2(_("Review the chosen value"), className="h5", id="review-form-heading", tabIndex="-1"),
            html.Div(_("No value chosen yet: choose a row in the table above."), id="review-selected",
                     className="mb-2"),
            html.Fieldset([
                html.Legend(_("Verdict (required)"), className="form-label fs-6 mb-1"),
                dbc.RadioItems(id="review-status", value=None, inline=True,
                               name="review-status",  # one radio group: the arrow keys move between them
                               options=[{"label": _("Confirmed: the value matches its source"), "value": "confirmed"},
                                        {"label": _("Disputed: the source says otherwise"), "value": "disputed"}]),
                _field_error("status"),
            ], className="mb-2"),
            dbc.Row([
                dbc.Col([dbc.Label(_("Proposed value (for a dispute, on the scale shown above)"),
                                   html_for="review-proposed"),
                         dbc.Input(id="review-proposed", type="number", step="any"), _field_error("proposed_value")],
                        md=4),
                dbc.Col([dbc.Label(_("Source (for a dispute): a URL, and optionally a note such as the item"),
                                   html_for="review-source"),
                         dbc.Input(id="review-source", type="text", maxLength=500,
                                   placeholder="https://freedomhouse.org/country/... (E1)"),
                         _field_error("source")], md=8),
            ], className="g-2"),
            dbc.Label(_("Comment (why; required for a dispute)"), html_for="review-comment", className="mt-2"),
            dbc.Textarea(id="review-comment", maxLength=2000, rows=2),
            _field_error("comment"),
            dbc.Button(_("Save review"), id="review-submit", color="primary", className="mt-2"),
            html.Div(id="review-feedback", className="mt-2", role="status"),
        ]), className="my-3", id="review-form"),
        html.Div([
            html.H2(_("Proposed corrections (leads)"), className="h5"),
            html.P(_("Choose a proposal (click, or arrow keys and Space), then accept or reject it. You cannot "
                     "decide your own proposals. Your decision note is published with the correction, under your "
                     "display name."), className="small text-muted mb-1"),
            html.P(id="review-corrections-empty", className="small"),
            _grid("review-corrections", CORRECTION_COLUMNS, 10, select=True),
            html.Div(id="review-correction-detail", className="small mt-2"),
            dbc.Row([
                dbc.Col([dbc.Label(_("Decision note (optional; published)"), html_for="review-decision-comment"),
                         dbc.Input(id="review-decision-comment", maxLength=2000)], md=6),
                dbc.Col([dbc.Button(_("Accept"), id="review-accept", color="success", className="me-2"),
                         dbc.Button(_("Reject"), id="review-reject", color="danger", outline=True)], md=6,
                        className="d-flex align-items-end"),
            ], className="g-2 mt-1"),
            html.Div(id="review-decision-feedback", className="mt-2", role="status"),
            html.H2(_("Add a missing observation (leads)"), className="h5 mt-4"),
            dbc.Row([
                dbc.Col([dbc.Label(_("Indicator"), html_for="review-add-indicator"),
                         dcc.Dropdown(id="review-add-indicator", options=[])], md=4),
                dbc.Col([dbc.Label(_("Value"), html_for="review-add-value"),
                         dbc.Input(id="review-add-value", type="number", step="any")], md=2),
                dbc.Col([dbc.Label(_("Source"), html_for="review-add-source"),
                         dbc.Input(id="review-add-source", maxLength=500)], md=6),
            ], className="g-2"),
            dbc.Label(_("Why (required)"), html_for="review-add-comment", className="mt-2"),
            dbc.Textarea(id="review-add-comment", maxLength=2000, rows=2),
            dbc.Button(_("Propose observation"), id="review-add-submit", color="secondary", className="mt-2"),
            html.Div(id="review-add-feedback", className="mt-2", role="status"),
            html.H2(_("Public names of panel members (leads)"), className="h5 mt-4"),
            html.P(_("Pages, the API, downloads and briefs name panel members only by these display names; the "
                     "account names stay in this signed-in audit trail. Each account starts as “Panel member N”."),
                   className="small text-muted mb-1"),
            _grid("review-people", PEOPLE_COLUMNS, 10),
            dbc.Row([
                dbc.Col([dbc.Label(_("Account"), html_for="review-people-account"),
                         dcc.Dropdown(id="review-people-account", options=[])], md=4),
                dbc.Col([dbc.Label(_("New display name"), html_for="review-people-name"),
                         dbc.Input(id="review-people-name", maxLength=64)], md=5),
                dbc.Col(dbc.Button(_("Save display name"), id="review-people-submit", color="secondary"), md=3,
                        className="d-flex align-items-end"),
            ], className="g-2 mt-1"),
            html.Div(id="review-people-feedback", className="mt-2", role="status"),
        ], id="review-lead-panel", className="my-3" if is_lead else "d-none"),
        html.H2(_("Progress by country"), className="h5 mt-4"),
        _grid("review-progress-all", PROGRESS_COLUMNS, 10),
        html.H2(_("Audit trail for this country"), className="h5 mt-4"),
        _grid("review-history", HISTORY_COLUMNS, 15),
    ], className="pb-5")


# ------------------------------------------------------------------ pure helpers (tested directly)

def grid_rows(drill: dict, reviews: list[dict], specs=None) -> list[dict]:
    """One row per indicator of the drill-down, with what the reviewer checks: the value on its scale,
    the observation year and edition, the dataset and variable, the source link (the country's page where
    the publisher has one), and the latest review (under the reviewer's display name)."""
    from dashboard.review import present
    specs = data.dataset().methodology.indicators if specs is None else specs
    latest: dict[str, dict] = {}
    for r in reviews:
        latest[r["indicator"]] = r
    rows = []
    for pillar in drill["pillars"]:
        for item in pillar["items"]:
            code = item["indicator"]
            spec = specs.loc[code] if code in specs.index else {}
            src = item.get("source") or {}
            unit, variable = str(spec.get("unit") or ""), str(spec.get("source_variable") or "")
            link = present.country_page(src, drill["iso3"], drill["country"], item.get("obs_year"), item.get("note"))
            ed = present.edition(item.get("note"))
            r = latest.get(code)
            review = "" if r is None else _("%(status)s by %(who)s", status=_status(r["status"]),
                                            who=r.get("reviewer_display") or r["reviewer"])
            if item.get("corrected"):
                review = (review + "; " if review else "") + _("corrected")
            year_text = "" if item.get("obs_year") is None else str(item["obs_year"])
            if ed:
                year_text += " " + _("(edition %(edition)s)", edition=ed)
            if item.get("carried"):
                year_text += ", " + _("carried to %(year)s", year=drill["year"])
            pillar_name = i18n.methodology("pillars", pillar.get("node"), "name", pillar["name"])
            actor_name = i18n.methodology("actors", item["actor"], "name", item["actor"])
            rows.append({"id": code, "indicator": code,
                         "name": i18n.methodology("indicators", code, "name", item["name"]),
                         "where": f"{pillar_name} · {actor_name}", "pillar": pillar["name"],
                         "actor": item["actor"], "value": item.get("value"), "obs_year": item.get("obs_year"),
                         "value_text": (_("no data") if item.get("value") is None else
                                        present.value_text(item.get("value"), unit, item.get("method"))),
                         "unit": unit, "year_text": year_text or "-", "note": item.get("note") or "",
                         "dataset": " · ".join(filter(None, [src.get("dataset") or src.get("publisher"),
                                                             variable])),
                         "publisher": src.get("publisher") or "", "source_url": link["url"],
                         "source_label": link["label"], "country_page": link["country_page"],
                         "score": None if item.get("score") is None else round(item["score"], 2),
                         "review": review or (_("no data") if item.get("value") is None else _("not reviewed")),
                         "last_comment": "" if r is None else r["comment"]})
    return rows


def chosen_text(row: dict) -> list:
    """What the reviewer is checking, in words, with the source as a real link."""
    link = (html.A(row["source_label"], href=row["source_url"], target="_blank", rel="noopener noreferrer",
                   id="review-selected-source")
            if row.get("source_url")
            else html.Span(row.get("source_label") or _("no source"), id="review-selected-source"))
    facts = [(_("Value"), row["value_text"]), (_("Observation year"), row["year_text"]),
             (_("Dataset · variable"), row["dataset"]), (_("Note"), row.get("note") or "-"),
             (_("Score"), _("withheld or no data") if row["score"] is None else
              _("%(score)s on 1–6", score=i18n.number(row["score"]))),
             (_("Review so far"), row["review"] + (f": “{row['last_comment']}”" if row.get("last_comment") else ""))]
    return [html.P([html.Strong(row["name"]), f" ({row['indicator']}), {row['where']}"], className="mb-1"),
            html.Dl([part for label, value in facts for part in (html.Dt(label), html.Dd(value))],
                    className="drd-facts small mb-1"),
            html.P([_("Check it at:") + " ", link], className="small mb-0")]


def correction_rows(corrections: list[dict], names: dict[str, str]) -> list[dict]:
    """The lead's table: one row per proposal, short columns that fit 1280 px."""
    from dashboard.review import present
    rows = []
    for c in corrections:
        url, label = present.split_source(c.get("source"))
        published = _("none") if c.get("original_value") is None else f"{c['original_value']:g}"
        rows.append({"id": c["id"], "what": f"{c['country']} {c['year']} · {c['indicator']}",
                     "change": f"{published} → {c['value']:g}", "reason": c.get("reason") or "",
                     "source_url": url, "source_label": " · ".join(filter(None, [label, url])) or "-",
                     "proposer": c.get("proposer_display") or names.get(c.get("proposer"), c.get("proposer")),
                     "kind": c.get("kind"), "status": c.get("status")})
    return rows


def history_rows(events: list[dict], names: dict[str, str]) -> list[dict]:
    """The audit trail in words: newest first, "who" as account (display name)."""
    from dashboard.review import present
    rows = []
    for e in reversed(events):
        shown = names.get(e["actor"])
        rows.append({"id": e["id"], "at": (e["at"] or "").replace("T", " ")[:19],
                     "actor": f"{e['actor']} ({shown})" if shown else e["actor"],
                     "action": _(present.action_text(e["action"])), "indicator": e["indicator"] or "",
                     "summary": _event_summary(e)})
    return rows


def _event_summary(ev: dict) -> str:
    after = ev.get("after") or {}
    if ev["action"].startswith("review."):
        extra = (", " + _("proposed %(value)s", value=f"{after.get('proposed_value'):g}")
                 if after.get("proposed_value") is not None else "")
        comment = after.get("comment") or ""
        return f"{_status(after.get('status', '')).capitalize()}{extra}" + (f": {comment}" if comment else "")
    if ev["action"].startswith("correction."):
        before = ev.get("before") or {}
        note = after.get("decision_comment") if before else after.get("reason")
        value = after.get("value")
        change = f"{_status(before.get('status'))} → {_status(after.get('status'))}" if before else _("proposed")
        return (_("Correction #%(id)s, %(change)s, value %(value)s", id=ev["entity_id"], change=change,
                  value=f"{value:g}") if value is not None
                else _("Correction #%(id)s, %(change)s", id=ev["entity_id"], change=change)) + \
            (f": {note}" if note else "")
    if ev["action"].startswith("user."):
        return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in after.items() if k != "password") + \
            (", " + _("password changed") if "password" in after else "")
    return ""


def _alert(message, ok: bool, role: str | None = None):
    alert = dbc.Alert(message, color="success" if ok else "danger", className="py-2 mb-0")
    return html.Div(alert, role=role) if role else alert


def _fmt(value) -> str:
    return _("no data") if value is None else i18n.number(value)


ROLES = {"lead": N_("lead"), "reviewer": N_("reviewer")}


def _role(role) -> str:
    return _(ROLES[role]) if role in ROLES else str(role or "")


def _names(store) -> dict[str, str]:
    from dashboard.review.auth import list_users
    return {u["name"]: u["display_name"] for u in list_users(store) if u.get("display_name")}


# ------------------------------------------------------------------ callbacks

@callback(Output("review-grid", "rowData"), Output("review-progress", "children"), Output("review-scores", "children"),
          Output("review-corrections", "rowData"), Output("review-history", "rowData"),
          Output("review-add-indicator", "options"), Output("review-progress-all", "rowData"),
          Output("review-corrections-empty", "children"), Output("review-people", "rowData"),
          Output("review-people-account", "options"), Output("review-recompute-notice", "children"),
          Output("review-recompute-poll", "disabled"),
          Input("review-country", "value"), Input("review-year", "value"),
          Input("review-version-review", "data"), Input("review-version-decision", "data"),
          Input("review-version-observation", "data"), Input("review-version-people", "data"),
          Input("review-recompute-poll", "n_intervals"))
def refresh(country, year, *_versions):
    from dashboard.review import service
    from dashboard.review.auth import list_users
    user = _user()
    if user is None or not country or not year:
        return [], "", "", [], [], [], [], "", [], [], "", True
    try:
        country, year = service._country(country), service._year(year)
    except service.ReviewError as exc:
        reject(i18n.localise(exc))
    store = _store()
    pending = data.recomputing()
    drill = data.drilldown(country, int(year))
    reviews = service.list_reviews(store, country, int(year))
    rows = grid_rows(drill, reviews)
    prog = service.progress(store, country, int(year))
    share = prog["share_reviewed"]
    progress = html.Div([
        html.Div(ngettext("%(reviewed)s of %(num)s value reviewed (%(share)s)",
                          "%(reviewed)s of %(num)s values reviewed (%(share)s)", prog["values"],
                          reviewed=prog["reviewed"], share=i18n.percent(share)) + " · "
                 + ngettext("%(num)s open dispute for %(country)s", "%(num)s open disputes for %(country)s",
                            prog["open_disputes"], country=i18n.country_name(country, drill["country"])),
                 id="review-progress-text"),
        html.Div(html.Div(className="progress-bar", style={"width": f"{share:.0%}"}), className="progress mt-1",
                 role="progressbar", style={"height": "0.5rem"},
                 **{"aria-label": _("share of values reviewed"), "aria-valuenow": round(share * 100),
                    "aria-valuemin": 0, "aria-valuemax": 100}),
    ])
    overall = drill["overall"]
    scores = html.Div([html.Span(_("Overall score") + " "),
                       html.Strong(_fmt(overall["score"]), id="review-overall-score"),
                       html.Span(f" {i18n.node_label('overall', overall['label'])}", className="text-muted"),
                       html.Div(" · ".join(f"{i18n.methodology('pillars', p.get('node'), 'name', p['name'])} "
                                           f"{_fmt(p['score'])}" for p in drill["pillars"]),
                                className="small text-muted")])
    accounts = list_users(store)
    names = {u["name"]: u["display_name"] for u in accounts if u.get("display_name")}
    corrections = correction_rows(service.list_corrections(store, status="proposed"), names) if user.is_lead else []
    history = history_rows(service.list_events(store, iso3=country), names)
    missing = [{"label": f"{it['name']} ({it['indicator']})", "value": it["indicator"]}
               for p in drill["pillars"] for it in p["items"] if it.get("value") is None]
    pilots = list(data.countries().index[data.countries()["pilot"]])
    overview = [r | {"id": r["country"], "share": f"{r['share_reviewed']:.0%}"}
                for r in service.progress_all(store, int(year), pilots + [country])]
    waiting = (ngettext("%(num)s proposal waiting for a decision.", "%(num)s proposals waiting for a decision.",
                        len(corrections)) if corrections else _("No proposals are waiting for a decision."))
    people = ([{"id": u["id"], "name": u["name"], "role": u["role"], "display_name": u["display_name"] or "",
                "state": _("active") if u["active"] else _("inactive")} for u in accounts] if user.is_lead else [])
    people_options = [{"label": _("%(account)s (shown as %(name)s)", account=u["name"], name=u["display_name"]),
                       "value": u["name"]}
                      for u in accounts] if user.is_lead else []
    notice = (dbc.Alert([dbc.Spinner(size="sm", spinner_class_name="me-2", type="border"),
                         _("An accepted correction is being folded into the scores (about a minute). Until then "
                           "every page keeps showing the previous scores; this page updates by itself.")],
                        color="info", className="py-2 d-flex align-items-center", id="review-recompute-alert")
              if pending else "")
    return (rows, progress, scores, corrections, history, missing, overview, waiting, people, people_options,
            notice, not pending)


def _chosen_id(selected, kinds, max_len: int = 100):
    """The id of the first row of an AG Grid `selectedRows` payload, checked (400 when malformed)."""
    if selected is None:
        return None
    if not isinstance(selected, list) or not all(isinstance(r, dict) for r in selected):
        reject("selectedRows must be a list of objects")
    if len(selected) > 1:
        reject("choose one row at a time")
    return scalar(selected[0].get("id"), "row id", kinds, max_len) if selected else None


def _server_row(country, year, code: str) -> dict | None:
    """The grid row `code` as the server builds it for this country and year (None when unknown)."""
    from dashboard.review import service
    user = _user()
    if user is None:
        return None
    try:
        country, year = service._country(country), service._year(year)
    except service.ReviewError as exc:
        reject(i18n.localise(exc))
    drill = data.drilldown(country, int(year))
    rows = grid_rows(drill, service.list_reviews(_store(), country, int(year)))
    return next((r for r in rows if r["id"] == code), None)


def _server_correction(cid: int) -> dict | None:
    """A waiting proposal's row as the lead's table shows it, from the store (None for others)."""
    from dashboard.review import service
    from dashboard.review.auth import list_users
    user = _user()
    if user is None or not user.is_lead:
        return None
    store = _store()
    pending = [c for c in service.list_corrections(store, status="proposed") if c["id"] == cid]
    if not pending:
        return None
    names = {u["name"]: u["display_name"] for u in list_users(store) if u.get("display_name")}
    return correction_rows(pending, names)[0]


@callback(Output("review-selected", "children"), Output("review-selected-indicator", "data"),
          Output("review-status", "value"), Output("review-proposed", "value"), Output("review-source", "value"),
          Output("review-comment", "value"), Output("review-feedback", "children", allow_duplicate=True),
          *[Output(f"review-{f}-error", "children", allow_duplicate=True) for f in FIELDS],
          Output("review-proposed", "invalid"), Output("review-source", "invalid"),
          Output("review-comment", "invalid"),
          Input("review-grid", "selectedRows"), State("review-selected-indicator", "data"),
          State("review-country", "value"), State("review-year", "value"),
          prevent_initial_call=True)
def select_row(selected, current, country=None, year=None):
    """A newly chosen row gets an empty form (no verdict, no leftover comment); the same row is left alone.

    Only the chosen row's id is taken from the browser (checked); what is shown is rebuilt on the server."""
    code = _chosen_id(selected, (str,), 64)
    scalar(current, "review-selected-indicator", (str,), 64)
    row = _server_row(country, year, code) if code is not None else None
    code = row["id"] if row else None
    if code == current:
        if row is None:
            raise dash.exceptions.PreventUpdate
        return (chosen_text(row), *([dash.no_update] * 13))  # new facts (e.g. after saving), same form
    text = chosen_text(row) if row else _("No value chosen yet: choose a row in the table above.")
    return (text, code, None, None, "", "", "", *([""] * len(FIELDS)), False, False, False)


# choosing a row moves the keyboard focus (and the view) to the form, whatever did the choosing
dash.clientside_callback(
    """function(code) {
        if (!code) { return window.dash_clientside.no_update; }
        setTimeout(function () {
            var heading = document.getElementById('review-form-heading');
            if (heading) { heading.scrollIntoView({block: 'start'}); heading.focus({preventScroll: true}); }
        }, 60);
        return code;
    }""",
    Output("review-focus-form", "data"), Input("review-selected-indicator", "data"), prevent_initial_call=True)


@callback(Output("review-selected-correction", "data"), Output("review-correction-detail", "children"),
          Input("review-corrections", "selectedRows"))
def select_correction(selected):
    cid = _chosen_id(selected, (int,))
    row = _server_correction(cid) if cid is not None else None
    if row is None:
        return None, ""
    source = (html.A(row["source_label"], href=row["source_url"], target="_blank", rel="noopener noreferrer")
              if row.get("source_url") else row["source_label"])
    return row["id"], html.Div([html.Strong(_("Proposal #%(id)s:", id=row["id"]) + " "),
                                f"{row['what']}, {row['change']}. ",
                                _("Why: %(reason)s.", reason=row["reason"]) + " " + _("Source:") + " ", source,
                                ". " + _("Proposed by %(who)s.", who=row["proposer"])])


@callback(Output("review-feedback", "children"), Output("review-version-review", "data"),
          *[Output(f"review-{f}-error", "children") for f in FIELDS],
          Output("review-proposed", "invalid", allow_duplicate=True),
          Output("review-source", "invalid", allow_duplicate=True),
          Output("review-comment", "invalid", allow_duplicate=True),
          Input("review-submit", "n_clicks"),
          State("review-country", "value"), State("review-year", "value"), State("review-selected-indicator", "data"),
          State("review-status", "value"), State("review-comment", "value"), State("review-proposed", "value"),
          State("review-source", "value"), State("review-version-review", "data"), prevent_initial_call=True)
def submit(_n, country, year, selected, status, comment, proposed, source, version):
    from dashboard.review import service
    scalar(version, "version", (int,))
    clear = [""] * len(FIELDS) + [False, False, False]
    if _user() is None:  # who asks comes first, then what they sent
        return _alert(_("Sign in to review."), False, role="alert"), dash.no_update, *clear
    scalar(selected, "indicator", (str,), 64)
    if not selected:
        return _alert(_("Choose a row in the table first."), False, role="alert"), dash.no_update, *clear
    payload = {"country": country, "year": year, "indicator": selected, "status": status,
               "comment": comment or "", "source": source or ""}
    if status == "disputed" or proposed not in (None, ""):
        payload["proposed_value"] = proposed
    problems = service.review_problems(payload)
    if problems:
        problems = {field: i18n.localise(problem) for field, problem in problems.items()}  # the service's words
        errors = [problems.get(f, "") for f in FIELDS]
        flags = [bool(problems.get(f)) for f in ("proposed_value", "source", "comment")]
        summary = _alert([html.Strong(ngettext("%(num)s thing to fix before saving:",
                                               "%(num)s things to fix before saving:", len(problems)) + " "),
                          "; ".join(problems.values()) + "."], False, role="alert")
        return summary, dash.no_update, *errors, *flags
    try:
        result = service.submit_review(_store(), _user(), payload)
    except service.ReviewError as exc:
        return _alert(i18n.localise(exc), False, role="alert"), dash.no_update, *clear
    msg = _("Saved: %(indicator)s %(status)s.", indicator=selected, status=_status(status))
    if result.get("correction"):
        msg += " " + _("Correction #%(id)s awaits a lead's decision.", id=result["correction"]["id"])
    return _alert(msg, True), (version or 0) + 1, *clear


@callback(Output("review-decision-feedback", "children"), Output("review-version-decision", "data"),
          Input("review-accept", "n_clicks"), Input("review-reject", "n_clicks"),
          State("review-selected-correction", "data"), State("review-decision-comment", "value"),
          State("review-version-decision", "data"), prevent_initial_call=True)
def decide(_accept, _reject, selected, comment, version):
    from dashboard.review import service
    user = _user()
    if user is None or not user.is_lead:  # who asks comes first, then what they sent
        return _alert(_("Only a signed-in lead can decide."), False), dash.no_update
    scalar(selected, "correction", (int,))
    scalar(version, "version", (int,))
    if not selected:
        return _alert(_("Choose a proposed correction first."), False, role="alert"), dash.no_update
    accept = dash.ctx.triggered_id == "review-accept"
    try:
        result = service.decide(_store(), user, selected, accept, comment)
    except service.ReviewError as exc:
        return _alert(i18n.localise(exc), False, role="alert"), dash.no_update
    text = (_("Correction #%(id)s accepted: the scores are being recomputed with it; pages show the previous "
              "scores until then.", id=result["id"]) if accept else
            _("Correction #%(id)s rejected: it stays in the history.", id=result["id"]))
    return _alert(text, True), (version or 0) + 1


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
        return _alert(i18n.localise(exc), False, role="alert"), dash.no_update
    return _alert(_("Observation proposed as correction #%(id)s; another lead must accept it.", id=result["id"]),
                  True), \
        (version or 0) + 1


@callback(Output("review-people-feedback", "children"), Output("review-version-people", "data"),
          Input("review-people-submit", "n_clicks"), State("review-people-account", "value"),
          State("review-people-name", "value"), State("review-version-people", "data"), prevent_initial_call=True)
def set_display_name(_n, account, display_name, version):
    from dashboard.review.auth import AuthError, update_user
    user = _user()
    if user is None or not user.is_lead:
        return _alert(_("Only a lead can choose display names."), False, role="alert"), dash.no_update
    scalar(account, "account", (str,), 64)
    scalar(display_name, "display name", (str,), 200)
    scalar(version, "version", (int,))
    if not account:
        return _alert(_("Choose an account first."), False, role="alert"), dash.no_update
    try:
        shown = update_user(_store(), account, display_name=display_name or "", actor=user.name)
    except AuthError as exc:
        return _alert(i18n.localise(exc), False, role="alert"), dash.no_update
    return _alert(_("%(account)s is now shown in public as “%(name)s”.", account=account, name=shown["display_name"]),
                  True), (version or 0) + 1
