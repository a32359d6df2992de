"""Chart images: dashboard.figures.CHARTS rendered to PNG (print resolution) or SVG by a warm kaleido server."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .. import params as P
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


def print_ready(fig, kind: str, params: dict[str, str]):
    """Make sure the image names its year and credits its sources, and sits on white."""
    fig = type(fig)(fig)  # never mutate a cached figure
    text = _annotation_text(fig)
    year = params.get("year")
    lines = []
    if year and str(year) not in text:
        lines.append(f"Year: {year}")
    if "CC BY" not in text and "licen" not in text.lower():
        lines.append(credit_line(None))
    if lines:
        fig.add_annotation(text="<br>".join(_wrap(line, 150) for line in lines), xref="paper", yref="paper",
                           x=0, y=0, yshift=-10, xanchor="left", yanchor="top", showarrow=False,
                           align="left", font={"size": 9, "color": "#555"})
        margin_b = (fig.layout.margin.b or 80) + 14 * sum(len(_wrap(li, 150).split("<br>")) for li in lines)
        fig.update_layout(margin={"b": margin_b})
    pad = 14  # keep the last source line off the image's edge
    fig.update_layout(paper_bgcolor="white", margin={"b": (fig.layout.margin.b or 80) + pad})
    if fig.layout.height:
        fig.update_layout(height=fig.layout.height + pad)
    return fig


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
    (dashboard.params), each in its canonical spelling when it parses (a bad one is kept as given, so
    the builder names it). Unknown names (utm_source, cache busters) are dropped: they neither reach
    the builder nor split the image cache."""
    clean = {}
    for name, parse in P.PARSERS.items():
        raw = P.text(params, name)
        if not raw:
            continue
        try:
            value = parse(raw)
        except ValueError:
            value = raw
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        if value not in (None, ""):
            clean[name] = str(value)
    return tuple(sorted(clean.items()))


def render_chart(kind: str, fmt: str, params: dict[str, str]) -> bytes:
    """One chart of dashboard.figures.CHARTS as PNG (print resolution) or SVG; cached by its parsed parameters."""
    if fmt not in IMAGE_FORMATS:
        raise P.ParamError("format", f"chart format '{fmt}' is not one of {', '.join(IMAGE_FORMATS)}", 404)
    charts = chart_kinds()
    if kind not in charts:
        raise P.ParamError("chart", f"chart '{kind}' is not one of {', '.join(sorted(charts)) or '(none yet)'}",
                           404)
    size = {name: P.size(params.get(name), name) for name in CHART_OWN_PARAMS}
    parsed = chart_params(params)
    build_params = {k: v for k, v in parsed if k not in CHART_OWN_PARAMS}
    key = ("chart", kind, fmt, parsed)

    def build() -> bytes:
        try:
            fig = charts[kind](dict(build_params))
        except P.ParamError:
            raise
        except (ValueError, KeyError) as exc:
            raise P.ParamError(_param_named(str(exc), build_params), str(exc).strip("'\"")) from None
        fig = print_ready(fig, kind, build_params)
        w0, h0 = PRINT_SIZE.get(kind, DEFAULT_SIZE)
        image = figure_image(fig, fmt, size.get("width") or fig.layout.width or w0,
                             size.get("height") or fig.layout.height or h0)
        return png_dpi(image, PRINT_DPI) if fmt == "png" else image
    return _cache.get(key, build)


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
