"""Offline assets: what the browser loads comes from this repository and matches the Python side."""

import re
from pathlib import Path

import plotly.offline

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def test_vendored_plotly_bundle_matches_the_python_package():
    header = (ASSETS / "vendor" / "plotly-drd.min.js").read_text()[:300]
    version = re.search(r"plotly\.js (\d+\.\d+\.\d+)", header).group(1)
    assert version == plotly.offline.get_plotlyjs_version(), (
        "plotly (Python) now bundles another plotly.js: rebuild assets/vendor/plotly-drd.min.js (recipe in its header)")


def test_vendored_files_carry_their_licences():
    for licence in ("BOOTSTRAP-LICENSE.txt", "PLOTLY-LICENSE.txt"):
        assert (ASSETS / "vendor" / licence).stat().st_size > 500
    assert (ASSETS / "topojson" / "LICENSE").exists()


def test_no_stylesheet_or_script_from_the_internet():
    for path in ASSETS.rglob("*"):
        if path.suffix in {".css", ".js"} and "vendor" not in path.parts:
            assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)", path.read_text()), path
