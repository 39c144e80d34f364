"""Writing a file so that nobody ever sees half of it and a failure changes nothing.

The data goes to a hidden temporary file in the same folder (same file system, so the
final rename is atomic), is flushed to disk, and only then replaces the real file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def temporary_copy(path: Path, data: str | bytes) -> Path:
    """Write ``data`` (str as UTF-8) to a new hidden file beside ``path``; the caller renames it."""
    path = Path(path)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp files are private (0600); these are ordinary data files
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def write_atomically(path: Path, data: str | bytes) -> Path:
    """Replace ``path`` with ``data`` in one step: no partial file, ever."""
    temporary = temporary_copy(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return Path(path)
