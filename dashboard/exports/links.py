"""Absolute links for files that leave the app (XLSX `Reproduce`, the brief, /embed).

The base is, in order: `DRD_BASE_URL` (dashboard.config, e.g. https://rights.example.org), the address
the current request came to, or http://127.0.0.1:8050 (a file built outside a request, e.g. by a script).
"""

from __future__ import annotations

import os

FALLBACK = "http://127.0.0.1:8050"


def base_url() -> str:
    try:
        from flask import current_app, has_request_context, request
    except ImportError:  # pragma: no cover - flask is a dependency
        return os.environ.get("DRD_BASE_URL", "").rstrip("/") or FALLBACK
    if has_request_context():
        config = current_app.config.get("DRD")
        configured = getattr(config, "base_url", "") if config is not None else ""
        return (configured or os.environ.get("DRD_BASE_URL", "") or request.host_url).rstrip("/")
    return os.environ.get("DRD_BASE_URL", "").rstrip("/") or FALLBACK


def absolute(path: str) -> str:
    """`path` (starting with /) under the base URL; a URL that is already absolute is returned as is."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + (path if path.startswith("/") else "/" + path)
