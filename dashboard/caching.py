"""HTTP caching: fingerprinted files cached for good, data responses cached per scoring run with ETags.

- Files whose URL carries a fingerprint (Dash's `.v4_4_1m123.js` component suites, assets with `?m=`)
  never change under that URL: `Cache-Control: public, max-age=31536000, immutable`, so a browser
  fetches each once. Dash's bundles also keep their compressed bytes (CompressCache): compressed once
  per worker, not once per visitor (files in assets/ are streamed, compressed as they are sent).
- Fingerprinted files are compressed harder than Flask-Compress's per-response defaults, since it happens
  once per worker and file: brotli (every current browser asks for it) at quality 9, or the `.br` file
  committed beside a vendored asset (quality 11, see scripts/precompress.py), checked once against the
  file it claims to be; gzip otherwise. The plotly bundle: 486 KB (zstd 3) -> 395 KB.
- `per_data_version(view)` keeps a data route's body (API answers, downloads) for the current scoring
  run (`data.bundle()`: a new one after a correction is accepted drops them all) under its path and
  sorted query and language, with a strong ETag (a hash of the body, so every worker agrees), and its compressed
  bytes (keyed by that ETag). A repeated request costs two dict lookups; `If-None-Match` gets 304.
  Only 200 answers are kept; errors are rebuilt and say what was wrong each time. Bounded: at most
  MAX_ENTRIES bodies and MAX_BYTES in all (oldest go).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from functools import wraps

from dash.fingerprint import check_fingerprint
from flask import Response, g, request

from . import data, i18n

IMMUTABLE = "public, max-age=31536000, immutable"
MAX_ENTRIES = 512
MAX_BYTES = 192 * 1024 * 1024
COMPRESSED_MAX_BYTES = 32 * 1024 * 1024


def fingerprinted(path: str, args) -> bool:
    """Whether the URL names one version of a file (its content cannot change under it)."""
    if path.startswith("/assets/"):
        return bool(args.get("m"))
    if path.startswith("/_dash-component-suites/"):
        return check_fingerprint(path)[1]
    return False


def static_headers(response: Response) -> Response:
    if response.status_code == 200 and fingerprinted(request.path, request.args):
        response.headers["Cache-Control"] = IMMUTABLE
    return response


class CompressCache:
    """Flask-Compress's cache backend: keeps only fingerprinted files' compressed bytes (bounded)."""

    def __init__(self, max_bytes: int = COMPRESSED_MAX_BYTES):
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._max = max_bytes
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            return self._items.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not (g.get("drd_etag") or fingerprinted(request.path, request.args)) or key in self._items:
            return
        with self._lock:
            self._items[key] = value
            self._bytes += len(value)
            while self._bytes > self._max and self._items:
                self._bytes -= len(self._items.popitem(last=False)[1])


def compress_cache_key(req) -> str:
    """The URL, plus the body's ETag for data responses (so a new scoring run never gets old bytes)."""
    return f"{req.full_path}#{g.get('drd_etag') or ''}"


class _Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.run = None  # the data.bundle() the bodies were built from
        self.items: OrderedDict[tuple, tuple] = OrderedDict()
        self.bytes = 0

    def get(self, run, key):
        with self.lock:
            if self.run is not run:
                self.run, self.items, self.bytes = run, OrderedDict(), 0
                return None
            hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
            return hit

    def put(self, run, key, entry) -> None:
        with self.lock:
            if self.run is not run:
                return
            self.items[key] = entry
            self.bytes += len(entry[0])
            while self.items and (len(self.items) > MAX_ENTRIES or self.bytes > MAX_BYTES):
                self.bytes -= len(self.items.popitem(last=False)[1][0])


_store = _Store()


def clear() -> None:
    with _store.lock:
        _store.run, _store.items, _store.bytes = None, OrderedDict(), 0


def per_data_version(view):
    """Cache `view`'s 200 responses per scoring run, path and query; answer with ETag / 304."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        run = data.bundle()
        key = (view.__module__, view.__name__, request.path, i18n.current(),  # prose and sheets per language
               tuple(sorted(request.args.items(multi=True))))
        entry = _store.get(run, key)
        if entry is None:
            response = view(*args, **kwargs)
            if not isinstance(response, Response) or response.status_code != 200 or response.is_streamed:
                return response
            response.direct_passthrough = False
            body = response.get_data()
            headers = [(k, v) for k, v in response.headers.items() if k.lower() not in ("content-length", "etag")]
            entry = (body, headers, hashlib.sha256(body).hexdigest()[:32])
            _store.put(run, key, entry)
        body, headers, etag = entry
        g.drd_etag = etag  # lets the compressed bytes be kept too (compress_cache_key)
        response = Response(body, status=200, headers=headers)
        response.set_etag(etag)
        return response.make_conditional(request)
    return wrapper


STATIC_LEVELS = {"br": 9, "gzip": 9}  # a client accepting neither gets Flask-Compress's choice
_static: dict[tuple[str, str], bytes] = {}
_static_lock = threading.Lock()


def static_encoding(accept: str) -> str | None:
    """The best encoding the client accepts for a fingerprinted file: br, then gzip."""
    offered = {}
    for part in accept.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        offered[name.strip().lower()] = q
    return next((a for a in STATIC_LEVELS if offered.get(a, 0) > 0), None)


def compress_static(algorithm: str, data: bytes, precompressed: str | None = None) -> bytes:
    """`data` compressed with `algorithm` at STATIC_LEVELS, or the committed `.br` file when it decodes to `data`."""
    import brotli
    if algorithm == "br" and precompressed and os.path.exists(precompressed):
        with open(precompressed, "rb") as handle:
            packed = handle.read()
        if brotli.decompress(packed) == data:
            return packed
    if algorithm == "br":
        return brotli.compress(data, quality=STATIC_LEVELS["br"])
    import gzip
    return gzip.compress(data, STATIC_LEVELS["gzip"], mtime=0)


def init_static(server, assets_folder: str) -> None:
    """Compress fingerprinted files once per worker, hard (see the module docstring). Call after
    Compress(server), so this runs first and Flask-Compress leaves the response alone."""
    mimetypes = set(server.config.get("COMPRESS_MIMETYPES") or [])

    @server.after_request
    def _static_compression(response: Response) -> Response:
        if (response.status_code != 200 or "Content-Encoding" in response.headers
                or response.mimetype not in mimetypes or not fingerprinted(request.path, request.args)):
            return response
        algorithm = static_encoding(request.headers.get("Accept-Encoding", ""))
        if algorithm is None:
            return response
        key = (algorithm, request.full_path)
        body = _static.get(key)
        if body is None:
            response.direct_passthrough = False
            source = None
            if request.path.startswith("/assets/"):
                source = os.path.join(assets_folder, *request.path[len("/assets/"):].split("/")) + ".br"
            body = compress_static(algorithm, response.get_data(), source)
            with _static_lock:
                _static[key] = body
        response.direct_passthrough = False
        response.set_data(body)
        response.headers["Content-Encoding"] = algorithm
        response.headers["Content-Length"] = str(len(body))
        response.vary.add("Accept-Encoding")
        etag, weak = response.get_etag()
        if etag:
            response.set_etag(f"{etag}:{algorithm}", weak=weak)
        return response


def init_app(server) -> None:
    """Register the header hook; call before Compress(server) so the compressed-bytes cache is used."""
    server.config.setdefault("COMPRESS_CACHE_BACKEND", CompressCache)
    server.config.setdefault("COMPRESS_CACHE_KEY", compress_cache_key)
    server.after_request(static_headers)
