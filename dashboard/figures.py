"""Pure figure builders (tables in, plotly figures out) and the chart registry `CHARTS`.

Two layers:

- `*_figure(frame, ...)` functions take small tidy tables and return a `go.Figure`. They never read
  data themselves, so tests feed them hand-made tables.
- `CHARTS[kind](params)` reads the engine's results through `dashboard.data`, reads URL-style string
  parameters (year, node, actor, country, countries, region) with the shared vocabulary
  (`dashboard.params`, wrapped here as `param_*` for the pages) and calls the matching builder. A bad
  parameter raises `ParamError` (a ValueError) whose message starts with the parameter's name. Pages and the
  exports (PNG/SVG downloads) use the same functions, so an exported image is the chart on screen.

Every figure carries its title, a source line crediting the publishers, the year and the licence
inside the figure, so an image is self-contained. The 1-6 colour scale is viridis on a fixed range;
countries without enough data are drawn in a neutral grey and say so: never coloured as a low score.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from indicators.drilldown import NO_EVIDENCE, NOT_RATED

from . import data, geo, i18n
from . import params as P
from .i18n import N_, _

# --- Visual constants ------------------------------------------------------------------------------

# viridis, sampled: dark (1 = severe violations) to yellow (6 = fully respected). Perceptually uniform
# and readable with the common colour-vision deficiencies; the grey of "no data" is not on it.
SCALE = [[0.0, "#440154"], [0.1, "#482475"], [0.2, "#414487"], [0.3, "#355f8d"], [0.4, "#2a788e"],
         [0.5, "#21918c"], [0.6, "#22a884"], [0.7, "#44bf70"], [0.8, "#7ad151"], [0.9, "#bddf26"],
         [1.0, "#fde725"]]
NO_DATA = "#bdbdbd"
LAND = "#f2f2f2"
# Okabe-Ito: distinguishable by colour-blind readers; lines also differ by dash and marker, bars by pattern.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#999999"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "8px,3px,2px,3px,2px,3px", "2px,6px"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "triangle-down", "cross", "star", "pentagon",
           "hexagon"]
ACTOR_STYLE = {"state": ("#0072B2", ""), "corporate": ("#E69F00", "/"), "structural": ("#009E73", ".")}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
LICENCE = "Data CC BY-SA 4.0"
ALL = "all"

# --- Small helpers --------------------------------------------------------------------------------

def wrap(text: str, width: int) -> str:
    """Plotly does not wrap titles or annotations: break `text` into <br>-joined lines (never inside
    the licence credit)."""
    glue = LICENCE.replace(" ", "\x00")
    lines = textwrap.wrap(text.replace(LICENCE, glue), width, break_on_hyphens=False)
    return "<br>".join(lines).replace(glue, LICENCE) or text


# Right to left (Arabic): the builders mirror what reads from the right (titles, legends, notes, category
# order, the value axis of bar charts) and keep time running left to right (README "Languages"). Each line
# of text is a right-to-left isolate, so a sentence's neutral marks and numbers sit where Arabic puts them
# (Plotly draws SVG text left to right).
RLI, PDI = "\u2067", "\u2069"


def rtl() -> bool:
    """Whether the figure being built reads right to left (the request's language, dashboard.i18n)."""
    return i18n.direction() == "rtl"


def isolate(text):
    """Each <br>-separated line of `text` as a right-to-left isolate (text that is not a string as it is)."""
    if not isinstance(text, str) or not text or text.startswith(RLI):
        return text
    return "<br>".join(f"{RLI}{line}{PDI}" for line in text.split("<br>"))


def mirror(fig: go.Figure) -> go.Figure:
    """The parts every figure shares, read from the right: title, legend, paper-anchored notes (the
    source line) and hover labels on the right; every title, note, legend entry, bar label and hover text
    a right-to-left isolate. Axes are the builders' business (bar charts mirror theirs, time does not)."""
    fig.update_layout(title={"x": 0.99, "xanchor": "right", "text": isolate(fig.layout.title.text)},
                      hoverlabel={"align": "right"})
    if fig.layout.legend.xanchor == "left":
        fig.update_layout(legend={"x": 1 - (fig.layout.legend.x or 0), "xanchor": "right"})
    flip = {"left": "right", "right": "left"}
    for note in fig.layout.annotations:  # the source line at x=1: assets/drd.js moves it to the chart's edge
        note.text = isolate(note.text)
        if note.xref == "paper":
            note.x = 1 - (note.x if note.x is not None else 0.5)
            note.xanchor = flip.get(note.xanchor, note.xanchor)
            note.align = flip.get(note.align, note.align)
    for trace in fig.data:
        if isinstance(trace.name, str):
            trace.name = isolate(trace.name)
        for prop in ("text", "hovertext"):
            value = getattr(trace, prop, None)
            if isinstance(value, str):
                setattr(trace, prop, isolate(value))
            elif value is not None and not isinstance(value, dict):
                values = list(value)
                if all(isinstance(v, str) or v is None for v in values):
                    setattr(trace, prop, [isolate(v) for v in values])
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        if axis.title.text:
            axis.title.text = isolate(axis.title.text)
    return fig


def mirror_bars(fig: go.Figure, horizontal: bool) -> go.Figure:
    """A bar chart read from the right: the value axis on the right; horizontal bars grow leftwards from
    a right-hand zero, vertical bars keep zero at the bottom and put their first category on the right."""
    if horizontal:
        value = fig.layout.xaxis
        if value.range is not None:
            fig.update_xaxes(range=list(value.range)[::-1])
        else:
            fig.update_xaxes(autorange="reversed")
        fig.update_yaxes(side="right")
    else:
        fig.update_xaxes(autorange="reversed")
        fig.update_yaxes(side="right")
    return fig


def tick(name: str, width: int = 11) -> str:
    """A category label broken over lines, so long pillar names need no rotation on phones."""
    return "<br>".join(textwrap.wrap(str(name), width)) or str(name)


WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]")
NARROW = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")  # Arabic: about 0.5 em
CYRILLIC = re.compile(r"[\u0400-\u04ff]")  # about 0.62 em, bold or not
SIZED = re.compile(r"<span style='font-size:(\d+)px'>(.*?)</span>")


def label_room(labels, size: int = 12, pad: int = 20) -> int:
    """Pixels a column of category labels needs beside its axis (the widest line), estimated from the
    characters: Chinese, Japanese and Korean ones about 1 em, Arabic about 0.5 em, Cyrillic about 0.62
    em, others about 0.62 em in bold and 0.52 em regular. Given as the chart's margin on that side,
    plotly's automargin finds the labels already fit and draws once, instead of drawing, pushing the
    margin and drawing again (each first draw and year change twice the work); where the estimate is
    short, automargin still makes room."""
    widest = 0.0
    for label in labels:
        for line in str(label).split("<br>"):
            sized = SIZED.search(line)
            px = int(sized.group(1)) if sized else size
            text = re.sub(r"<[^>]+>", "", sized.group(2) if sized else line)
            wide, narrow = len(WIDE.findall(text)), len(NARROW.findall(text))
            cyrillic = len(CYRILLIC.findall(text))
            latin = 0.62 if "<b>" in line else 0.52  # bold or regular
            widest = max(widest, px * (1.0 * wide + 0.5 * narrow + 0.62 * cyrillic
                                       + latin * (len(text) - wide - narrow - cyrillic)))
    return math.ceil(widest) + pad


def fmt_score(value) -> str:
    return _("no data") if value is None or pd.isna(value) else i18n.number(value)


def fmt_pct(value) -> str:
    return "-" if value is None or pd.isna(value) else i18n.percent(value)


def fmt1(value) -> str:
    return i18n.number(value, 1)


def source_line(publishers: list[str], year: int | str | None, version: str | None = None,
                extra: str = "") -> str:
    """The credit printed in every figure: publishers, year, methodology and licence."""
    who = "; ".join(publishers) + extra
    parts = [_("Source: Digital Rights Dashboard (methodology %(version)s), from %(publishers)s.", version=version,
               publishers=who) if version else _("Source: Digital Rights Dashboard, from %(publishers)s.",
                                                   publishers=who)]
    if year not in (None, ""):
        parts.append(_("Year %(year)s.", year=year))
    parts.append(_("%(licence)s; Freedom House figures: cite Freedom House.", licence=LICENCE))
    return " ".join(parts)


def finish(fig: go.Figure, title: str, source: str, *, height: int = 420, bottom: int = 0,
           legend: bool = True, top_legend: bool = False, label_margin: int = 50,
           value_margin: int = 20) -> go.Figure:
    """Title on top (legend, if `top_legend`, under it), the source line under the plot, one font.

    `height` is the plot area; margins are added so titles, legends and the credit never overlap.
    `label_margin` is the margin on the category axis's side (left; right when mirrored), e.g. label_room();
    `value_margin` the one at the values' end (right; left when mirrored), for labels drawn past the axis.
    """
    src = wrap(source, 56)
    lines = src.count("<br>") + 1
    heading = wrap(title, 44)  # fits a 390 px phone at 15 px
    margin_b = bottom + 14 * lines + 16
    # plotly sets a title of several lines about 10 px higher than one line under the same pad: add it back,
    # so the first line is never cut at the image's top edge
    lift = 11 if "<br>" in heading else 0
    margin_t = 34 + lift + 20 * heading.count("<br>") + (64 if top_legend else 16)
    fig.update_layout(
        title={"text": heading, "x": 0.01, "xanchor": "left", "y": 1, "yanchor": "top", "yref": "container",
               "pad": {"t": 10 + lift}, "font": {"size": 15}},
        font={"family": FONT, "size": 12, "color": "#212529"},
        paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
        height=height + margin_b + margin_t, margin={"l": max(50, label_margin), "r": value_margin, "t": margin_t,
                                                          "b": margin_b},
        showlegend=legend,
        hoverlabel={"font": {"family": FONT}},
        separators=i18n.separators(),  # plotly's numbers as the language writes them: 4,15 in Spanish
    )
    # axis titles and tick labels make room for themselves (never clipped at the left edge on phones)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    if top_legend:
        fig.update_layout(legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom",
                                  "yref": "container", "font": {"size": 11}})
        fig.update_layout(legend={"y": 1 - (34 + lift + 20 * heading.count("<br>")) / (height + margin_b + margin_t),
                                  "yanchor": "top", "yref": "container"})
    fig.add_annotation(text=src, showarrow=False, xref="paper", yref="paper", x=0, xanchor="left",
                       y=0, yanchor="top", yshift=-(bottom + 4), align="left",
                       font={"size": 10, "color": "#495057"})
    if rtl():
        if fig.layout.yaxis.side == "right":  # a mirrored bar chart: its value axis moved to the right
            fig.update_layout(margin={"l": value_margin, "r": max(50, label_margin)})
        mirror(fig)
    return fig


# --- Pure builders --------------------------------------------------------------------------------

def hover_lines(name: str, node_label: str, score, band, label: str, coverage, min_coverage: float,
                pilot: bool = False) -> str:
    """Hover text of one country: score, band and label, coverage; 'no data' made explicit."""
    head = f"<b>{name}</b>" + (" " + _("(pilot country)") if pilot else "")
    if (score is None or pd.isna(score)) and label == NO_EVIDENCE:
        return f"{head}<br>{node_label}: " + _("no corporate evidence (nothing records what companies did here)")
    if score is None or pd.isna(score):
        return (f"{head}<br>{node_label}: " + _("no data") + "<br>"
                + _("Coverage %(share)s (at least %(needed)s needed)", share=fmt_pct(coverage),
                    needed=fmt_pct(min_coverage)))
    return (f"{head}<br>{node_label}: {fmt_score(score)} / 6<br>"
            + _("Band %(band)s: %(label)s", band=int(band), label=i18n.label(label))
            + "<br>" + _("Coverage %(share)s", share=fmt_pct(coverage)))


def map_figure(frame: pd.DataFrame, *, title: str, source: str, node_label: str,
               min_coverage: float = 0.5, tick_labels: dict[int, str] | None = None,
               zoom_to_data: bool = False, points: dict[str, tuple[float, float]] | None = None,
               bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
               mark_pilots: bool = True) -> go.Figure:
    """World choropleth of one node.

    `frame` columns: iso3, name, score (NaN = no data), band, label, coverage, pilot. Countries with a
    score share the fixed 1..6 colour axis; the others form a separate grey trace named "No data".
    Places in `points` (iso3 -> (lon, lat), e.g. dashboard.data.map_points()) are drawn as markers,
    since they have no shape. `bounds` ((lon_min, lon_max), (lat_min, lat_max), e.g. from
    dashboard.geo.region_bounds) zooms the map to that box. Pilot countries get a
    black outline (and a legend key) when `mark_pilots`.
    """
    points = points or {}
    f = frame.reset_index(drop=True)
    text = [hover_lines(n, node_label, s, b, lab, c, min_coverage, bool(p))
            for n, s, b, lab, c, p in zip(f["name"], f["score"], f["band"], f["label"], f["coverage"],
                                          f["pilot"])]
    f = f.assign(text=text)
    scored = f["score"].notna()
    is_point = f["iso3"].isin(list(points))
    traces = []
    for mask, name in ((scored & ~is_point, _("Scored")), (~scored & ~is_point, _("No data"))):
        part = f[mask]
        common = dict(locations=part["iso3"], locationmode="ISO-3", text=part["text"], customdata=part["iso3"],
                      hovertemplate="%{text}<extra></extra>", name=name,
                      marker={"line": {"color": "#ffffff", "width": 0.5}})
        if name == _("Scored"):
            traces.append(go.Choropleth(z=part["score"], coloraxis="coloraxis", showlegend=False, **common))
        else:
            traces.append(go.Choropleth(z=[0] * len(part), colorscale=[[0, NO_DATA], [1, NO_DATA]],
                                        showscale=False, showlegend=False, **common))
    pts = f[is_point]
    for ok, name in ((False, _("No data (small state)")), (True, _("Small states"))):
        part = pts[pts["score"].notna() == ok]
        if not len(part):
            continue
        edge = [2.2 if mark_pilots and p else 0.6 for p in part["pilot"].astype(bool)]
        marker = ({"size": 7, "color": part["score"], "coloraxis": "coloraxis",
                   "line": {"color": "#333333", "width": edge}} if ok else
                  {"size": 6, "color": NO_DATA, "line": {"color": "#666666", "width": 0.6}})
        traces.append(go.Scattergeo(
            lon=[points[i][0] for i in part["iso3"]], lat=[points[i][1] for i in part["iso3"]],
            text=part["text"], customdata=part["iso3"], mode="markers", name=name,
            hovertemplate="%{text}<extra></extra>", showlegend=False, marker=marker))
    pilots = f[f["pilot"].astype(bool) & ~is_point] if mark_pilots else f.iloc[0:0]
    if len(pilots):  # a thick outline, not a marker: a star would hide a small country (Lebanon)
        traces.append(go.Choropleth(
            locations=pilots["iso3"], locationmode="ISO-3", z=[1] * len(pilots), text=pilots["text"],
            customdata=pilots["iso3"], name=_("Pilot country"), hovertemplate="%{text}<extra></extra>",
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False, showlegend=False,
            marker={"line": {"color": "#000000", "width": 2.2}}))
        traces.append(go.Scattergeo(lon=[None], lat=[None], mode="markers", name=_("Pilot country"),
                                    marker={"symbol": "square-open", "size": 12, "color": "#000000",
                                            "line": {"width": 2.5}}, hoverinfo="skip"))
    # legend keys (a choropleth has no legend swatch of its own)
    no_evidence = (f["label"] == NO_EVIDENCE) & ~scored
    key = (_("No data or no corporate evidence") if no_evidence.any() and (~scored & ~no_evidence).any()
           else _("No corporate evidence") if no_evidence.any() else _("No data (coverage too low)"))
    traces.append(go.Scattergeo(lon=[None], lat=[None], mode="markers", name=key,
                                marker={"symbol": "square", "size": 12, "color": NO_DATA}, hoverinfo="skip"))
    fig = go.Figure(traces)
    ticks = tick_labels or {}
    fig.update_layout(
        coloraxis={"cmin": 1, "cmax": 6, "colorscale": SCALE,
                   "colorbar": {"orientation": "h", "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top",
                                "len": 0.9, "thickness": 12, "tickvals": [1, 2, 3, 4, 5, 6],
                                "ticktext": [f"{b} {ticks[b]}" if b in ticks else str(b) for b in range(1, 7)],
                                "tickfont": {"size": 10},
                                "title": {"text": _("Score: 1 = severe violations, 6 = fully respected"),
                                          "side": "top", "font": {"size": 11}}}},
        # no country-border layer: every shape of plotly's world map but Antarctica (cut off by the
        # latitude range), two islands (Falklands, French Southern Lands) and a few without a code is one
        # of the choropleths', whose white outlines are the borders; the layer drew them all a second
        # time (about 40 ms a draw)
        geo={"projection": {"type": "natural earth"}, "showframe": False, "showcoastlines": False,
             "showland": True, "landcolor": LAND, "showcountries": False,
             "showlakes": False, "lataxis": {"range": [-58, 85]}, "bgcolor": "#ffffff",
             "fitbounds": "locations" if zoom_to_data and not bounds else False},
        clickmode="event", dragmode=False,
        # the zoom buttons: a column, drawn dark enough to see (plotly's default grey is 1.6:1 on white)
        modebar={"orientation": "v", "color": "#595959", "activecolor": "#000000"},
    )
    if bounds:
        (lon0, lon1), (lat0, lat1) = bounds
        fig.update_geos(lonaxis={"range": [lon0, lon1]}, lataxis={"range": [lat0, lat1]},
                        projection={"type": "natural earth"})
    finish(fig, title, source, height=440, bottom=62, top_legend=True)
    fig.update_layout(margin={"l": 0, "r": 0})
    return fig


def scale_colours(scores) -> list[str]:
    """The SCALE colour of each score (1-6), as colour strings: plotly.js takes numbers with a colour scale
    for a bar's fill, but not for the colour its text and hover label derive from it ('Invalid color
    specifier' for every bar). No score: the scale's lowest colour, on a bar of length 0."""
    return sample_colorscale(SCALE, [min(max((s - 1) / 5, 0.0), 1.0) if pd.notna(s) else 0.0 for s in scores])


def pillars_figure(frame: pd.DataFrame, *, title: str, source: str) -> go.Figure:
    """Horizontal bars: overall and each pillar. `frame`: name, score, band, label, coverage; optional
    low, high (the likely range from indicators/sensitivity.py) drawn as error bars."""
    f = frame.iloc[::-1]
    scored = f["score"].notna()
    text = [fmt_score(s) if ok else "" for s, ok in zip(f["score"], scored)]
    no_data = _("No data")
    ticks = [f"<b>{n}</b><br><span style='font-size:10px'>{i18n.label(lab) if ok else no_data}</span>"
             for n, lab, ok in zip(f["name"], f["label"], scored)]
    hover = [f"<b>{n}</b><br>{fmt_score(s)} ({i18n.label(lab)})<br>" + _("Coverage %(share)s", share=fmt_pct(c))
             for n, s, lab, c in zip(f["name"], f["score"], f["label"], f["coverage"])]
    ranged = (scored & f["low"].notna() & f["high"].notna()) if {"low", "high"} <= set(f.columns) else None
    if ranged is not None:  # likely range from the sensitivity runs: error bars, range in the hover
        hover = [h + ("<br>" + _("Likely %(low)s–%(high)s", low=fmt_score(lo), high=fmt_score(hi)) if ok else "")
                 for h, lo, hi, ok in zip(hover, f["low"], f["high"], ranged)]
        labels = [f"{fmt_score(s)}<br><span style='font-size:10px'>"
                  + _("likely %(low)s–%(high)s", low=fmt1(lo), high=fmt1(hi)) + "</span>" if ok else ""
                  for s, lo, hi, ok in zip(f["score"], f["low"], f["high"], ranged)]
        text = ["" if ok else t for t, ok in zip(text, ranged)]  # the label goes after the error bar
    fig = go.Figure(go.Bar(
        y=ticks, x=[s if ok else 0 for s, ok in zip(f["score"], scored)], base=0, orientation="h",
        marker={"color": scale_colours(f["score"]), "line": {"color": "#333333", "width": 0.5}},
        text=text, textposition="outside", cliponaxis=False, hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False))
    if ranged is not None and ranged.any():
        fig.update_traces(error_x={"type": "data", "symmetric": False, "color": "#212529", "thickness": 1.5,
                                   "width": 5,
                                   "array": [hi - s if ok else 0 for hi, s, ok in zip(f["high"], f["score"], ranged)],
                                   "arrayminus": [s - lo if ok else 0
                                                  for lo, s, ok in zip(f["low"], f["score"], ranged)]})
        fig.add_trace(go.Scatter(x=[hi + 0.08 if ok else 0 for hi, ok in zip(f["high"], ranged)], y=ticks,
                                 mode="text", text=labels, cliponaxis=False,
                                 textposition="middle left" if rtl() else "middle right",
                                 hoverinfo="skip", showlegend=False))
    for name, ok in zip(ticks, scored):
        if not ok:
            fig.add_annotation(x=0.05, y=name, text=_("no data (coverage too low)"), showarrow=False,
                               xanchor="right" if rtl() else "left", font={"size": 11, "color": "#495057"})
    wide = ranged is not None and ranged.any()
    fig.update_xaxes(range=[0, 7.6 if wide else 6.6], tickvals=[1, 2, 3, 4, 5, 6], title=_("Score (1-6)"),
                     gridcolor="#e9ecef")
    fig.update_yaxes(automargin=True)
    if rtl():
        mirror_bars(fig, horizontal=True)
    # the likely-range labels start after the error bar and run past the axis's end: on a 390 px phone
    # about 20 px of them surely fit inside it, the rest needs the margin (they were cut off in five languages)
    room = max(20, label_room(labels, pad=0) - LIKELY_INSIDE) if wide else 20
    return finish(fig, title, source, height=30 + 52 * len(f), bottom=44, legend=False,
                  label_margin=label_room(ticks), value_margin=room)


def split_figure(frame: pd.DataFrame, *, title: str, source: str) -> go.Figure:
    """State vs corporate (vs structural) per pillar, side by side.

    `frame`: pillar_name, actor, actor_name, score, coverage, label. A missing pair is annotated as no data.
    """
    fig = go.Figure()
    pillars = list(dict.fromkeys(frame["pillar_name"]))
    for actor in dict.fromkeys(frame["actor"]):
        part = frame[frame["actor"] == actor].set_index("pillar_name").reindex(pillars)
        colour, pattern = ACTOR_STYLE.get(actor, ("#999999", ""))
        scored = part["score"].notna()
        fig.add_trace(go.Bar(
            x=[tick(p) for p in pillars], y=[s if ok else None for s, ok in zip(part["score"], scored)],
            name=str(part["actor_name"].dropna().iloc[0]) if part["actor_name"].notna().any() else actor,
            marker={"color": colour, "pattern": {"shape": pattern}, "line": {"color": "#333333", "width": 0.5}},
            text=[fmt1(s) if ok else "" for s, ok in zip(part["score"], scored)], textposition="outside",
            cliponaxis=False,
            hovertext=[f"<b>{p}, {part['actor_name'].dropna().iloc[0] if part['actor_name'].notna().any() else actor}"
                       f"</b><br>{fmt_score(s)}"
                       + (f" ({i18n.label(lab)})" if ok else "") + "<br>" + _("Coverage %(share)s", share=fmt_pct(c))
                       for p, s, lab, c, ok in zip(pillars, part["score"], part["label"], part["coverage"], scored)],
            hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(range=[0, 6.6], tickvals=[1, 2, 3, 4, 5, 6], title=_("Score (1-6)"), gridcolor="#e9ecef")
    missing = frame[frame["score"].isna()]
    note = 0
    if len(missing):
        no_evidence = " " + _("(no corporate evidence)")
        names = "; ".join(f"{p} {a}" + (no_evidence if lab == NO_EVIDENCE else "")
                          for p, a, lab in zip(missing["pillar_name"],
                                               missing["actor_name"].fillna(missing["actor"]).str.lower(),
                                               missing["label"]))
        text = wrap(_("No bar = no data (coverage too low) or no corporate evidence: %(names)s.", names=names), 64)
        note = 14 * (text.count("<br>") + 1) + 6
        fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0, y=0, yshift=-34,
                           xanchor="left", yanchor="top", align="left", font={"size": 10, "color": "#212529"})
    if rtl():
        mirror_bars(fig, horizontal=False)
    return finish(fig, title, source, height=340, bottom=34 + note, top_legend=True)


LINES_LEFT = 70  # the 1-6 ticks and the axis title beside them (what automargin gives): drawn once
LIKELY_INSIDE = 20  # px of a likely-range label inside the pillars' axis on a phone (pillars_figure)


def line_style(i: int) -> tuple[str, str, str]:
    """Colour, dash and marker of the i-th line (the black emphasis line aside): every one of the
    first len(DASHES) lines differs from every other in dash *and* marker, so no line needs its
    colour to be told apart."""
    colours = [c for c in PALETTE if c != "#000000"]
    return colours[i % len(colours)], DASHES[i % len(DASHES)], SYMBOLS[1 + i % (len(SYMBOLS) - 1)]


def lines_figure(frame: pd.DataFrame, measured: pd.DataFrame | None, *, title: str, source: str,
                 hover_unit: str = "", emphasis: str | None = None, muted: list[str] | None = None) -> go.Figure:
    """Score lines over the years, with the methodology's measured share underneath.

    `frame`: year, series, score (+ optional n: countries averaged). `measured`: year, measured_share.
    Gaps (no data) stay gaps: lines are never drawn through a missing year. The `emphasis` series
    (e.g. the world mean) is drawn thick and black; `muted` series (references) thin, grey and dotted.
    """
    fig = go.Figure()
    i = 0
    for name, part in frame.groupby("series", sort=False):
        part = part.sort_values("year")
        if name == emphasis:
            colour, dash, width, symbol = "#000000", "solid", 3.5, "circle"
        elif name in (muted or ()):  # reference lines, e.g. the published mean beside the like-for-like one
            colour, dash, width, symbol = "#6c757d", "dot", 2, "circle-open"
        else:
            colour, dash, symbol = line_style(i)
            width = 2
            i += 1
        extra = (["<br>" + _("%(n)s countries", n=int(n)) + hover_unit for n in part["n"]] if "n" in part
                 else [""] * len(part))
        fig.add_trace(go.Scatter(
            x=part["year"], y=part["score"], name=str(name), mode="lines+markers", connectgaps=False,
            line={"color": colour, "dash": dash, "width": width},
            marker={"size": 8 if symbol != "circle" else 7, "symbol": symbol, "color": colour,
                    "line": {"color": "#ffffff", "width": 0.5}}, hovertext=[f"<b>{name}</b> {y}: {fmt_score(s)}{e}"
                                           for y, s, e in zip(part["year"], part["score"], extra)],
            hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_yaxes(range=[1, 6], tickvals=[1, 2, 3, 4, 5, 6], title=_("Score (1-6)"), gridcolor="#e9ecef",
                     domain=[0.34, 1] if measured is not None else [0, 1])
    fig.update_xaxes(dtick=1, gridcolor="#f1f3f5")
    if measured is not None:
        m = measured.sort_values("year")
        fig.add_trace(go.Bar(x=m["year"], y=m["measured_share"], name=_("Measured share of the methodology"),
                             xaxis="x2", yaxis="y2", marker={"color": "#adb5bd"}, showlegend=False,
                             text=[fmt_pct(v) for v in m["measured_share"]], textposition="outside",
                             cliponaxis=False,
                             hovertemplate="%{x}: " + _("%(share)s of the methodology measured",
                                                        share="%{y:.0%}") + "<extra></extra>"))
        fig.update_layout(
            xaxis2={"anchor": "y2", "matches": "x", "dtick": 1, "showticklabels": True},
            yaxis2={"domain": [0, 0.2], "range": [0, 1.25], "tickformat": ".0%", "tickvals": [0, 0.5, 1],
                    "title": {"text": _("Measured"), "font": {"size": 10}}},
        )
        fig.update_layout(xaxis={"showticklabels": False})
        fig.add_annotation(text=_("Measured share of the methodology, by year"), showarrow=False,
                           xref="paper", yref="paper", x=0, y=0.235, xanchor="left", yanchor="bottom",
                           font={"size": 10, "color": "#495057"})
    fig.update_layout(hovermode="closest")
    # bottom: room for a year under every bar, which a phone's width turns upright (~32 px), above the source
    return finish(fig, title, source, height=400, bottom=40, top_legend=True, label_margin=LINES_LEFT)


def compare_figure(frame: pd.DataFrame, *, title: str, source: str) -> go.Figure:
    """Grouped bars: one group per pillar (or node), one bar per country.

    `frame`: country, node_name, score, label, coverage; optional low, high (the likely range from
    indicators/sensitivity.py) drawn as error bars, so a reader sees when a difference is within
    the uncertainty. No data leaves the bar out and says so.
    """
    fig = go.Figure()
    nodes = list(dict.fromkeys(frame["node_name"]))
    patterns = ["", "/", ".", "x", "-", "|", "+", "\\"]
    ranged_frame = {"low", "high"} <= set(frame.columns)
    for i, (country, part) in enumerate(frame.groupby("country", sort=False)):
        part = part.set_index("node_name").reindex(nodes)
        ok = part["score"].notna()
        ranged = ok & part["low"].notna() & part["high"].notna() if ranged_frame else ok & False
        fig.add_trace(go.Bar(
            x=[tick(n) for n in nodes], y=[s if k else None for s, k in zip(part["score"], ok)], name=str(country),
            marker={"color": PALETTE[i % len(PALETTE)], "pattern": {"shape": patterns[i % len(patterns)]},
                    "line": {"color": "#333333", "width": 0.5}},
            hovertext=[f"<b>{country}</b>, {n}: {fmt_score(s)}" + (f" ({i18n.label(lab)})" if k else "")
                       + ("<br>" + _("Likely %(low)s–%(high)s", low=fmt_score(lo), high=fmt_score(hi)) if r else "")
                       + "<br>" + _("Coverage %(share)s", share=fmt_pct(c))
                       for n, s, lab, c, k, lo, hi, r in zip(nodes, part["score"], part["label"], part["coverage"],
                                                               ok, part.get("low", part["score"]),
                                                               part.get("high", part["score"]), ranged)],
            hovertemplate="%{hovertext}<extra></extra>"))
        if ranged.any():
            fig.update_traces(selector={"name": str(country)}, error_y={
                "type": "data", "symmetric": False, "color": "#212529", "thickness": 1.2, "width": 3,
                # None, not 0, where the runs give no range: no bar rather than a bar claiming certainty
                "array": [hi - s if r else None for hi, s, r in zip(part["high"], part["score"], ranged)],
                "arrayminus": [s - lo if r else None for lo, s, r in zip(part["low"], part["score"], ranged)]})
    fig.update_layout(barmode="group", bargap=0.2)
    fig.update_yaxes(range=[0, 6.3], tickvals=[1, 2, 3, 4, 5, 6], title=_("Score (1-6)"), gridcolor="#e9ecef")
    missing = frame[frame["score"].isna()]
    note = 0
    if len(missing):
        text = wrap(_("No bar: %(why)s.", why="; ".join(missing_note(c, part, frame)
                                                        for c, part in missing.groupby("country", sort=False))), 64)
        note = 14 * (text.count("<br>") + 1) + 6
        fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0, y=0, yshift=-34,
                           xanchor="left", yanchor="top", align="left", font={"size": 10, "color": "#212529"})
    if rtl():
        mirror_bars(fig, horizontal=False)
    return finish(fig, title, source, height=360, bottom=34 + note, top_legend=True)


def missing_note(country: str, missing: pd.DataFrame, frame: pd.DataFrame) -> str:
    """'Colombia: no corporate evidence' or 'Lebanon: no corporate evidence for Privacy; no data for Overall'."""
    evidence = missing["label"] == NO_EVIDENCE
    if evidence.all() and len(missing) == int((frame["country"] == country).sum()):
        return f"{country}: " + _("no corporate evidence")
    parts = []
    if evidence.any():
        parts.append(_("no corporate evidence for %(scores)s", scores=", ".join(missing.loc[evidence, "node_name"])))
    if (~evidence).any():
        parts.append(_("no data (coverage too low) for %(scores)s",
                       scores=", ".join(missing.loc[~evidence, "node_name"])))
    return f"{country}: " + "; ".join(parts)


def region_compare_figure(frame: pd.DataFrame, *, title: str, source: str, country: str, region: str) -> go.Figure:
    """The country's pillar scores against its region: region range (min-max), mean and the country.

    `frame`: node_name, score (country), mean, lo, hi, n.
    """
    f = frame.iloc[::-1]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=f["node_name"], x=f["hi"] - f["lo"], base=f["lo"], orientation="h",
                         name=_("%(region)s: range", region=region), marker={"color": "#dee2e6"},
                         hovertext=[_("%(region)s: %(low)s to %(high)s (%(n)s countries scored)", region=region,
                                      low=fmt_score(lo), high=fmt_score(hi), n=int(n))
                                    for lo, hi, n in zip(f["lo"], f["hi"], f["n"])],
                         hovertemplate="%{hovertext}<extra></extra>"))
    fig.add_trace(go.Scatter(y=f["node_name"], x=f["mean"], mode="markers", name=_("%(region)s: mean", region=region),
                             marker={"symbol": "line-ns-open", "size": 18, "color": "#495057",
                                     "line": {"width": 3, "color": "#495057"}},
                             hovertemplate=_("Regional mean %(score)s", score="%{x:.2f}") + "<extra></extra>"))
    fig.add_trace(go.Scatter(y=f["node_name"], x=f["score"], mode="markers", name=country,
                             marker={"symbol": "diamond", "size": 13, "color": "#E69F00",
                                     "line": {"color": "#000000", "width": 1}},
                             hovertemplate=f"{country}: " + "%{x:.2f}<extra></extra>"))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(range=[1, 6], tickvals=[1, 2, 3, 4, 5, 6], title=_("Score (1-6)"), gridcolor="#e9ecef")
    fig.update_yaxes(automargin=True)
    if rtl():
        mirror_bars(fig, horizontal=True)
    return finish(fig, title, source, height=40 + 44 * len(f), bottom=44, top_legend=True,
                  label_margin=label_room(f["node_name"]))


def message_figure(title: str, message: str, source: str) -> go.Figure:
    """An empty chart that says why it is empty (e.g. nothing selected), still titled and credited."""
    fig = go.Figure()
    fig.add_annotation(text=wrap(message, 60), showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font={"size": 14, "color": "#495057"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title, source, height=260, legend=False)


# --- Context read from dashboard.data (cached per results object) ------------------------------------

@dataclass
class Context:
    """Lookups derived from the dataset once per scoring run."""

    version: str
    years: list[int]
    min_coverage: float
    countries: pd.DataFrame                 # iso3-indexed: name, region, pilot
    pillars: dict[str, str]                 # code -> name, in order
    actors: dict[str, str]                  # code -> name
    nodes: set[str]
    labels: dict[tuple[str, int], str]      # (node, band) -> label
    publishers: dict[str, list[str]]        # node code -> short publisher names
    regions: list[str]
    results: object = None                  # the scoring run this context describes (kept for identity)
    cache: dict = field(default_factory=dict)

    def label(self, node: str, band, score=None, n_evidence=None) -> str:
        """Band label; without a band, why: no corporate evidence, a structural condition, or no data."""
        if band is None or pd.isna(band):
            actor = node.split(".")[-1]
            if score is not None and not pd.isna(score):
                return NOT_RATED  # a structural condition: scored, never banded
            if actor == "corporate" and n_evidence is not None and not pd.isna(n_evidence) and n_evidence == 0:
                return NO_EVIDENCE
            return "No data"
        base = node.split(".")[0]
        return self.labels.get((base, int(band))) or self.labels.get(("overall", int(band)), "")

    def row_label(self, node: str, row) -> str:
        """`label` for one row of `slice` (score, band, n_evidence)."""
        return self.label(node, row["band"], row["score"], row.get("n_evidence"))

    def node_name(self, node: str) -> str:
        if node == "overall":
            return _("Overall")
        if "." in node:
            p, a = node.split(".")
            return _("%(pillar)s, %(actor)s", pillar=self.pillars.get(p, p), actor=self.actors.get(a, a).lower())
        return self.pillars.get(node) or _("%(actor)s actors", actor=self.actors.get(node, node))

    def slice(self, year: int, node: str) -> pd.DataFrame:
        """iso3-indexed score, coverage, band, measured_share of one node in one year (cached)."""
        key = ("slice", year, node)
        if key not in self.cache:
            frame = data.nodes()
            part = frame[(frame["year"] == year) & (frame["node"] == node)]
            cols = ["score", "coverage", "band", "measured_share"] + (["n_evidence"] if "n_evidence" in part else [])
            self.cache[key] = part.set_index("iso3")[cols]
        return self.cache[key]


_context: dict[int, Context] = {}


def short_publisher(name: str) -> str:
    return re.sub(r"\s*\(.*?\)", "", str(name)).strip()


def context() -> Context:
    """The Context of the current results (rebuilt when dashboard.data is refreshed)."""
    results = data.results()
    lang = i18n.current()
    key = (id(results), lang)  # names (countries, pillars, labels) and cached figures are in one language
    if key not in _context or _context[key].results is not results:
        ds = data.dataset()
        meth = ds.methodology
        ind = meth.indicators
        pub = {sid: short_publisher(p) for sid, p in ds.sources["publisher"].items()}

        def pubs(mask) -> list[str]:
            return list(dict.fromkeys(pub.get(s, s) for s in ind.loc[mask, "source_id"]))

        publishers = {"overall": pubs(ind.index == ind.index)}
        for p in meth.pillar_codes:
            publishers[p] = pubs(ind["pillar"] == p)
            for a in meth.actor_codes:
                publishers[f"{p}.{a}"] = pubs((ind["pillar"] == p) & (ind["actor"] == a))
        for a in meth.actor_codes:
            publishers[a] = pubs(ind["actor"] == a)
        countries = ds.countries[["name", "region", "pilot"]].copy()
        countries["region"] = countries["region"].fillna("").astype(str)
        countries["name"] = [i18n.country_name(iso3, name, lang) for iso3, name in countries["name"].items()]
        stale = [k for k, c in _context.items() if c.results is not results]
        for old in stale[:-1]:  # keep the context being served while a recompute builds the next
            _context.pop(old, None)
        _context[key] = Context(
            version=meth.parameters.methodology_version, years=list(results.years),
            min_coverage=meth.parameters.min_coverage, countries=countries,
            pillars={c: i18n.methodology("pillars", c, "name", str(n), lang) for c, n in meth.pillars["name"].items()},
            actors={c: i18n.methodology("actors", c, "name", str(n), lang) for c, n in meth.actors["name"].items()},
            nodes=set(results.nodes["node"].unique()),
            labels={(n, int(b)): i18n.band_label(n, b, str(lab), lang)
                    for n, b, lab in meth.bands[["node", "band", "label"]].itertuples(index=False)},
            publishers=publishers,
            regions=sorted(r for r in countries["region"].unique() if r),
            results=results,
        )
    return _context[key]


# --- URL-style parameters: the shared vocabulary of dashboard.params --------------------------------
# (params, ctx) -> value, as the pages' ui.parse_view expects; ctx is accepted for their signature.

def _get(params: dict | None, name: str) -> str:
    return P.text(params, name)


def param_year(params: dict | None, ctx: Context | None = None) -> int:
    return P.year(P.text(params, "year"))


def param_node(params: dict | None, ctx: Context | None = None) -> str:
    return P.node(P.text(params, "node"))


def param_actor(params: dict | None, ctx: Context | None = None) -> str:
    return P.actor(P.text(params, "actor"))


def param_country(params: dict | None, ctx: Context | None = None, name: str = "country") -> str:
    return P.country(P.text(params, name), name)


def param_countries(params: dict | None, ctx: Context | None = None) -> list[str]:
    return P.countries(P.text(params, "countries"), "countries", required=True, limit=P.MAX_COMPARE)


def param_region(params: dict | None, ctx: Context | None = None) -> str:
    return P.region(P.text(params, "region"))


def param_pilots(params: dict | None, ctx: Context | None = None) -> bool:
    """On the page the pilot countries are outlined unless `pilots=0` (exports leave them out unless
    `pilots=1`, dashboard.exports.images)."""
    raw = _get(params, "pilots")
    return True if raw == "" else P.flag(raw, "pilots")


def node_code(node: str, actor: str, ctx: Context | None = None) -> str:
    """overall/pillar x all/actor -> the node of the result tree (e.g. privacy + state -> privacy.state)."""
    ctx = ctx or context()
    if actor == ALL:
        return node
    code = actor if node == "overall" else f"{node}.{actor}"
    if code not in ctx.nodes:
        raise P.ParamError("actor", N_("the %(pillar)s pillar has no %(actor)s indicators"),
                           pillar=ctx.pillars.get(node, node), actor=actor)
    return code


def actor_phrase(actor: str, ctx: Context) -> str:
    return "" if actor == ALL else _(", %(actor)s actors only", actor=ctx.actors.get(actor, actor).lower())


# --- Chart kinds (params -> figure) -----------------------------------------------------------------

MAP_ACTORS = (ALL, "state", "corporate")


def build_map(params: dict | None = None) -> go.Figure:
    ctx = context()
    year, node, actor = param_year(params, ctx), param_node(params, ctx), param_actor(params, ctx)
    region = param_region(params, ctx)
    if actor not in MAP_ACTORS:  # as the map page: structural scores carry no band to colour by (was a 500)
        raise P.ParamError("actor", N_("the map shows %(actors)s or %(last)s actors"),
                           actors=", ".join(MAP_ACTORS[:-1]), last=MAP_ACTORS[-1])
    code = node_code(node, actor, ctx)
    frame = map_table(ctx, year, code, region)
    what = _("%(score)s score", score=ctx.pillars.get(node, _("Overall")) if node != "overall" else _("Overall"))
    title = f"{what}{actor_phrase(actor, ctx)}, {year}" + (f": {i18n.region_name(region)}" if region else "")
    src = source_line(ctx.publishers.get(code, []), year, ctx.version, "; " + _("shapes: Natural Earth"))
    return map_figure(frame, title=title, source=src, node_label=ctx.node_name(code),
                      min_coverage=ctx.min_coverage, zoom_to_data=bool(region), points=data.map_points(),
                      bounds=geo.region_bounds(list(frame["iso3"]), data.map_points()) if region else None,
                      mark_pilots=param_pilots(params))


def map_table(ctx: Context, year: int, code: str, region: str = "") -> pd.DataFrame:
    """Rows for map_figure: every country (of `region`), scored or not (cached)."""
    key = ("map", year, code, region)
    if key not in ctx.cache:
        sl = ctx.slice(year, code)
        c = ctx.countries if not region else ctx.countries[ctx.countries["region"] == region]
        frame = c.join(sl, how="left").rename_axis("iso3").reset_index()
        evidence = frame["n_evidence"] if "n_evidence" in frame else [None] * len(frame)
        frame["label"] = [ctx.label(code, b, s, e) for b, s, e in zip(frame["band"], frame["score"], evidence)]
        frame["coverage"] = frame["coverage"].fillna(0.0)
        ctx.cache[key] = frame
    return ctx.cache[key]


def build_pillars(params: dict | None = None) -> go.Figure:
    ctx = context()
    iso3, year = param_country(params, ctx), param_year(params, ctx)
    rows = []
    for code in ["overall", *ctx.pillars]:
        r = ctx.slice(year, code).loc[iso3]
        rows.append({"name": ctx.node_name(code), "score": r["score"], "band": r["band"],
                     "label": ctx.row_label(code, r), "coverage": r["coverage"]})
    name = ctx.countries.at[iso3, "name"]
    for row, code in zip(rows, ["overall", *ctx.pillars]):  # likely ranges, drawn as error bars
        row["low"], row["high"] = likely_range(ctx, year, iso3, code)
    return pillars_figure(pd.DataFrame(rows), title=_("%(country)s: overall and pillar scores, %(year)s", country=name,
                                                      year=year),
                          source=source_line(ctx.publishers["overall"], year, ctx.version))


def likely_range(ctx: Context, year: int, iso3: str, code: str) -> tuple[float, float]:
    """The 5-95 % range of a score over the sensitivity runs (indicators/sensitivity.py), or NaNs
    for a node the runs do not summarise (pillar x actor) or a country without that score."""
    key = ("likely", year)
    if key not in ctx.cache:
        ctx.cache[key] = data.sensitivity(year).set_index("iso3")
    iv = ctx.cache[key]
    if iso3 not in iv.index or f"{code}_low" not in iv.columns:
        return float("nan"), float("nan")
    return float(iv.at[iso3, f"{code}_low"]), float(iv.at[iso3, f"{code}_high"])


def split_table(ctx: Context, iso3: str, year: int, actors: list[str] | None = None) -> pd.DataFrame:
    actors = actors or [a for a in ctx.actors if a != "structural"]
    rows = []
    for p, pname in ctx.pillars.items():
        for a in actors:
            code = f"{p}.{a}"
            if code not in ctx.nodes:
                continue
            r = ctx.slice(year, code).loc[iso3]
            rows.append({"pillar": p, "pillar_name": pname, "actor": a, "actor_name": ctx.actors[a],
                         "score": r["score"], "coverage": r["coverage"], "label": ctx.row_label(code, r)})
    return pd.DataFrame(rows)


def build_split(params: dict | None = None) -> go.Figure:
    ctx = context()
    iso3, year = param_country(params, ctx), param_year(params, ctx)
    name = ctx.countries.at[iso3, "name"]
    pubs = list(dict.fromkeys(p for a in ("state", "corporate") for p in ctx.publishers.get(a, [])))
    return split_figure(split_table(ctx, iso3, year), title=_("%(country)s: state vs corporate, per pillar, %(year)s",
                                                                     country=name, year=year),
                        source=source_line(pubs, year, ctx.version))


def measured_table(ctx: Context, code: str) -> pd.DataFrame:
    key = ("measured", code)
    if key not in ctx.cache:
        frame = data.nodes()
        part = frame[frame["node"] == code]
        ctx.cache[key] = part.groupby("year", as_index=False)["measured_share"].first()
    return ctx.cache[key]


def build_trend(params: dict | None = None) -> go.Figure:
    """One country over the years: overall and pillars (or one node by actor when actor is given)."""
    ctx = context()
    iso3 = param_country(params, ctx)
    actor = param_actor(params, ctx)
    node = param_node(params, ctx) if _get(params, "node") else None
    frame = data.nodes()
    own = frame[frame["iso3"] == iso3]
    if node:
        codes = [node_code(node, actor, ctx)]
    else:
        codes = ["overall", *ctx.pillars] if actor == ALL else [c for c in
                                                                 [actor, *(f"{p}.{actor}" for p in ctx.pillars)]
                                                                 if c in ctx.nodes]
    part = own[own["node"].isin(codes)]
    lines = pd.DataFrame({"year": part["year"], "series": part["node"].map(ctx.node_name), "score": part["score"]})
    same = same_indicator_series(iso3, codes[0], ctx)
    order = {ctx.node_name(c): i for i, c in enumerate(codes)}
    if same is not None:
        order[same["series"].iloc[0]] = 0.5
        lines = pd.concat([lines, same], ignore_index=True)
    lines = lines.sort_values(["series", "year"], key=lambda s: s.map(order) if s.name == "series" else s)
    name = ctx.countries.at[iso3, "name"]
    years = f"{min(ctx.years)}-{max(ctx.years)}"
    return lines_figure(lines, measured_table(ctx, codes[0]),
                        title=_("%(country)s: scores over time%(actors)s, %(years)s", country=name,
                                actors=actor_phrase(actor, ctx), years=years),
                        source=source_line(ctx.publishers.get(codes[0], ctx.publishers["overall"]), years, ctx.version))


def same_indicator_series(iso3: str, code: str, ctx: Context) -> pd.DataFrame | None:
    """year, series, score of `code` chained on the same indicators year to year (indicators/trend.py),
    starting at its first published level; None with fewer than two scored years."""
    try:
        t = data.trend(iso3, node=code)
    except ValueError:
        return None
    rows = [(y["year"], y["like_for_like_level"]) for y in t["years"]]
    return pd.DataFrame({"year": [r[0] for r in rows], "score": [r[1] for r in rows],
                         "series": _("%(score)s on the same indicators", score=ctx.node_name(code))}).astype(
        {"score": float})


def build_compare(params: dict | None = None) -> go.Figure:
    ctx = context()
    codes = param_countries(params, ctx)
    year, actor = param_year(params, ctx), param_actor(params, ctx)
    nodes = ["overall", *ctx.pillars]
    rows = []
    for iso3 in codes:
        for n in nodes:
            code = n if actor == ALL else (actor if n == "overall" else f"{n}.{actor}")
            if code not in ctx.nodes:
                continue
            r = ctx.slice(year, code).loc[iso3]
            low, high = likely_range(ctx, year, iso3, code)
            rows.append({"country": ctx.countries.at[iso3, "name"], "node_name": ctx.pillars.get(n, _("Overall")),
                         "score": r["score"], "label": ctx.row_label(code, r), "coverage": r["coverage"],
                         "low": low, "high": high})
    pub_node = "overall" if actor == ALL else actor
    return compare_figure(pd.DataFrame(rows),
                          title=_("Countries compared%(actors)s, %(year)s", actors=actor_phrase(actor, ctx), year=year),
                          source=source_line(ctx.publishers.get(pub_node, []), year, ctx.version))


WORLD = "All countries"
PUBLISHED = ", as published"


def build_compare_trend(params: dict | None = None) -> go.Figure:
    """Compare over time: one line per chosen country for one score (overall or a pillar, by actor)."""
    ctx = context()
    codes = param_countries(params, ctx)
    node, actor = param_node(params, ctx), param_actor(params, ctx)
    code = node_code(node, actor, ctx)
    frame = data.nodes()
    part = frame[(frame["node"] == code) & frame["iso3"].isin(codes)]
    names = {c: ctx.countries.at[c, "name"] for c in codes}
    lines = pd.DataFrame({"year": part["year"], "series": part["iso3"].map(names), "score": part["score"]})
    order = {names[c]: i for i, c in enumerate(codes)}
    lines = lines.sort_values(["series", "year"], key=lambda s: s.map(order) if s.name == "series" else s)
    years = f"{min(ctx.years)}-{max(ctx.years)}"
    what = ctx.pillars.get(node, _("Overall")) if node != "overall" else _("Overall")
    return lines_figure(lines, measured_table(ctx, code),
                        title=_("%(score)s score%(actors)s over time, %(years)s", score=what,
                                actors=actor_phrase(actor, ctx), years=years),
                        source=source_line(ctx.publishers.get(code, ctx.publishers["overall"]), years, ctx.version))


def region_means(ctx: Context, code: str) -> pd.DataFrame:
    """year x series: per region and for the world ('All countries') the mean score chained on the same
    indicators (indicators/trend.py: starts at the first year's mean, then adds the mean like-for-like
    step of the countries scored in both years; n = those countries), and the published mean of the
    countries scored each year (series '<name>, as published'; n = countries scored)."""
    key = ("region_means", code)
    if key not in ctx.cache:
        g = data.group_trends(code)
        first = g.groupby("group")["year"].transform("min")
        lfl = pd.DataFrame({"year": g["year"], "series": g["group"], "score": g["like_for_like_level"],
                            "n": g["n_step"].where(g["year"] != first, g["n"])})
        pub = pd.DataFrame({"year": g["year"], "series": g["group"] + PUBLISHED, "score": g["mean"], "n": g["n"]})
        ctx.cache[key] = pd.concat([lfl, pub], ignore_index=True)
    return ctx.cache[key]


def build_region_trends(params: dict | None = None) -> go.Figure:
    """Regional and world means over time for one node, on the same indicators (chained), with the world's
    (and the chosen region's) published mean beside them and the measured share underneath."""
    ctx = context()
    node, actor, region = param_node(params, ctx), param_actor(params, ctx), param_region(params, ctx)
    code = node_code(node, actor, ctx)
    means = region_means(ctx, code)
    keep = [WORLD, WORLD + PUBLISHED] + ([region, region + PUBLISHED] if region else
                                         [r for r in ctx.regions])
    means = means[means["series"].isin(keep)]
    order = {s: i for i, s in enumerate(keep)}
    means = means.sort_values(["series", "year"], key=lambda s: s.map(order) if s.name == "series" else s)
    names = {s: series_name(s) for s in keep}  # the legend in the language; the series stay keyed in English
    means = means.assign(series=means["series"].map(names))
    years = f"{min(ctx.years)}-{max(ctx.years)}"
    what = ctx.pillars.get(node, _("Overall")) if node != "overall" else _("Overall")
    return lines_figure(means, measured_table(ctx, code),
                        title=_("%(score)s score%(actors)s: mean by region on the same indicators, %(years)s",
                                score=what, actors=actor_phrase(actor, ctx), years=years),
                        source=source_line(ctx.publishers.get(code, []), years, ctx.version),
                        hover_unit=" " + _("scored"), emphasis=names[WORLD],
                        muted=[names[s] for s in keep if s.endswith(PUBLISHED)])


def series_name(series: str) -> str:
    """A regional-means series ('South Asia', 'All countries, as published') in the request's language."""
    published = series.endswith(PUBLISHED)
    group = series.removesuffix(PUBLISHED)
    name = _("All countries") if group == WORLD else i18n.region_name(group)
    return _("%(group)s, as published", group=name) if published else name


def build_region_compare(params: dict | None = None) -> go.Figure:
    """A country's overall and pillar scores against the range and mean of its region."""
    ctx = context()
    iso3, year = param_country(params, ctx), param_year(params, ctx)
    region = ctx.countries.at[iso3, "region"]
    peers = ctx.countries.index[ctx.countries["region"] == region]
    rows = []
    for code in ["overall", *ctx.pillars]:
        sl = ctx.slice(year, code)
        vals = sl.loc[sl.index.isin(peers), "score"].dropna()
        rows.append({"node_name": ctx.node_name(code), "score": sl.at[iso3, "score"],
                     "mean": vals.mean() if len(vals) else math.nan, "lo": vals.min() if len(vals) else math.nan,
                     "hi": vals.max() if len(vals) else math.nan, "n": len(vals)})
    name = ctx.countries.at[iso3, "name"]
    title = (_("%(country)s within %(region)s, %(year)s", country=name, region=i18n.region_name(region), year=year)
             if region else _("%(country)s within its region, %(year)s", country=name, year=year))
    return region_compare_figure(pd.DataFrame(rows), title=title,
                                 source=source_line(ctx.publishers["overall"], year, ctx.version),
                                 country=name, region=i18n.region_name(region) if region else _("Region"))


# --- Tensions within rights (issue 10): harm pressure vs restriction, kept out of the scores --------

LAW_RANGE = (-3.0, 3.0)
# cividis (no white end, so a filled marker never looks like the open "no reading" marker)
LAW_SCALE = [[0.0, "#00224e"], [0.25, "#3d4d6b"], [0.5, "#7d7c78"], [0.75, "#bcaf6f"], [1.0, "#fee838"]]


def _num(value, none: str | None = None) -> str:
    return (none or _("no data")) if value is None or pd.isna(value) else i18n.number(value)


def tensions_hover(row, publishers: dict[str, str] | None = None) -> str:
    """The hover of one point: both axes with their figures and sources, then safeguards and stated harm
    (short lines, so it fits a phone)."""
    pub = publishers or {}

    def src(ids) -> str:
        return "; ".join(pub.get(s, s) for s in str(ids or "").split(",") if s) or "-"

    year = int(row["year"])
    name = i18n.country_name(row["iso3"], row["name"]) if "iso3" in row else row["name"]
    lines = [f"<b>{name}</b>" + (" " + _("(pilot country)") if row.get("pilot") else ""),
             _("Harm pressure %(value)s (%(source)s, %(year)s)", value=_num(row["harm"]),
               source=pub.get("DSP_V8", "DSP v8"), year=year),
             "  " + _("parties %(parties)s, foreign governments %(foreign)s (raw; higher = less)",
                      parties=_num(row.get("parties")), foreign=_num(row.get("foreign"))),
             _("Restriction in practice %(value)s / 6", value=_num(row["restriction"])),
             "  " + _("%(part)s of %(whole)s indicators", part=int(row.get("restriction_n") or 0),
                      whole=int(row.get("restriction_of") or 0)) + f" ({src(row.get('restriction_sources'))})"]
    law = row.get("law")
    lines.append(_("Content-regulation law (v2smregcon)") + " " + (
        f"{i18n.number(law)}<br>  ({src(row.get('law_source'))}, {int(row['law_year'])})" if pd.notna(law)
        else _("no data")))
    if pd.notna(row.get("court_share")):
        lines.append(_("Court orders: %(share)s of %(num)s removal requests", share=i18n.percent(row["court_share"]),
                       num=int(row["requests"]))
                     + f"<br>  ({pub.get('GOOGLE_TR_REMOVALS', 'Google')} {year})")
    if pd.notna(row.get("shutdowns")):
        lines.append(_("Shutdowns listed: %(num)s; %(harm)s justified by a stated harm", num=int(row["shutdowns"]),
                       harm=int(row["shutdowns_harm"]))
                     + "<br>  (" + _("%(source)s %(year)s; the government's claims",
                                     source=pub.get("ACCESSNOW_STOP_2025", "Access Now"), year=year) + ")")
    return "<br>".join(lines)


def tensions_figure(frame: pd.DataFrame, *, title: str, source: str,
                    publishers: dict[str, str] | None = None) -> go.Figure:
    """Quadrant scatter: harm pressure (x) against restriction in practice (y), one point per placed
    country. `frame` columns: iso3, name, year, pilot, harm, restriction (NaN = not placed: left out),
    restriction_n, restriction_of, restriction_sources, law (colour; NaN = open grey marker), law_year,
    law_source; optional parties, foreign, court_share, requests, shutdowns, shutdowns_harm. Pilots are
    stars with their name written beside them; shapes and labels carry the meaning without colour."""
    f = frame[frame["harm"].notna() & frame["restriction"].notna()].reset_index(drop=True)
    f = f.assign(hover=[tensions_hover(r, publishers) for _i, r in f.iterrows()], pilot=f["pilot"].astype(bool))
    has_law = f["law"].notna()
    traces = []
    for pilot, law, name in ((False, True, _("Country")), (False, False, _("Country, no content-law reading")),
                             (True, True, _("Pilot country")),
                             (True, False, _("Pilot country, no content-law reading"))):
        part = f[(f["pilot"] == pilot) & (has_law == law)]
        if not len(part):
            continue
        symbol = ("star" if pilot else "circle") + ("" if law else "-open")
        marker = {"symbol": symbol, "size": 15 if pilot else 9, "line": {"color": "#212529", "width": 1}}
        marker |= ({"color": part["law"], "coloraxis": "coloraxis"} if law else {"color": "#6c757d"})
        traces.append(go.Scatter(
            x=part["harm"], y=part["restriction"], mode="markers+text" if pilot else "markers", name=name,
            text=[i18n.country_name(c, n) for c, n in zip(part["iso3"], part["name"])] if pilot else None,
            textposition="top center", textfont={"size": 11},
            customdata=part["iso3"], hovertext=part["hover"], hovertemplate="%{hovertext}<extra></extra>",
            marker=marker, cliponaxis=False))
    fig = go.Figure(traces)
    fig.add_vline(x=0, line={"color": "#adb5bd", "width": 1, "dash": "dash"})
    fig.add_hline(y=3.5, line={"color": "#adb5bd", "width": 1, "dash": "dash"})
    for x, y, xa, ya, text in ((0.01, 0.99, "left", "top", _("Less harm,<br>more restriction")),
                               (0.99, 0.99, "right", "top", _("More harm,<br>more restriction")),
                               (0.01, 0.01, "left", "bottom", _("Less harm,<br>less restriction")),
                               (0.99, 0.01, "right", "bottom", _("More harm,<br>less restriction"))):
        fig.add_annotation(text=text, xref="x domain", yref="y domain", x=x, y=y, xanchor=xa, yanchor=ya,
                           align=xa, showarrow=False, font={"size": 10, "color": "#495057"})
    fig.update_xaxes(range=[-4.2, 4.2], zeroline=False, gridcolor="#e9ecef",
                     title=_("Harm pressure: disinformation by parties<br>and foreign governments (DSP v8, "
                             "reversed)"))
    fig.update_yaxes(range=[0.8, 6.2], tickvals=[1, 2, 3, 4, 5, 6], zeroline=False, gridcolor="#e9ecef",
                     title=_("Restriction in practice (1 none – 6 severe)"))
    fig.update_layout(
        coloraxis={"cmin": LAW_RANGE[0], "cmax": LAW_RANGE[1], "colorscale": LAW_SCALE,
                   "colorbar": {"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.21, "yanchor": "top",
                                "len": 0.8, "thickness": 10, "tickfont": {"size": 10},
                                "tickvals": [-3, -2, -1, 0, 1, 2, 3],
                                "title": {"text": _("Safeguard: content-regulation law (V-Dem v2smregcon)<br>"
                                                    "−3 lets the state remove political speech, +3 protects it"),
                                          "side": "top", "font": {"size": 10}}}},
        hovermode="closest", dragmode=False)
    finish(fig, title, source, height=440, bottom=180, top_legend=True)
    return fig


def build_tensions(params: dict | None = None) -> go.Figure:
    """The /tensions chart: params year (default the latest scored year) and region."""
    ctx = context()
    year, region = param_year(params, ctx), param_region(params, ctx)
    frame = data.tensions_view(year)
    if region:
        frame = frame[frame["region"] == region]
    placed = int(frame["placed"].sum())
    ds = data.dataset()
    pubs = {sid: short_publisher(p) for sid, p in ds.sources["publisher"].items()}
    pubs["DSP_V8"] = "Digital Society Project v8"
    used = ["DSP_V8", *sorted({s for ids in frame["restriction_sources"].dropna() for s in ids.split(",")}),
            "VDEM_DSP_V4_VIA_UNDP", "GOOGLE_TR_REMOVALS", "ACCESSNOW_STOP_2025"]
    names = list(dict.fromkeys(pubs.get(s, s) for s in used if s in ds.sources.index or s == "DSP_V8"))
    title = (_("Harm and restriction, %(year)s, %(region)s: %(placed)s of %(num)s placed", year=year,
               region=i18n.region_name(region), placed=placed, num=len(frame)) if region else
             _("Harm and restriction, %(year)s: %(placed)s of %(num)s placed", year=year, placed=placed,
               num=len(frame)))
    return tensions_figure(frame, title=title, publishers=pubs,
                           source=source_line(names, year, extra="; " + _("not part of the scores")))


FIGURE_CACHE_SIZE = 512


def figure_dict(kind: str, params: dict | None = None, *, fixed_height: bool = True) -> dict:
    """`CHARTS[kind](params)` as a plain dict, cached per scoring run: what pages send to the browser.

    Pages call this in their callbacks, so a view drawn before costs a dict lookup instead of a figure
    build. `fixed_height=False` drops the figure's height so CSS sizes it (exports keep the height).
    Treat the result as read-only.
    """
    clean = tuple(sorted((k, str(v)) for k, v in (params or {}).items() if v not in (None, "")))

    def build() -> dict:
        fig = CHARTS[kind](dict(clean))
        if not fixed_height:
            fig.layout.height = None
        return fig.to_plotly_json()
    return memo(("figure", kind, clean, fixed_height), build, FIGURE_CACHE_SIZE)


def memo(key: tuple, build, limit: int = 128):
    """`build()` memoised in the current scoring run's context under `key` (its first element names the
    kind: "figure", "country-body", ...); when `limit` entries of that kind exist they are all dropped."""
    cache = context().cache
    hit = cache.get(key)
    if hit is None:
        hit = build()
        if sum(1 for k in cache if k[0] == key[0]) >= limit:
            for k in [k for k in cache if k[0] == key[0]]:
                cache.pop(k, None)
        cache[key] = hit
    return hit


def cached_keys(results, kind: str, limit: int = 64) -> list[tuple]:
    """The most recent cache keys of `kind` ("figure", "country-body", ...) of a scoring run's context
    (for rebuilding them when new results are prepared); [] when that run has no context."""
    # the warmer runs outside any request: the English context (other languages are built on demand)
    ctx = _context.get((id(results), i18n.DEFAULT)) if results is not None else None
    if ctx is None or ctx.results is not results:
        return []
    return [k for k in list(ctx.cache) if k[0] == kind][-limit:]


def warm_figures(previous) -> None:
    """data.add_warmer hook: rebuild, for the new results, the figures drawn for the previous ones."""
    for _figure, kind, clean, fixed_height in cached_keys(previous and previous.results, "figure"):
        try:
            figure_dict(kind, dict(clean), fixed_height=fixed_height)
        except ValueError:  # a view that no longer exists (e.g. a withdrawn country): built on demand
            pass


data.add_warmer(warm_figures)


CHARTS = {
    "map": build_map,
    "pillars": build_pillars,
    "split": build_split,
    "trend": build_trend,
    "compare": build_compare,
    "compare_trend": build_compare_trend,
    "region_trends": build_region_trends,
    "region_compare": build_region_compare,
    "tensions": build_tensions,
}
"""Chart kind -> build(params: dict[str, str]) -> go.Figure. Parameters as in page URLs: year, node
(overall or a pillar), actor (all, state, corporate, structural), country, countries (comma-separated),
region, pilots (0 or 1, map only). ValueError names the bad parameter. `tensions` takes year and region."""
