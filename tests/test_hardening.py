"""Issue 13 (hardening) for the pages: nothing one user sees leaks to another; callback ids still checked."""

from __future__ import annotations

import dash
import pytest

from dashboard.config import Config
from tests.conftest import DATA


@pytest.fixture
def fresh_app(tmp_path):
    """A new app whose workers have served nothing yet, with a lead account."""
    from dashboard import create_app
    from dashboard.review.auth import add_user
    app = create_app(Config(data_dir=DATA, instance_dir=tmp_path / "instance", secret_key="leak-test"))
    lead = add_user(app.server.extensions["drd_review"].store, "leeleak", "lead", "leeleak-password")
    return app, lead


def _as_lead(client, app, lead):
    from dashboard.review.auth import session_values
    values = session_values(app.server.extensions["drd_review"].store, lead)
    with client.session_transaction() as sess:  # a signed-in browser, without a request to the app
        sess.update(values | {"csrf": "lead-csrf-token-xyz", "_permanent": True})


@pytest.mark.parametrize("first", ["/review", "/", "/country/COL"])
def test_a_leads_first_request_does_not_reach_a_visitors_page(fresh_app, first):
    app, lead = fresh_app
    lead_client = app.server.test_client()
    _as_lead(lead_client, app, lead)
    assert lead_client.get(first).status_code == 200  # the worker's very first request is the lead's
    for path in ("/", "/review", "/methodology"):
        page = app.server.test_client().get(path, follow_redirects=True).get_data(as_text=True)
        assert "leeleak" not in page, f"{path} shows the lead's name to a visitor"
        assert "lead-csrf-token-xyz" not in page, f"{path} carries the lead's CSRF token"
        assert "Signed in as" not in page


def test_pages_carry_no_validation_layout(fresh_app):
    app, _ = fresh_app
    html = app.server.test_client().get("/").get_data(as_text=True)
    assert "validation_layout" not in html
    assert len(html.encode()) < 60_000, f"the map page's HTML is {len(html) // 1024} KB"


def _ids(component, found: set) -> set:
    if isinstance(component, (list, tuple)):
        for c in component:
            _ids(c, found)
    elif isinstance(component, dash.development.base_component.Component):
        cid = getattr(component, "id", None)
        if cid is not None:
            found.add(cid if isinstance(cid, str) else repr(sorted(cid)))
        for prop in component._prop_names:
            value = getattr(component, prop, None)
            if isinstance(value, (list, tuple, dash.development.base_component.Component)):
                _ids(value, found)
    return found


def test_every_callback_id_is_in_a_layout(fresh_app):
    """What Dash's validation_layout checked: each callback's ids exist in the app shell or some page."""
    from dashboard import layout as shell
    app, _ = fresh_app
    found = _ids(shell(), set())
    with app.server.test_request_context("/"):
        for page in dash.page_registry.values():
            made = page["layout"]
            if callable(made):
                made = made(iso3="COL") if "<iso3>" in (page.get("path_template") or "") else made()
            _ids(made, found)
    found |= {"_pages_location", "_pages_content", "_pages_store", "_pages_dummy"}
    missing = set()
    for key, cb in app.callback_map.items():
        outs = key.strip(".").split("...") if key.startswith("..") else [key]
        wanted = [o.rsplit(".", 1)[0] for o in outs] + [d["id"] for d in cb["inputs"] + cb.get("state", [])]
        missing |= {w for w in wanted if isinstance(w, str) and w not in found}
    assert not missing, f"callbacks use ids no layout has: {sorted(missing)}"


# ---------------------------------------------------------------- 8. security headers

def test_every_page_and_route_carries_security_headers(fresh_app):
    app, _ = fresh_app
    client = app.server.test_client()
    for path in ("/", "/country/COL", "/api/v1/countries", "/assets/drd.css", "/signin", "/no-such-page"):
        r = client.get(path)
        csp = r.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp, path
        assert "'unsafe-eval'" not in csp and "script-src 'self'" in csp, path
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert r.headers["Referrer-Policy"] == "no-referrer", path
        assert r.headers["X-Frame-Options"] == "DENY", path
        assert "Strict-Transport-Security" not in r.headers


def test_inline_scripts_are_allowed_by_hash_only(fresh_app):
    import base64
    import hashlib
    import re
    app, _ = fresh_app
    r = app.server.test_client().get("/")
    html = r.get_data()
    gz = app.server.test_client().get("/", headers={"Accept-Encoding": "gzip"})  # as browsers ask
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gz.headers["Content-Security-Policy"] == r.headers["Content-Security-Policy"]
    inline = [m.group(2) for m in re.finditer(rb"<script(?![^>]*\ssrc=)([^>]*)>(.*?)</script>", html, re.S)
              if b"application/json" not in m.group(1)]
    assert inline, "Dash's renderer start-up script is inline"
    script_src = next(d for d in r.headers["Content-Security-Policy"].split("; ") if d.startswith("script-src"))
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    assert "'unsafe-inline'" not in script_src


def test_hsts_behind_https_and_embeds_may_be_framed(tmp_path, monkeypatch):
    from flask import Flask

    from dashboard import security
    monkeypatch.setenv("DRD_SECURE_COOKIES", "1")
    monkeypatch.setenv("DRD_EMBED_ANCESTORS", "https://undp.org")
    server = Flask(__name__)
    security.init_app(server)
    server.add_url_rule("/embed/<chart>", "embed", lambda chart: "<html><body>chart</body></html>")
    server.add_url_rule("/", "home", lambda: "home")
    client = server.test_client()
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=31536000")
    embed = client.get("/embed/map")
    assert "frame-ancestors https://undp.org" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers


# ---------------------------------------------------------------- 7. caps for every route

def test_oversized_bodies_and_query_strings_are_refused(fresh_app):
    app, _ = fresh_app
    client = app.server.test_client()
    r = client.post("/_dash-update-component", data=b"x" * (2 * 2 ** 20), content_type="application/json")
    assert r.status_code == 413  # refused before Dash reads it, as JSON that says why (was an HTML page)
    assert r.json == {"error": "the request body is larger than 1024 KB", "status": 413}
    assert client.get("/api/v1/scores?country=" + "COL," * 3000).status_code == 414


# ---------------------------------------------------------------- 5. one session secret for every worker

def test_workers_without_drd_secret_key_share_the_instance_secret(tmp_path):
    from dashboard import create_app
    config = Config(data_dir=DATA, instance_dir=tmp_path / "inst")
    first, second = create_app(config), create_app(config)  # two workers of one gunicorn
    assert first.server.secret_key == second.server.secret_key and len(first.server.secret_key) == 64
    secret = tmp_path / "inst" / "secret_key"
    assert oct(secret.stat().st_mode)[-3:] == "600"
    from dashboard.review.auth import add_user, session_values
    store = first.server.extensions["drd_review"].store
    user = add_user(store, "ana", "reviewer", "ana-password")
    client = first.server.test_client()
    with client.session_transaction() as sess:
        sess.update(session_values(store, user))
    cookie = client.get_cookie("drd_session").value
    other = second.server.test_client()
    other.set_cookie("drd_session", cookie)
    assert other.get("/api/v1/reviews").status_code == 200  # signed by one worker, read by the other
    assert Config.from_env({"DRD_SECRET_KEY": "k" * 40}).secret_key == "k" * 40


# ---------------------------------------------------------------- 7. tampered callback payloads

def _outputs(out: str):
    parts = out.strip(".").split("...") if out.startswith("..") else [out]
    outs = [dict(zip(("id", "property"), p.rsplit(".", 1))) for p in parts]
    return outs if out.startswith("..") else outs[0]


def test_no_tampered_callback_payload_is_a_500(fresh_app):
    app, lead = fresh_app
    client = app.server.test_client()
    _as_lead(client, app, lead)  # the review callbacks too, as a lead (their worst case)
    deps = client.get("/_dash-dependencies").json
    junk = ["ZZZ", {"points": [{"location": 5}]}, -10 ** 30, [None], "2021abc", {"a": 1}, 1e308, True]
    failures = []
    for dep in deps:
        if dep.get("clientside_function"):
            continue
        for value in junk:
            for k, changed in enumerate(dep["inputs"]):
                body = {"output": dep["output"], "outputs": _outputs(dep["output"]),
                        "inputs": [dict(i, value=value if j == k else None) for j, i in enumerate(dep["inputs"])],
                        "state": [dict(s, value=value) for s in dep.get("state", [])],
                        "changedPropIds": [f"{changed['id']}.{changed['property']}"]}
                r = client.post("/_dash-update-component", json=body)
                if r.status_code >= 500:
                    failures.append((dep["output"][:50], value))
    assert not failures, failures


def _open_pillar(client, active, classes=None):
    """The drill-down's 'a pillar was opened' callback, as the browser sends it for COL 2021."""
    from dashboard.components import drilldown as dd
    nodes = ["privacy", "expression", "access", "association"]
    classes = classes if classes is not None else [dd.LOADED] + [dd.EMPTY] * 3
    boxes = [{"id": {"node": n, "type": dd.TABLE_BOX}, "property": p} for n in nodes for p in ("children",)]
    dep = next(d for d in client.get("/_dash-dependencies").json if d["output"].startswith('..{"node":["ALL"]'))
    return client.post("/_dash-update-component", json={
        "output": dep["output"],
        "outputs": [boxes, [dict(b, property="className") for b in boxes]],
        "inputs": [{"id": "country-drilldown", "property": "active_item", "value": active}],
        "state": [[dict(b, property="className", value=c) for b, c in zip(boxes, classes)],
                  {"id": "country-iso3", "property": "data", "value": "COL"},
                  {"id": "country-year", "property": "value", "value": 2021}],
        "changedPropIds": ["country-drilldown.active_item"]})


def test_named_tampered_payloads_get_400_with_a_message(fresh_app):
    app, _ = fresh_app
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").json
    dep = next(d for d in deps if [i["id"] for i in d["inputs"]] == ["country-year"]
               and [s["id"] for s in d.get("state", [])][:1] == ["country-iso3"]
               and "country-url-sync" not in d["output"])
    r = client.post("/_dash-update-component", json={
        "output": dep["output"], "outputs": _outputs(dep["output"]),
        "inputs": [{"id": "country-year", "property": "value", "value": 2021}],
        "state": [{"id": "country-iso3", "property": "data", "value": "XXX"},
                  {"id": "country-drilldown", "property": "active_item", "value": None}],
        "changedPropIds": ["country-year.value"]})
    assert r.status_code == 400 and r.json["error"] == "country: 'XXX' is not a known country code"
    r = client.post("/_dash-update-component", json={  # a state left out: was an IndexError (500)
        "output": dep["output"], "outputs": _outputs(dep["output"]),
        "inputs": [{"id": "country-year", "property": "value", "value": 2021}],
        "state": [{"id": "country-iso3", "property": "data", "value": "COL"}], "changedPropIds": []})
    assert r.status_code == 400 and r.json["error"] == "'state' must have 2 items for this output"
    r = client.post("/_dash-update-component", json={
        "output": dep["output"], "outputs": {"id": "country-cards", "property": "children"},
        "inputs": [{"id": "country-year", "property": "value", "value": 2021}], "state": [], "changedPropIds": []})
    assert r.status_code == 400
    r = _open_pillar(client, ["privacy", "../etc"])
    assert r.status_code == 400 and r.json["error"] == "country-drilldown.active_item: '../etc' is not a pillar"
    assert _open_pillar(client, ["access"], classes=[None]).status_code == 400  # boxes do not match
    r = _open_pillar(client, ["privacy", "access"])
    assert r.status_code == 200 and "a_shutdowns" in r.get_data(as_text=True)
    r = client.post("/_dash-update-component", json={
        "output": "no-such.children", "outputs": {"id": "no-such", "property": "children"},
        "inputs": [], "state": [], "changedPropIds": []})
    assert r.status_code == 400 and "no callback has the output" in r.json["error"]
    r = client.post("/_dash-update-component", data=b"[1, 2]", content_type="application/json")
    assert r.status_code == 400 and "'output' string" in r.json["error"]


@pytest.mark.parametrize("path", ["/review", "/country/COL", "/", "/compare", "/trends"])
def test_repeated_url_parameters_render_the_page(fresh_app, path):
    app, lead = fresh_app
    client = app.server.test_client()
    _as_lead(client, app, lead)
    r = client.post("/_dash-update-component", json={
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": "?year=2021&year=abc&country=x&country=y"}],
        "changedPropIds": ["_pages_location.pathname"]})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]


@pytest.mark.parametrize("year", ["0-30000000", "0-999999999", "2015-99999999999999999999", ",".join(["2021"] * 101)])
def test_year_ranges_are_bounded_before_they_are_expanded(fresh_app, year):
    import time
    app, _ = fresh_app
    client = app.server.test_client()
    client.get("/api/v1/scores?year=2021")  # load the data first: time only the parameter
    start = time.perf_counter()
    r = client.get(f"/api/v1/scores?year={year}")
    assert r.status_code == 400 and r.json["parameter"] == "year"
    assert time.perf_counter() - start < 2.0  # 12.9 s and +1.4 GB on the baseline for 0-30000000
