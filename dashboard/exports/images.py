"""Chart images: dashboard.figures.CHARTS rendered to PNG (print resolution) or SVG by a warm kaleido server."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from indicators.text import N_

from .. import params as P
from ..i18n import _
from . import evidence
from .cache import _cache
from .tables import credit_line

ROOT = Path(__file__).resolve().parent.parent.parent
TOPOJSON_DIR = ROOT / "assets" / "topojson"
IMAGE_FORMATS = ("png", "svg")

PRINT_SIZE = {"map": (1200, 700)}
DEFAULT_SIZE = (1000, 600)
PRINT_PX = 3000  # PNG width: 10 in at 300 dpi (the scale follows the chart's CSS width)
PRINT_DPI = 300
_kaleido_lock = threading.Lock()
_kaleido_started = False


def chart_kinds() -> dict[str, Callable]:
    try:
        from .. import figures
    except ImportError:
        return {}
    return dict(getattr(figures, "CHARTS", {}))


def _ensure_kaleido() -> None:
    """Start kaleido's sync server once per process (caller holds _kaleido_lock)."""
    global _kaleido_started
    import kaleido
    import plotly.io as pio
    if not _kaleido_started:
        pio.defaults.topojson = TOPOJSON_DIR.resolve().as_uri()
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        _kaleido_started = True


def figure_image(fig, fmt: str, width: int | None = None, height: int | None = None,
                 scale: float | None = None) -> bytes:
    """Render a plotly figure to PNG/SVG/PDF bytes with the warm kaleido server (thread-safe)."""
    global _kaleido_started
    import kaleido
    import plotly.io as pio
    spec = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig
    w, h = width or DEFAULT_SIZE[0], height or DEFAULT_SIZE[1]
    if scale is None:
        scale = min(4.0, max(1.0, PRINT_PX / w)) if fmt == "png" else 1
    opts = {"format": fmt, "width": w, "height": h, "scale": scale}
    with _kaleido_lock:
        _ensure_kaleido()
        try:
            return kaleido.calc_fig_sync(spec, opts=opts, topojson=pio.defaults.topojson)
        except Exception:  # a crashed browser: restart the server once, then retry
            kaleido.stop_sync_server(silence_warnings=True)
            _kaleido_started = False
            _ensure_kaleido()
            return kaleido.calc_fig_sync(spec, opts=opts, topojson=pio.defaults.topojson)


def png_dpi(png: bytes, dpi: int = 300) -> bytes:
    """Stamp the PNG's physical resolution (a pHYs chunk after IHDR) so print software sizes it right."""
    import struct
    import zlib
    if png[:8] != b"\x89PNG\r\n\x1a\n" or b"pHYs" in png[:200]:
        return png
    ppm = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    end_ihdr = 8 + 8 + 13 + 4
    return png[:end_ihdr] + chunk + png[end_ihdr:]


def _annotation_text(fig) -> str:
    parts = [a.text or "" for a in (fig.layout.annotations or ())]
    title = fig.layout.title.text if fig.layout.title and fig.layout.title.text else ""
    return " ".join([title, *parts])


OVER_TIME = ("trend", "compare_trend", "region_trends")  # charts drawn over every scored year
SCALE_NOTE = N_("Scale 1-6: 6 = rights fully respected, 1 = severe violations.")
NOTE_CHARS = 84        # note lines wrap to fit the narrowest layout (LAYOUT_MIN_W) at 12 px
SOURCE_FONT = 12       # the credit line: about 7 pt when a 1000 px chart is printed 15 cm wide


def print_ready(fig, kind: str, params: dict[str, str], notes: list[str] | None = None):
    """Make the image stand alone: it names its year, says what the scale means, what the bars rest on
    (`notes`, e.g. from evidence_notes) and credits its sources legibly, on white. On maps the pilot
    stars are left out unless `pilots=1` (a report's reader does not know what a pilot country is)."""
    fig = type(fig)(fig)  # never mutate a cached figure
    text = _annotation_text(fig)
    year = params.get("year")
    lines = []
    if kind == "map" and params.get("pilots") != "1":
        fig.data = [t for t in fig.data if t.name != "Pilot country"]
    if year and kind not in OVER_TIME and str(year) not in text:  # a chart over the years has no one year
        lines.append(_("Year: %(year)s", year=year))
    scale = _(SCALE_NOTE)  # in the chart's language, as every word of it
    if kind != "map" and scale not in text:  # the map's colour bar says it
        lines.append(scale)
    lines += list(notes or [])
    if "CC BY" not in text and "licen" not in text.lower():
        lines.append(credit_line(None))
    if fig.layout.annotations:  # the source line: the builder's last note (figures.finish), in any language
        fig.layout.annotations[-1].font.size = SOURCE_FONT
        fig.layout.annotations[-1].font.color = "#343a40"
    bottom = fig.layout.margin.b or 80
    if lines:
        width = NOTE_CHARS
        wrapped = [_wrap(line, width) for line in lines]
        count = sum(w.count("<br>") + 1 for w in wrapped)
        # under the credit line, which sits in the bottom margin the builder made for it
        fig.add_annotation(text="<br>".join(wrapped), xref="paper", yref="paper", x=0, y=0, yshift=-(bottom + 2),
                           xanchor="left", yanchor="top", showarrow=False, align="left",
                           font={"size": 12, "color": "#212529"})
        extra = 17 * count + 8
        bottom += extra
    pad = 16  # keep the last source line off the image's edge
    grow = bottom + pad - (fig.layout.margin.b or 80)
    fig.update_layout(paper_bgcolor="white", margin={"b": bottom + pad})
    if fig.layout.height:
        fig.update_layout(height=fig.layout.height + grow)
    return fig


def evidence_notes(kind: str, params: dict[str, str]) -> list[str]:
    """What the bars of a one-country chart rest on (dashboard.exports.evidence), for the image."""
    if kind not in ("pillars", "split", "region_compare") or not params.get("country"):
        return []
    from .. import figures
    ctx = figures.context()
    try:
        iso3, year = P.country(params.get("country")), P.year(params.get("year"))
    except P.ParamError:
        return []
    if kind == "split":
        codes = [f"{p}.{a}" for p in ctx.pillars for a in ctx.actors
                 if a != "structural" and f"{p}.{a}" in ctx.nodes]
    else:
        codes = ["overall", *ctx.pillars]
    return evidence.evidence_notes(iso3, year, codes)


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


CHART_OWN_PARAMS = ("width", "height")


def chart_params(params: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The request's parameters as the chart sees them: only names of the shared vocabulary
    (dashboard.params), each in its canonical spelling. Every one is parsed before anything is drawn,
    whether the chart uses it or not: a bad value raises ParamError naming it (a garbage `year` on a
    chart that ignores the year used to reach the renderer as text and fail there). Unknown names
    (utm_source, cache busters) are dropped: they neither reach the builder nor split the image cache."""
    clean = {}
    for name, parse in P.PARSERS.items():
        raw = P.text(params, name)
        if not raw:
            continue
        value = parse(raw)  # ParamError (400, naming the parameter) when it does not parse
        if isinstance(value, bool):
            value = "1" if value else "0"
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        if value not in (None, ""):
            clean[name] = str(value)
    return tuple(sorted(clean.items()))


LAYOUT_MIN_W, LAYOUT_MAX_W = 640, 1400  # the width text is laid out at: readable at any requested size
PLOT_MIN = 140                           # at least this many px of plot area inside the margins


def layout_size(fig, width: int, height: int) -> tuple[int, int, float]:
    """(layout width, layout height, k): the requested size times k, so the chart's titles, notes and
    margins fit (plotly fails with 'axis scaling' when they do not) and its text stays readable; the
    image is then drawn at the requested size (PNG scale / SVG viewBox divide by k)."""
    margin = fig.layout.margin
    need_w = (margin.l or 80) + (margin.r or 80) + PLOT_MIN
    need_h = (margin.t or 100) + (margin.b or 80) + PLOT_MIN
    k = LAYOUT_MAX_W / width if width > LAYOUT_MAX_W else 1.0
    k = max(k, LAYOUT_MIN_W / width, need_w / width, need_h / height)
    return round(width * k), round(height * k), k


def _svg_at(svg: bytes, width: int, height: int, lw: int, lh: int) -> bytes:
    """The SVG drawn at width x height CSS px from a lw x lh layout (a viewBox scales it)."""
    text = svg.decode("utf-8")
    head_end = text.index(">", text.index("<svg"))
    head = text[:head_end]
    head = re.sub(r'\swidth="[^"]*"', f' width="{width}"', head, count=1)
    head = re.sub(r'\sheight="[^"]*"', f' height="{height}"', head, count=1)
    if "viewBox" not in head:
        head += f' viewBox="0 0 {lw} {lh}"'
    return (head + text[head_end:]).encode("utf-8")


def build_chart(kind: str, params: dict[str, str]):
    """The print-ready figure of one chart (what the PNG, SVG and /embed show)."""
    charts = chart_kinds()
    if kind not in charts:
        raise P.ParamError("chart", N_("chart '%(value)s' is not one of %(allowed)s"), 404, value=kind,
                           allowed=", ".join(sorted(charts)) or "(none yet)")
    build_params = {k: v for k, v in chart_params(params) if k not in CHART_OWN_PARAMS}
    try:
        fig = charts[kind](dict(build_params))
    except P.ParamError:
        raise
    except (ValueError, KeyError) as exc:
        raise P.ParamError(_param_named(str(exc), build_params), str(exc).strip("'\"")) from None
    return print_ready(fig, kind, build_params, evidence_notes(kind, build_params))


def render_chart(kind: str, fmt: str, params: dict[str, str]) -> bytes:
    """One chart of dashboard.figures.CHARTS as PNG (print resolution) or SVG; cached by its parsed parameters.

    `width`/`height` (200-4000 CSS px) set the image's size; the PNG is that at print resolution
    (3000 px wide or 4x, whichever is smaller, at least 1x), stamped 300 dpi."""
    if fmt not in IMAGE_FORMATS:
        raise P.ParamError("format", N_("chart format '%(value)s' is not one of %(allowed)s"), 404, value=fmt,
                           allowed=", ".join(IMAGE_FORMATS))
    if kind not in chart_kinds():
        build_chart(kind, params)  # raises the 404 naming the chart kinds
    size = {name: P.size(params.get(name), name) for name in CHART_OWN_PARAMS}
    parsed = chart_params(params)
    key = ("chart", kind, fmt, parsed)

    def build() -> bytes:
        fig = build_chart(kind, dict(parsed))
        w0, h0 = PRINT_SIZE.get(kind, DEFAULT_SIZE)
        width = size.get("width") or fig.layout.width or w0
        height = size.get("height") or fig.layout.height or h0
        lw, lh, k = layout_size(fig, width, height)
        if fmt == "svg":
            return _svg_at(figure_image(fig, "svg", lw, lh, 1), width, height, lw, lh)
        scale = min(4.0, max(1.0, PRINT_PX / width)) / k
        return png_dpi(figure_image(fig, "png", lw, lh, scale), PRINT_DPI)
    return _cache.get(key, build)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-")


def chart_filename(kind: str, fmt: str, params: dict[str, str]) -> str:
    """`drd_<chart>_<where>_<year>[_<node>][_<actor>].<fmt>`: drd_split_LBN_2023.png, drd_map_MENA_2023.png,
    drd_map_world_2023.png (a world and a region map never share a name)."""
    parsed = dict(chart_params(params))
    where = (parsed.get("country") or parsed.get("countries", "").replace(",", "-")[:40]
             or (P.region_code(parsed["region"]) if parsed.get("region") else "")
             or ("world" if kind in ("map", "region_trends") else ""))
    if kind in ("trend", "region_trends"):
        try:
            ys = P.years("all")
            when = f"{ys[0]}-{ys[-1]}"
        except P.ParamError:
            when = ""
    else:
        try:
            when = str(P.year(parsed.get("year")))
        except P.ParamError:
            when = ""
    extra = [parsed[n] for n in ("node", "actor") if parsed.get(n) not in (None, "", "overall", "all")]
    parts = ["drd", kind, _slug(where), when, *(_slug(e) for e in extra)]
    return "_".join(p for p in parts if p) + f".{fmt}"


def _param_named(message: str, params: dict[str, str]) -> str:
    """Which parameter an error message names (the builders raise ValueError naming it)."""
    head = re.match(r"\s*'?([a-z_]+):", message)
    if head:
        return head.group(1)
    known = ["country", "countries", "year", "pillar", "actor", "region", "node", "indicator", "years", *params]
    for name in known:
        if re.search(rf"\b{re.escape(name)}\b", message):
            return name
    return "parameters"


def warm_up() -> float:
    """Start kaleido and render a tiny figure; returns the seconds it took (benchmarks, first request)."""
    import plotly.graph_objects as go
    t0 = time.perf_counter()
    figure_image(go.Figure(go.Bar(x=[1], y=[1])), "png", 200, 200, 1)
    return time.perf_counter() - t0
