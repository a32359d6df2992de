"""A Dash component tree as static HTML, for the page's first response (see dashboard.shell).

`to_html(tree)` writes the same markup Dash's React components will render (Dash html.*, the
Bootstrap components the pages use, dcc.Link) so text, cards and tables paint before any JavaScript
runs, and placeholders of the final size where a component only exists once its script has loaded:
a chart keeps its figure's height, a dropdown shows its chosen value in a box of the dropdown's size.
Stores, locations and other invisible components write nothing. A component this module does not
know writes its children, so a new component degrades to its text, never to an error.

Pure: no Flask, no request; `Rendered.charts` says whether the tree draws a chart (so the page
needs the plotly bundle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from dash.development.base_component import Component

VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr", "source", "area"}
INVISIBLE = {"Store", "Location", "Interval", "Download", "Tooltip", "Popover", "Modal", "Offcanvas",
             "ConfirmDialog", "ConfirmDialogProvider", "Toast"}
# Dash prop names -> HTML attribute names (everything else: camelCase -> lower case, kept if listed)
ATTRS = {"className": "class", "htmlFor": "for", "colSpan": "colspan", "rowSpan": "rowspan",
         "tabIndex": "tabindex", "accessKey": "accesskey", "contentEditable": "contenteditable"}
PLAIN = {"id", "href", "target", "rel", "title", "role", "scope", "lang", "hidden", "src", "alt", "width",
         "height", "type", "name", "value", "disabled", "download", "dir", "headers", "open", "datetime"}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


@dataclass
class Rendered:
    html: str
    charts: bool = False
    truncated: bool = False
    dropdowns: bool = False


@dataclass
class _Out:
    parts: list[str] = field(default_factory=list)
    charts: bool = False
    dropdowns: bool = False
    budget: int | None = None
    ids: bool = True
    size: int = 0
    truncated: bool = False

    def full(self) -> bool:
        if self.budget is not None and self.size >= self.budget:
            self.truncated = True
        return self.truncated

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)


def to_html(tree, budget: int | None = None, ids: bool = True) -> Rendered:
    """`tree` as HTML. With `budget` (characters), components that start after the budget is spent are
    left out (open elements are still closed): the top of a long page, then Dash brings the rest.
    `ids=False` leaves out element ids (but `drd-first*`) and takes links and controls out of the tab
    order: a copy shown while Dash loads, that scripts, tests and keyboards never take for the live one."""
    out = _Out(budget=budget, ids=ids)
    _write(tree, out)
    return Rendered("".join(out.parts), out.charts, out.truncated, out.dropdowns)


def _style(style: dict | None) -> str:
    if not style:
        return ""
    items = []
    for key, value in style.items():
        if value is None or value == "":
            continue
        name = key if key.startswith("--") else _CAMEL.sub("-", key).lower()
        if isinstance(value, (int, float)) and not isinstance(value, bool) and name not in (
                "z-index", "opacity", "flex-grow", "flex-shrink", "order", "font-weight", "line-height"):
            value = f"{value}px"
        items.append(f"{name}: {value}")
    return "; ".join(items)


def _attrs(props: dict, classes: str | None = None, extra: dict | None = None) -> str:
    attrs: dict[str, object] = {}
    for key, value in props.items():
        if value is None or value is False or key == "children":
            continue
        if key in ATTRS:
            attrs[ATTRS[key]] = value
        elif key in PLAIN or key.startswith(("aria-", "data-")):
            attrs[key] = value
        elif key == "style":
            css = _style(value)
            if css:
                attrs["style"] = css
    if classes is not None:
        attrs["class"] = " ".join(c for c in (classes, str(attrs.get("class") or "")) if c).strip()
        if not attrs["class"]:
            del attrs["class"]
    attrs.update(extra or {})
    return "".join(f" {k}" if v is True else f' {k}="{escape(str(v), quote=True)}"'
                   for k, v in attrs.items() if v is not None and v is not False)


FOCUSABLE = ("a", "button", "input", "select", "textarea", "summary", "iframe", "audio", "video")


def _tag(out: _Out, tag: str, props: dict, children=None, classes: str | None = None,
         extra: dict | None = None) -> None:
    if not out.ids:
        props = {k: v for k, v in props.items() if k != "id" or str(v).startswith("drd-first")}
        if tag in FOCUSABLE or props.get("tabIndex") is not None:  # e.g. a scrollable region's tabIndex=0
            props = {**props, "tabIndex": -1}
    out.add(f"<{tag}{_attrs(props, classes, extra)}>")
    if tag in VOID:
        return
    _write(children, out)
    out.add(f"</{tag}>")


def _write(node, out: _Out) -> None:
    if node is None or isinstance(node, bool):
        return
    if isinstance(node, (list, tuple)):
        for child in node:
            _write(child, out)
        return
    if out.full():
        return
    if isinstance(node, Component):
        _component(node, out)
        return
    out.add(escape(str(node), quote=False))


def _props(component: Component) -> dict:
    """Every prop set, including wildcard ones (aria-*, data-*) that Dash keeps outside _prop_names."""
    return {k: v for k, v in component.to_plotly_json()["props"].items() if v is not None}


def _component(c: Component, out: _Out) -> None:
    kind, ns = c._type, c._namespace  # noqa: SLF001
    props = _props(c)
    children = props.get("children")
    if kind in INVISIBLE:
        return
    if ns == "dash_html_components":
        _tag(out, kind.lower(), props, children)
    elif ns == "dash_core_components":
        _dcc(kind, props, children, out)
    elif ns == "dash_bootstrap_components":
        _dbc(kind, props, children, out)
    elif ns == "drd" and kind == "StaticHtml":  # dashboard.components.static: its tree, by this copy's rules
        _tag(out, "div", {"id": props.get("id"), "className": props.get("className")}, getattr(c, "tree", None))
    else:  # unknown library: its text only
        _write(children, out)


def _figure_height(figure) -> int | None:
    layout = (figure or {}).get("layout") if isinstance(figure, dict) else None
    height = (layout or {}).get("height")
    return int(height) if isinstance(height, (int, float)) else None


def _dcc(kind: str, props: dict, children, out: _Out) -> None:
    if kind == "Link":
        # data-drd-link: a link to the app's own page, followed by Dash's router (assets/drd.js)
        _tag(out, "a", {k: props[k] for k in ("href", "className", "id", "title", "style") if k in props}, children,
             extra={"data-drd-link": "true"})
    elif kind == "Loading":
        out.add('<div style="position: relative;"><div>')
        _write(children, out)
        out.add("</div><div></div></div>")
    elif kind == "Graph":
        out.charts = True
        height = _figure_height(props.get("figure"))
        style = {"height": f"{height}px"} if height else {}
        _tag(out, "div", {"id": props.get("id"), "className": props.get("className"), "style": style},
             classes="dash-graph dash-graph--pending drd-graph-placeholder", extra={"aria-hidden": "true"})
    elif kind == "Dropdown":
        out.dropdowns = True
        shown = _dropdown_text(props)
        classes = "drd-select-placeholder" + (" drd-select-multi" if props.get("multi") else "")
        out.add(f'<div class="{classes}" aria-hidden="true">'
                         f'<span class="{"" if shown[1] else "drd-placeholder-text"}">{escape(shown[0])}</span>'
                         "</div>")
    elif kind in ("Markdown",):
        _tag(out, "div", {"id": props.get("id"), "className": props.get("className")}, children)
    else:  # inputs, sliders, tabs...: text only
        _write(children, out)


def _dropdown_text(props: dict) -> tuple[str, bool]:
    """(text shown, whether it is a value) for a dropdown: the chosen labels or the placeholder."""
    options = props.get("options") or []
    labels = {}
    for option in options:
        if isinstance(option, dict):
            labels[option.get("value")] = option.get("label")
        else:
            labels[option] = option
    value = props.get("value")
    values = value if isinstance(value, list) else ([] if value is None else [value])
    shown = [str(labels.get(v, v)) for v in values if not isinstance(labels.get(v, v), Component)]
    if shown:
        return ", ".join(shown), True
    return str(props.get("placeholder") or "Select…"), False


def _col_classes(props: dict) -> str:
    classes = []
    for size in ("xs", "sm", "md", "lg", "xl", "xxl"):
        spec = props.get(size)
        if spec is None:
            continue
        infix = "" if size == "xs" else f"-{size}"
        if isinstance(spec, dict):
            spec = spec.get("size")
        if spec is True:
            classes.append(f"col{infix}")
        elif spec:
            classes.append(f"col{infix}-{spec}")
    width = props.get("width")
    if width is not None and not isinstance(width, dict):
        classes.append("col" if width is True else f"col-{width}")
    return " ".join(classes) or "col"


def _common(props: dict, *keep: str) -> dict:
    """The props of a Bootstrap component that are HTML attributes as they are (not its options)."""
    return {k: v for k, v in props.items()
            if k in ("id", "className", "style", "role", "title", *keep) or k.startswith(("aria-", "data-"))}


def _dbc(kind: str, opt: dict, children, out: _Out) -> None:
    """Bootstrap components: `opt` holds their options, only `attrs` become HTML attributes."""
    color = opt.get("color")
    attrs = _common(opt, "href", "target", "rel")
    if kind == "Row":
        _tag(out, "div", attrs, children, classes="row")
    elif kind == "Col":
        _tag(out, "div", attrs, children, classes=_col_classes(opt))
    elif kind == "Container":
        _tag(out, "div", attrs, children, classes="container-fluid" if opt.get("fluid") else "container")
    elif kind == "Card":
        _tag(out, "div", attrs, children, classes="card")
    elif kind in ("CardBody", "CardHeader", "CardFooter"):
        _tag(out, "div", attrs, children, classes={"CardBody": "card-body", "CardHeader": "card-header",
                                                    "CardFooter": "card-footer"}[kind])
    elif kind == "Alert":
        if opt.get("is_open", True):
            _tag(out, "div", attrs, children, classes=f"alert alert-{color or 'secondary'}", extra={"role": "alert"})
    elif kind == "Badge":
        _tag(out, "span", attrs, children, classes=f"badge bg-{color or 'secondary'}")
    elif kind == "Label":
        _tag(out, "label", {**attrs, "htmlFor": opt.get("html_for")}, children, classes="form-label")
    elif kind == "Table":
        classes = " ".join(["table"] + [f"table-{f}" for f in ("striped", "bordered", "hover", "borderless")
                                        if opt.get(f)] + ([f"table-{opt['size']}"] if opt.get("size") else []))
        if opt.get("responsive"):
            out.add('<div class="table-responsive">')
            _tag(out, "table", {k: v for k, v in attrs.items() if k != "id"}, children, classes=classes)
            out.add("</div>")
        else:
            _tag(out, "table", attrs, children, classes=classes)
    elif kind == "Collapse":
        _tag(out, "div", attrs, children if opt.get("is_open") else None,
             classes="collapse show" if opt.get("is_open") else "collapse")
    elif kind == "Navbar":
        theme = "dark" if opt.get("dark") else "light"
        _tag(out, "nav", attrs, children, classes=f"navbar navbar-expand-md navbar-{theme} bg-{color or 'light'}")
    elif kind == "NavbarBrand":
        _tag(out, "a", attrs, children, classes="navbar-brand")
    elif kind == "Nav":
        classes = ("navbar-nav" if opt.get("navbar") else "nav") + (" nav-pills" if opt.get("pills") else "")
        _tag(out, "div", attrs, children, classes=classes)
    elif kind == "NavLink":
        _tag(out, "a", attrs, children, classes="nav-link" + (" active" if opt.get("active") is True else ""))
    elif kind == "RadioItems":
        _radio_items(opt, out)
    elif kind == "DropdownMenu":
        size = f" btn-{opt['size']}" if opt.get("size") else ""
        menu_id = opt.get("id") if out.ids else None
        if opt.get("nav"):  # a menu in the navbar (the language menu): a nav link, as Bootstrap draws it
            out.add(f"<div{_attrs({'id': menu_id, 'className': opt.get('className')}, 'nav-item dropdown')}>"
                    f'<a href="#" role="button" class="dropdown-toggle nav-link"{_off(out)}>')
        else:
            out.add(f"<div{_attrs({'id': menu_id, 'className': opt.get('className')}, 'dropdown')}>"
                    f'<button type="button" class="dropdown-toggle btn btn-{color or "primary"}{size}"{_off(out)}>')
        _write(opt.get("label") or "", out)
        out.add("</a></div>" if opt.get("nav") else "</button></div>")
    elif kind == "Accordion":
        _accordion(opt, children, out)
    elif kind == "Button":
        _tag(out, "button", attrs, children,
             classes=f"btn btn-{color or 'primary'}" + (f" btn-{opt['size']}" if opt.get("size") else ""))
    elif kind == "Spinner":
        return
    else:
        _write(children, out)


def _off(out: _Out) -> str:
    return "" if out.ids else ' tabindex="-1"'


def _radio_items(props: dict, out: _Out) -> None:
    rid = props.get("id") or "radio"
    inline = " form-check-inline" if props.get("inline") else ""
    out.add(f"<div{_attrs({'id': rid if out.ids else None, 'className': props.get('className')})}>")
    for option in props.get("options") or []:
        value = option.get("value") if isinstance(option, dict) else option
        label = option.get("label") if isinstance(option, dict) else option
        input_id = f"_dbcprivate_radioitems_{rid}_input_{value}"
        checked = " checked" if value == props.get("value") else ""
        ident = f' id="{escape(input_id)}"' if out.ids else ""
        out.add(f'<div class="form-check{inline}"><input{ident} class="form-check-input '
                         f'{escape(props.get("input_class_name") or "")}" type="radio"{checked}{_off(out)}>'
                         f'<label class="form-check-label {escape(props.get("label_class_name") or "")}"'
                         + (f' for="{escape(input_id)}">' if out.ids else ">"))
        _write(label, out)
        out.add("</label></div>")
    out.add("</div>")


def _accordion(props: dict, children, out: _Out) -> None:
    active = props.get("active_item")
    active = set(active if isinstance(active, list) else [active]) if active is not None else set()
    accordion_id = props.get("id") if out.ids else None
    out.add(f"<div{_attrs({'id': accordion_id, 'className': props.get('className')}, 'accordion')}>")
    for n, item in enumerate(children if isinstance(children, list) else [children]):
        if not isinstance(item, Component):
            continue
        iprops = _props(item)
        item_id = iprops.get("item_id") or f"item-{n}"
        open_ = item_id in active
        out.add('<div class="accordion-item"><h2 class="accordion-header">'
                         f'<button type="button"{_off(out)} aria-expanded="{"true" if open_ else "false"}" '
                         f'class="accordion-button{"" if open_ else " collapsed"}">')
        _write(iprops.get("title"), out)
        out.add(f'</button></h2><div class="accordion-collapse collapse{" show" if open_ else ""}">'
                         '<div class="accordion-body">')
        if open_:
            _write(iprops.get("children"), out)
        out.add("</div></div></div>")
