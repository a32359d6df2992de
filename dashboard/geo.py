"""Country and region extents from the Natural Earth 1:110m shapes the maps draw (pure JSON, no GIS stack).

`region_bounds(iso3s)` gives the ((lon_min, lon_max), (lat_min, lat_max)) box a map of those countries is
zoomed to. Each country counts with its main landmasses only (parts of at least a fifth of its largest
part's area), so France's overseas departments or Russia's sliver east of the antimeridian do not
stretch a region's map to the whole world.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO_FILE = ROOT / "data" / "geo" / "ne_110m_admin0_countries.geojson"
MAIN_PART_SHARE = 0.2
_lock = threading.Lock()
_boxes: dict[str, tuple[float, float, float, float]] | None = None


def _area(ring) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:] + ring[:1]))) / 2


def country_boxes(path: Path = GEO_FILE) -> dict[str, tuple[float, float, float, float]]:
    """iso3 -> (lon_min, lat_min, lon_max, lat_max) of its main landmasses (read once)."""
    global _boxes
    with _lock:
        if _boxes is None or path != GEO_FILE:
            doc = json.loads(path.read_text(encoding="utf-8"))
            boxes = {}
            for feature in doc["features"]:
                iso3 = (feature.get("properties") or {}).get("iso3")
                geom = feature.get("geometry") or {}
                if not iso3 or not geom:
                    continue
                parts = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
                outer = [p[0] for p in parts if p and p[0]]
                if not outer:
                    continue
                biggest = max(_area(r) for r in outer)
                keep = [r for r in outer if _area(r) >= MAIN_PART_SHARE * biggest]
                xs = [pt[0] for r in keep for pt in r]
                ys = [pt[1] for r in keep for pt in r]
                boxes[iso3] = (min(xs), min(ys), max(xs), max(ys))
            if path != GEO_FILE:
                return boxes
            _boxes = boxes
        return _boxes


def region_bounds(iso3s, points: dict[str, tuple[float, float]] | None = None, pad: float = 0.06,
                  min_pad: float = 2.0) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The padded box around `iso3s` (shapes, or points for small states); None when none is known."""
    boxes = country_boxes()
    points = points or {}
    found = [boxes[c] for c in iso3s if c in boxes]
    found += [(lon, lat, lon, lat) for c, (lon, lat) in points.items() if c in set(iso3s) and c not in boxes]
    if not found:
        return None
    x0, y0 = min(b[0] for b in found), min(b[1] for b in found)
    x1, y1 = max(b[2] for b in found), max(b[3] for b in found)
    px, py = max(min_pad, (x1 - x0) * pad), max(min_pad, (y1 - y0) * pad)
    return ((max(-180.0, x0 - px), min(180.0, x1 + px)), (max(-90.0, y0 - py), min(90.0, y1 + py)))
