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
    from dashboard.review.auth import _stamp, user_by_id
    _, password_hash = user_by_id(app.server.extensions["drd_review"].store, lead.id)
    with client.session_transaction() as sess:  # a signed-in browser, without a request to the app
        sess.update(review_uid=lead.id, review_stamp=_stamp(password_hash), csrf="lead-csrf-token-xyz",
                    _permanent=True)


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
