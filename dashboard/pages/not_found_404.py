"""The page for any unknown address: says so, and offers the ways in."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import i18n
from dashboard.components import ui
from dashboard.i18n import N_, _

dash.register_page(__name__, path="/404", name=N_("Page not found"),
                   title=lambda **_kw: _("Page not found: Digital Rights Dashboard"),
                   nav=False)


def layout(**_params):
    return html.Div([
        html.H1(_("Page not found"), className="h3"),
        ui.alert(_("There is no page at this address. It may have been mistyped, or the link may be out of "
                   "date."),
                 color="warning"),
        html.P(_("Where to go from here:")),
        html.Ul([
            html.Li([dcc.Link(_("World map"), href="/"),
                     ": " + _("scores for every country, by pillar, year and actor.")]),
            html.Li([dcc.Link(_("Compare countries"), href="/compare"), ": " + _("several countries side by side.")]),
            html.Li([dcc.Link(_("Trends"), href="/trends"), ": " + _("regional and global trends over time.")]),
            html.Li([dcc.Link(_("Methodology"), href="/methodology"),
                     ": " + _("how the scores are made, and every source.")]),
            html.Li([_("A country profile:") + " ", html.Code("/country/<ISO3>"), ", " + _("for example") + " ",
                     dcc.Link("/country/COL", href="/country/COL"), f" ({i18n.country_name('COL', 'Colombia')})."]),
        ]),
    ])
