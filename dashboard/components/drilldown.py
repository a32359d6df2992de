"""The profile's drill-down: each pillar, then its indicators, what pulls the pillar down first.

Every raw value is shown with its scale in plain words ("Freedom House item score, 0 to 4, higher is
better") and the rule that turns it into a 1-6 score, never as a bare number or a variable name.

Why a table that reflows, not dash-ag-grid: each row carries a name, a score, a raw value with its
scale, a year, a weight, a source link (and sometimes an expert correction): on a 390 px phone no
column layout shows the score and the source without sideways scrolling, and links inside grid
cells are not reached with Tab. A semantic <table> restacks each row as a small card on phones (CSS
in assets/drd.css), keeps its row and cell roles for screen readers, and every link stays in the
tab order.
"""

from __future__ import annotations

import re

import dash_bootstrap_components as dbc
from dash import html

from .. import data, i18n
from ..i18n import N_, _
from . import ui
from .static import static

STATUS = {"missing": N_("No data for this country (other countries have it this year)"),
          "not measured this year": N_("Not measured by its source in this window")}
ACTOR_WORDS = {"state": N_("State"), "corporate": N_("Companies"), "structural": N_("Structural (connectivity)")}


def columns() -> tuple[str, ...]:
    return (_("Indicator"), _("Score (1 to 6)"), _("Raw value"), _("Weight"), _("Source"))


def correction_source(text) -> list:
    """A correction's source as typed ("https://... (E1)"): the URL as a link, the words beside it as text."""
    from dashboard.review.present import split_source
    url, label = split_source(text)
    if url is None:
        return [label or _("not given")]
    return [html.A(url, href=url, target="_blank", rel="noopener noreferrer"), *([f" ({label})"] if label else [])]


num = i18n.measured  # a raw value (the drill-down's name for it)


_UNITS = [
    (re.compile(r"^V-Dem estimate \(about (-?[\d.]+)\.\.(-?[\d.]+)\)$"),
     lambda m: _("V-Dem expert-survey estimate, usually between %(low)s and %(high)s", low=num(float(m[1])),
                 high=num(float(m[2])))),  # −4, as the value beside it writes its minus
    (re.compile(r"^FIW item score (\d+)-(\d+)$"),
     lambda m: _("Freedom House item score, %(low)s to %(high)s", low=m[1], high=m[2])),
    (re.compile(r"^RDR score (\d+)-(\d+)$"),
     lambda m: _("Ranking Digital Rights score, %(low)s to %(high)s", low=m[1], high=m[2])),
    (re.compile(r"^count of (.+?) (\d+)-(\d+)$"),
     lambda m: _("number of %(what)s, %(low)s to %(high)s", what=m[1], low=m[2], high=m[3])),
    (re.compile(r"^% of population$"), lambda m: _("percentage of the population")),
    (re.compile(r"^per 100 people$"), lambda m: _("subscriptions per 100 people")),
]


def scale_words(unit: str, direction: str) -> str:
    """The raw value's scale in plain words, with which way is better."""
    text = str(unit or "").strip()
    for pattern, words in _UNITS:
        match = pattern.match(text)
        if match:
            text = words(match)
            break
    if re.match(r"^\d+ \w", text) and "," in text:  # categories such as "0 none, 1 partial, 2 exists"
        text = _("categories: %(list)s", list=re.sub(r"(\d+) ", r"\1 = ", text))
    better = {"higher_better": _("higher is better"), "higher_worse": _("higher is worse")}.get(direction, "")
    return "; ".join(filter(None, [text, better])) or _("as published")


def _mapping(raw) -> list[tuple[float, float]]:
    pairs = []
    for part in str(raw or "").split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            pairs.append((float(k), float(v)))
    return pairs


def scoring_words(method: str, direction: str, lo, hi, mapping) -> str:
    """How the raw value becomes a 1-6 score, in words (the methodology's goalposts or mapping)."""
    if method in ("linear", "log"):
        best, worst = (hi, lo) if direction != "higher_worse" else (lo, hi)
        if best == hi:
            words = _("%(worst)s or below scores 1, %(best)s or above scores 6", worst=num(worst), best=num(best))
        else:
            words = _("%(worst)s or above scores 1, %(best)s or below scores 6", worst=num(worst), best=num(best))
        return words + (_(", on a log scale between (the first events count most)") if method == "log"
                        else _(", in proportion between"))
    pairs = _mapping(mapping)
    if method == "categorical" and pairs:
        return ", ".join(_("%(value)s scores %(score)s", value=num(k), score=num(v)) for k, v in pairs)
    if method == "bands" and pairs:
        pairs = sorted(pairs)
        return ", ".join(_("%(value)s or more scores %(score)s", value=num(k), score=num(v)) if i
                         else _("%(value)s scores %(score)s", value=num(k), score=num(v))
                         for i, (k, v) in enumerate(pairs))
    return ""


def plain_note(note, variable) -> str | None:
    """The observation's note, unless it only repeats the source's variable name ("v2x as published")."""
    text = str(note or "").strip()
    if not text or text.lower() in ("nan", "none"):
        return None
    if variable and text in (f"{variable} as published", str(variable)):
        return None
    return text


def order_items(items: list[dict]) -> list[dict]:
    """Scored indicators first, lowest score first (what pulls the pillar down), then those without data."""
    used = sorted((it for it in items if it["status"] == "used"), key=lambda it: (it["score"], it["indicator"]))
    return used + [it for it in items if it["status"] != "used"]


def pulls_down(item: dict, pillar_score) -> bool:
    return item["status"] == "used" and pillar_score is not None and item["score"] < pillar_score


def drilldown(d: dict, open_nodes=None) -> dbc.Accordion:
    """One accordion item per pillar: its summary and actor nodes, then the indicator table with sources.

    Only the open pillars' tables are built (by default the first pillar's): a closed pillar holds an
    empty box (TABLE_BOX) that `pillar_tables` fills when the pillar is opened. The four tables are
    most of a profile (about 700 of its components); building them all made every year change
    render thousands of hidden DOM nodes."""
    pillars = {p["node"] for p in d["pillars"]}
    opened = [n for n in (open_nodes or []) if n in pillars] or [d["pillars"][0]["node"]]
    items = []
    for p in d["pillars"]:
        name = i18n.methodology("pillars", p["node"], "name", p["name"])
        label = i18n.node_label(p["node"], p["label"])
        actors = html.Ul([html.Li([html.Strong(_(ACTOR_WORDS[a["actor"]]) + ": " if a["actor"] in ACTOR_WORDS
                                               else f"{a['actor'].capitalize()}: "),
                                   ui.score_text(a["score"]) if a["score"] is not None or a["label"] == "No data"
                                   else i18n.node_label(p["node"], a["label"]),
                                   f" ({i18n.node_label(p['node'], a['label'])})" if a["score"] is not None else "",
                                   ", " + _("coverage %(share)s (%(with_data)s of %(total)s indicators)",
                                            share=ui.pct(a["coverage"]), with_data=a["indicators_with_data"],
                                            total=a["indicators"])])
                          for a in p["actors"]], className="small mb-2")
        items.append(dbc.AccordionItem([
            static([html.P([_(
                "%(pillar)s: weighted mean (weight %(weight)s in the overall score) of its indicators with "
                      "data; coverage %(share)s, %(with_data)s of %(total)s indicators. Lowest scores first: "
                      "highlighted rows score below the pillar and pull it down. By actor:", pillar=name,
                      weight=i18n.number(p["weight"], 0) if float(p["weight"]).is_integer() else num(p["weight"]),
                      share=ui.pct(p["coverage"]), with_data=p["indicators_with_data"], total=p["indicators"])],
                   className="small mb-1"), actors]),
            table_box(p, d["year"], p["node"] in opened),
        ], title=_("%(pillar)s: %(score)s · %(label)s · coverage %(share)s", pillar=name,
                   score=ui.score_text(p["score"]), label=label, share=ui.pct(p["coverage"])),
            item_id=p["node"]))
    return dbc.Accordion(items, always_open=True, start_collapsed=False, active_item=opened,
                         id="country-drilldown")


TABLE_BOX = "drill-table"  # pattern-matching id type of a pillar's table box: {"type": TABLE_BOX, "node": ...}
LOADED = "drd-drill-table drd-drill-loaded"  # the box's class once its table is in it
EMPTY = "drd-drill-table"


def table_box(p: dict, year: int, built: bool) -> html.Div:
    """The box of one pillar's indicator table: the table itself, or a line saying it is on its way."""
    content = static(indicator_table(p, year)) if built else html.P(_("Loading the indicators…"),
                                                                     className="drd-muted small mb-0")
    return html.Div(content, id={"type": TABLE_BOX, "node": p["node"]}, className=LOADED if built else EMPTY,
                    **{"aria-live": "polite"})


def pillar_tables(d: dict, boxes: list[str], classes: list, active) -> tuple[list, list]:
    """The tables to put in the boxes `boxes` (pillar nodes, in the page's order) when the pillars
    `active` are open: a table for each open pillar whose box is still empty (`classes`), and no
    change (None) for every other box, so a table is sent once and a closed pillar keeps its table."""
    active = set(active if isinstance(active, list) else [active] if active else [])
    by_node = {p["node"]: p for p in d["pillars"]}
    children, class_names = [], []
    for node, cls in zip(boxes, classes):
        if node in active and node in by_node and "drd-drill-loaded" not in str(cls or ""):
            children.append(static(indicator_table(by_node[node], d["year"])))
            class_names.append(LOADED)
        else:
            children.append(None)
            class_names.append(None)
    return children, class_names


def _cell(label: str, content, class_name: str = "") -> html.Td:
    return html.Td(content, className=class_name or None, **{"data-label": label})


def indicator_table(p: dict, year: int) -> html.Div:
    """The indicators of one pillar: lowest score first, scale in words, source; reflows on phones."""
    meth = data.dataset().methodology.indicators
    cols = columns()
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in cols]))
    rows = []
    for it in order_items(p["items"]):
        spec = meth.loc[it["indicator"]].to_dict() if it["indicator"] in meth.index else {}
        get = spec.get
        src = it.get("source")
        variable = get("source_variable") or ""
        source = (html.Span([html.A(src["publisher"], href=src["url"], target="_blank", rel="noopener"),
                             html.Br(), html.Span(src["dataset"], className="drd-muted"),
                             *([html.Br(), html.Span(_("Variable: %(name)s", name=variable), className="drd-muted")]
                               if variable else []),
                             html.Br(), html.Span(_("Licence: %(licence)s", licence=src["licence"]),
                                                  className="drd-muted")])
                  if src else "-")
        used = it["status"] == "used"
        low = pulls_down(it, p.get("score"))
        name_cell = [html.Span(i18n.methodology("indicators", it["indicator"], "name", it["name"]),
                               className="fw-semibold"),
                     html.Span(" · " + (_(ACTOR_WORDS[it["actor"]]) if it["actor"] in ACTOR_WORDS else it["actor"]),
                               className="drd-muted small"),
                     html.Br(), html.Code(it["indicator"], className="small")]
        note = plain_note(it.get("note"), variable) if used else None
        if note:
            name_cell += [html.Br(), html.Span(_("Note: %(note)s", note=note), className="drd-muted small")]
        if it.get("correction"):
            c = it["correction"]
            name_cell.append(html.Div([
                html.Strong(_("Expert correction.") + " "),
                _("Published value %(before)s replaced by %(after)s.", before=num(c["original_value"]),
                  after=num(it["value"])) + " ",
                _("By %(author)s on %(date)s. Why: %(reason)s.", author=c["author"], date=c["date"],
                  reason=c["reason"]) + " ",
                _("Source:") + " ", *correction_source(c.get("source")),
                "."], className="drd-correction small", role="note"))
        scale = scale_words(get("unit") or "", it.get("direction") or get("direction") or "")
        rule = scoring_words(it.get("method") or "", it.get("direction") or "", it.get("lo"), it.get("hi"),
                             it.get("mapping"))
        if used:
            score = [html.Span(i18n.number(it["score"]), className="fs-6 fw-semibold"),
                     html.Span(" " + _("of 6"), className="drd-muted small"),
                     *([html.Br(), html.Span(_("pulls the pillar down"), className="badge drd-low-badge")]
                       if low else [])]
            raw = [html.Span(num(it["value"]), className="fw-semibold"),
                   " " + _("in %(year)s", year=it["obs_year"]),
                   *([html.Span(" " + _("(carried forward to %(year)s)", year=year), className="drd-muted")]
                     if it.get("carried") else []),
                   html.Br(), html.Span(scale, className="drd-muted small"),
                   *([html.Br(), html.Span(rule, className="drd-muted small")] if rule else [])]
        else:
            score = html.Span(_("No data"), className="fw-semibold")
            raw = [html.Span(_(STATUS[it["status"]]) if it["status"] in STATUS else it["status"],
                             className="drd-muted small"),
                   html.Br(), html.Span(scale, className="drd-muted small")]
        cls = " ".join(filter(None, ["drd-corrected" if it.get("correction") else "",
                                     "drd-pulls-down" if low else "", "" if used else "drd-nodata-row"]))
        rows.append(html.Tr([_cell(cols[0], name_cell), _cell(cols[1], score, "drd-score-cell"),
                             _cell(cols[2], raw), _cell(cols[3], num(it["weight"])),
                             _cell(cols[4], source, "small")], className=cls or None))
    pillar = i18n.methodology("pillars", p.get("node"), "name", p.get("name") or _("Pillar"))
    caption = html.Caption(_("%(pillar)s: indicators, lowest score first", pillar=pillar), className="visually-hidden")
    return html.Div(html.Table([caption, head, html.Tbody(rows)],
                               className="table table-sm drd-table drd-indicator-table drd-reflow mb-0"))
