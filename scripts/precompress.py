"""Write the `.br` file beside each vendored asset (brotli quality 11, too slow to do per worker):
`python scripts/precompress.py`. Run it after changing a file in assets/vendor/; dashboard.caching serves a
`.br` only while it decodes to the file beside it, and tests/test_first_paint.py fails when one is stale."""

from __future__ import annotations

from pathlib import Path

import brotli

VENDOR = Path(__file__).resolve().parent.parent / "assets" / "vendor"
SUFFIXES = (".js", ".css")


def targets() -> list[Path]:
    return sorted(p for p in VENDOR.iterdir() if p.suffix in SUFFIXES)


def main() -> None:
    for path in targets():
        data = path.read_bytes()
        packed = brotli.compress(data, quality=11)
        path.with_name(path.name + ".br").write_bytes(packed)
        print(f"{path.name}: {len(data) / 1000:.1f} kB -> {len(packed) / 1000:.1f} kB (br 11)")


if __name__ == "__main__":
    main()
