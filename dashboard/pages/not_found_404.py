"""The page for any unknown address: says so, and offers the ways in."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.components import ui
from dashboard.i18n import N_

dash.register_page(__name__, path="/404", name=N_("Page not found"), title="Page not found: Digital Rights Dashboard",
                   nav=False)


def layout(**_params):
    return html.Div([
        html.H1("Page not found", className="h3"),
        ui.alert("There is no page at this address. It may have been mistyped, or the link may be out of date.",
                 color="warning"),
        html.P("Where to go from here:"),
        html.Ul([
            html.Li([dcc.Link("World map", href="/"), ": scores for every country, by pillar, year and actor."]),
            html.Li([dcc.Link("Compare countries", href="/compare"), ": several countries side by side."]),
            html.Li([dcc.Link("Trends", href="/trends"), ": regional and global trends over time."]),
            html.Li([dcc.Link("Methodology", href="/methodology"), ": how the scores are made, and every source."]),
            html.Li(["A country profile: ", html.Code("/country/<ISO3>"), ", for example ",
                     dcc.Link("/country/COL", href="/country/COL"), " (Colombia)."]),
        ]),
    ])
