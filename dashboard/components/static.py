"""Read-only parts of a page sent as one component of HTML instead of hundreds of Dash components.

Dash's renderer re-evaluates a selector for every mounted component on every change of its store
(a year change makes dozens): on the profile, the drill-down's tables, the trend and tensions
sections were two thirds of its ~720 components and most of the time between the callback's answer
and the redrawn page (cached year change 2.4 s -> 1.5 s with the last two left out). Tables and text
that no callback reads or changes gain nothing from being components.

`StaticHtml(tree)` writes `tree` (Dash html/dbc/dcc components) with dashboard.prerender, the same
markup the first-paint copy uses, and the browser shows it as it is (assets/drd.js defines the
`drd.StaticHtml` React component). Text and attributes are escaped by prerender. Links to the app's
own pages (dcc.Link) keep working without a reload: they carry `data-drd-link`, and drd.js hands
their clicks to Dash's router as dcc.Link does; an explicit ?lang= is added to them on the way out
like any other internal link (dashboard.i18n.localise_links / localise_tree), so the HTML, cached
per language, is the same for every visitor. The tree is kept on the Python object so the first-
paint copy (dashboard.shell) writes it with its own rules (no ids, out of the tab order).
"""

from __future__ import annotations

from dash.development.base_component import Component

from .. import prerender


class StaticHtml(Component):
    """`tree` as fixed HTML in a <div> (id and className on the div)."""

    _children_props: list[str] = []
    _base_nodes: list[str] = []
    _namespace = "drd"
    _type = "StaticHtml"

    def __init__(self, tree=None, id=None, className=None, **_ignored):
        self._prop_names = ["id", "className", "html"]
        self._valid_wildcard_attributes = []
        self.available_properties = list(self._prop_names)
        self.available_wildcard_properties = []
        self.tree = tree  # links carry no language here: dashboard.i18n adds an explicit one on the way out
        props = {"html": prerender.to_html(self.tree).html}
        props.update({k: v for k, v in (("id", id), ("className", className)) if v is not None})
        super().__init__(**props)


def static(tree, class_name: str | None = None) -> StaticHtml:
    return StaticHtml(tree, className=" ".join(filter(None, ["drd-static", class_name])))
