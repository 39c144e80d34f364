"""The one cache of loaded data: values built from files, kept until a file changes.

The curated events, each candidates file and each imported dataset's row count are built
from files on disk. Every such value is kept here, keyed by what it is and by the files'
modification time and size, so an accept, an import or an edit is seen on the next read
without a restart, and nothing is read twice while the files stay the same.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def _stamp(paths: Iterable[Path]) -> tuple:
    stamps = []
    for path in paths:
        try:
            stat = Path(path).stat()
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            stamps.append((str(path), None, None))
    return tuple(stamps)


class FileCache:
    """A small LRU of values built from files; thread-safe (Streamlit serves sessions in threads)."""

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self._values: OrderedDict[Hashable, tuple[tuple, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, paths: Iterable[Path], build: Callable[[], T]) -> T:
        """The value for ``key``, built again only when one of ``paths`` changed."""
        paths = list(paths)
        stamp = _stamp(paths)
        with self._lock:
            hit = self._values.get(key)
            if hit is not None and hit[0] == stamp:
                self._values.move_to_end(key)
                return hit[1]  # type: ignore[return-value]
        value = build()
        with self._lock:
            self._values[key] = (stamp, value)
            self._values.move_to_end(key)
            while len(self._values) > self.maxsize:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


FILES = FileCache()
