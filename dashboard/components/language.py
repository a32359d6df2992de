"""The navbar's language menu: one link per language, to the page being read in that language.

Each link is a full page load (the shell sets `<html lang dir>` and the stylesheet per language). Its
address is the current one with `lang` set, kept in step with the page by a clientside callback on
Dash's own location (so a year or country chosen since is kept); before scripts run it is `?lang=xx`.
"""

from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import Input, Output, clientside_callback, html

from .. import i18n
from ..i18n import _


def _item_id(code: str) -> str:
    return f"drd-lang-{code}"


def language_menu() -> dbc.DropdownMenu:
    lang = i18n.current()
    items = [dbc.DropdownMenuItem(html.Span(name, lang=code), href=f"?{i18n.PARAM}={code}", external_link=True,
                                  id=_item_id(code), active=code == lang)
             for code, name in i18n.LANGUAGES.items()]
    label = [html.Span(_("Language") + ": ", className="visually-hidden"), html.Span(i18n.LANGUAGES[lang])]
    return dbc.DropdownMenu(items, label=label, id="drd-lang-menu", nav=True, in_navbar=True, align_end=True,
                            className="drd-lang-menu")


clientside_callback(
    """
    function (pathname, search) {
        const codes = CODES;
        return codes.map(function (code) {
            const q = new URLSearchParams(search || '');
            q.set('lang', code);
            return (pathname || '/') + '?' + q.toString().replace(/%2C/g, ',');
        });
    }
    """.replace("CODES", json.dumps(list(i18n.LANGUAGES))),
    [Output(_item_id(code), "href") for code in i18n.LANGUAGES],
    Input("_pages_location", "pathname"), Input("_pages_location", "search"),
)
