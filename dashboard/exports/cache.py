"""The export cache: an LRU of built files, keyed by the parsed request and the language, emptied when the data
layer reloads."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from .. import data, i18n

LANGUAGE_FREE = {("shapes",), ("points",)}  # map geometry: the same in every language


class ExportCache:
    """LRU of built exports, at most `size` entries and `max_bytes` of file bytes; per data version."""

    def __init__(self, size: int = 256, max_bytes: int = 96 * 2**20):
        self.size = size
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._owner = None

    def owner(self):
        bundle = data.bundle()
        with self._lock:
            if bundle is not self._owner:  # new data: everything cached is stale
                self._items.clear()
                self._bytes = 0
                self._owner = bundle
        return bundle

    @staticmethod
    def _weight(value) -> int:
        return len(value) if isinstance(value, (bytes, bytearray)) else 0

    def get(self, key, compute: Callable[[], object]):
        lang = i18n.current()  # files carry words: one entry per language (English keys stay as they are)
        if lang != i18n.DEFAULT and not (isinstance(key, tuple) and key[:1] in LANGUAGE_FREE):
            key = (lang, key)
        self.owner()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self._bytes += self._weight(value)
            self._items.move_to_end(key)
            while len(self._items) > 1 and (len(self._items) > self.size or self._bytes > self.max_bytes):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= self._weight(dropped)
        return value

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._items

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


_cache = ExportCache()
