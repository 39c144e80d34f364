"""Imported datasets on disk: the atomic write of ``NAME.geojson`` and loading them for the app.

A failed import must change no existing file, so :func:`_write_atomically` writes a temp
file in the same folder, reads it back, then renames it into place. The app reads every
``NAME.geojson`` through :func:`load_imported_datasets`, which caches each prepared frame by
path, modification time and size and reports (never raises) files that fail validation.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pandas as pd

from dashboard.events import EventValidationError, validate_feature_collection
from dashboard.files import temporary_copy
from dashboard.imports.report import DatasetImportError, _one_line
from dashboard.imports.settings import NAME_PATTERN, imports_dir_default

# The package's logger, as before the split (messages are logged as "dashboard.imports").
log = logging.getLogger(__package__)


def _write_atomically(directory: Path, name: str, features: list[dict], label: str) -> Path:
    """Write NAME.geojson via a temp file in the same folder, check it, then os.replace.

    Until the final rename nothing visible changes, so a failure leaves any earlier import intact.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatasetImportError(f"{label}: cannot create the imports folder {directory}: {error.strerror}") from None
    target = directory / f"{name}.geojson"
    temp = None
    try:
        # One string, one write: json.dump would make ~4 small writes per value.
        temp = temporary_copy(target, json.dumps({"type": "FeatureCollection", "features": features},
                                                 ensure_ascii=False, separators=(",", ":")))
        with open(temp, encoding="utf-8") as check:
            written = json.load(check)
        if len(written["features"]) != len(features):
            raise DatasetImportError(f"{label}: the written file does not read back ({temp})")
        os.replace(temp, target)
    except (OSError, UnicodeError, ValueError) as error:
        if temp is not None:
            temp.unlink(missing_ok=True)
        if isinstance(error, DatasetImportError):
            raise
        raise DatasetImportError(f"{label}: cannot write {target}: {_one_line(error)}") from None
    except BaseException:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise
    return target


# path -> (mtime_ns, size, frame): one frame per file, replaced when the file changes.
_LOADED: dict[Path, tuple[int, int, pd.DataFrame]] = {}


def load_imported_datasets(
    imports_dir: str | os.PathLike | None = None, *, errors: list[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Every ``NAME.geojson`` in the imports folder as a prepared events frame, by NAME.

    Frames are shaped like ``dashboard.data.prepare_events`` output (with distance to the
    border) and cached by path and modification time. A file that fails validation is left
    out and its problem appended to ``errors`` (and logged) so the app keeps serving.
    """
    from dashboard.data import prepare_events

    directory = Path(imports_dir) if imports_dir is not None else imports_dir_default()
    datasets: dict[str, pd.DataFrame] = {}
    if not directory.is_dir():
        return datasets
    present = set()
    for path in sorted(directory.glob("*.geojson")):
        if not NAME_PATTERN.match(path.stem):
            continue
        present.add(path)
        stat = path.stat()
        cached = _LOADED.get(path)
        if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            datasets[path.stem] = cached[2]
            continue
        try:
            collection = json.loads(path.read_text(encoding="utf-8"))
            validate_feature_collection(collection, source_name=str(path))
            frame = prepare_events(collection, with_distance=True)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, EventValidationError) as error:
            message = f"{path}: cannot load imported dataset: {_one_line(error).splitlines()[0][:300]}"
            log.warning(message)
            if errors is not None:
                errors.append(message)
            _LOADED.pop(path, None)
            continue
        del collection
        _LOADED[path] = (stat.st_mtime_ns, stat.st_size, frame)
        datasets[path.stem] = frame
    for path in [p for p in _LOADED if p.parent == directory and p not in present]:
        del _LOADED[path]
    return datasets
