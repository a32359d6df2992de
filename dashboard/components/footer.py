"""The app footer: every publisher the scores rest on, with its licence, and the data licence."""

from __future__ import annotations

from dash import html

from .. import data
from ..i18n import _


def footer() -> html.Footer:
    """Credits read from data/sources.csv, so a new source is credited without touching code."""
    try:
        sources = data.dataset().sources
    except Exception as exc:  # the data failed validation: still render the app shell  # noqa: BLE001
        return html.Footer(html.P(_("Data could not be loaded: %(error)s", error=exc), className="small"),
                           className="drd-footer container-fluid py-3 mt-4")
    items = [html.Li([html.A(row["publisher"], href=row["url"], rel="noopener", target="_blank"),
                      ": " + _("%(dataset)s. Licence: %(licence)s.", dataset=row["dataset"], licence=row["licence"])])
             for _i, row in sources.iterrows()]
    return html.Footer([
        html.H2(_("Sources and licences"), className="h6"),
        html.P([_("Scores by the Digital Rights Dashboard from the publishers below.") + " ",
                html.Strong(_("Data CC BY-SA 4.0")),
                " " + _("(the share-alike terms of V-Dem's data); third-party figures stay under their "
                        "publishers' terms, listed here; Freedom House's are not openly licensed: cite Freedom "
                        "House. Code under the MIT licence.") + " ",
                html.A(_("How the scores are made"), href="/methodology"), "."], className="small mb-2"),
        html.Ul(items, className="small mb-0 drd-credits"),
    ], className="drd-footer container-fluid py-3 mt-4")
