"""The Dash app factory: pages, local assets, compression and the plain Flask routes."""

from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import html
from flask_compress import Compress

from indicators import load_dataset

from . import api, caching, callback_input, data, exports, i18n, security
from .components.footer import footer
from .components.language import language_menu
from .components.static import static
from .config import Config
from .i18n import N_, _
from .shell import IGNORED_ASSETS, DashboardApp

ROOT = Path(__file__).resolve().parent.parent
TITLE = N_("Digital Rights Dashboard")


def create_app(config: Config | None = None) -> dash.Dash:
    """Build the app. The data is validated here (DataValidationError naming file, line and field: the app
    refuses to start rather than answer 500 on every data request); scores load on the first request."""
    config = config or Config.from_env()
    load_dataset(config.data_dir)
    data.configure(config.data_dir)
    app = DashboardApp(
        __name__,
        title=TITLE,
        use_pages=True,
        pages_folder=str(Path(__file__).parent / "pages"),
        assets_folder=str(ROOT / "assets"),
        assets_ignore=IGNORED_ASSETS,  # added by dashboard.shell where needed (chart bundle, runtime, RTL CSS)
        serve_locally=True,
        external_stylesheets=[],  # Bootstrap ships in assets/vendor: nothing from a CDN
        # No validation_layout: Dash would render every page's layout once per worker, inside the first
        # request (with that visitor's session: a lead's name and CSRF token), and embed it in every later
        # page of that worker. Callback ids are checked by tests/test_hardening.py instead.
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    # screen readers need it; the shell sets each request's language and direction (dashboard.i18n)
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    server = app.server
    server.config["DRD"] = config
    # one key for every worker: DRD_SECRET_KEY, else the one persisted in the instance folder
    server.secret_key = config.secret_key or security.instance_secret(config.instance_dir)
    server.config["COMPRESS_MIMETYPES"] = ["text/html", "text/css", "application/javascript", "text/javascript",
                                           "application/json", "text/csv", "image/svg+xml"]
    caching.init_app(server)  # immutable fingerprinted files, their compressed bytes kept (before Compress)
    Compress(server)
    caching.init_static(server, app.config.assets_folder)  # fingerprinted files: compressed once, hard
    i18n.init_app(server)  # the request's language (?lang=, Accept-Language); after Compress: runs before it
    security.init_app(server)  # CSP and other headers, caps; after Compress, so it hashes the uncompressed page
    callback_input.init_app(server)  # tampered callback payloads: 400, not 500 (after the body-size cap)
    exports.init_app(server)  # /download/...: data, GIS layers, chart images, country briefs
    api.init_app(server)  # /api/v1/...: the open data API
    from .tensions import init_app as init_tensions
    init_tensions(server)  # /download/tensions.csv|.xlsx: the rows behind /tensions
    from .review import init_app as init_review
    init_review(app, config)  # /review, /signin, /api/v1/reviews...: expert review store -> data
    app.layout = layout
    app.shell_layout = layout  # the frame the first response pre-renders the page into
    app.cache_key = data.bundle  # a new scoring run (e.g. an accepted correction) drops the cached copies
    return app


def layout() -> html.Div:
    return html.Div([
        html.A(_("Skip to content"), href="#main", className="visually-hidden-focusable"),
        dbc.Navbar(dbc.Container([
            dbc.NavbarBrand(_(TITLE), href="/"),
            dbc.Nav([*(dbc.NavLink(_(page["name"]), href=page["relative_path"], active="exact")
                       for page in dash.page_registry.values() if page.get("nav", True)
                       and page["path"] not in ("/404",) and "<" not in page["path"]),
                     language_menu()],  # last of the links: on a phone it shares their row, not one of its own
                    navbar=True),
        ], fluid=True), color="dark", dark=True, className="mb-3"),
        html.Main(dbc.Container(dash.page_container, fluid=True), id="main"),
        static(footer()),  # read-only credits: one component for Dash's renderer (components/static.py)
    ])
