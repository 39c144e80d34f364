"""Reading files from outside within limits, so that no input can make a tool hang or crash.

Every limit is checked before the expensive step it protects (the size before reading, the
nesting depth before parsing, the digits of a number before converting it) and every
refusal is an :class:`InputError` whose one-line message names the file and the limit.
``.zip`` and ``.gz`` files holding one data file are opened (ACLED and UCDP ship that way);
anything else in a container is refused.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np

from dashboard.cli import CliError

MAX_JSON_BYTES = 200 * 1024 * 1024
MAX_DEPTH = 64  # GeoJSON needs 8 (a MultiPolygon in a FeatureCollection); Python's parser fails near 1,000
MAX_DIGITS = 100  # a coordinate or count never needs more; a 5,000-digit integer stalls the conversion
DATA_SUFFIXES = (".csv", ".geojson", ".json")


class InputError(CliError):
    """An input file that is refused; the message is one line naming the file and the reason."""


def read_limited(path: str | os.PathLike, max_bytes: int, *, label: str | None = None) -> bytes:
    """The bytes of a regular file no larger than ``max_bytes`` (checked before reading)."""
    path = Path(path)
    label = label or str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(f"{label}: cannot read: {error.strerror or error}") from None
    if not path.is_file():
        raise InputError(f"{label}: not a file")
    if size > max_bytes:
        raise InputError(f"{label}: the file is {_megabytes(size)}, over the {_megabytes(max_bytes)} limit")
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"{label}: cannot read: {error.strerror or error}") from None


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB" if size >= 100_000 else f"{size:,} bytes"


# --- JSON ----------------------------------------------------------------------------------

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_CHUNK = 1 << 24


def nesting_depth(data: bytes) -> int:
    """How deeply ``[`` and ``{`` nest in JSON text (brackets inside strings do not count); linear time."""
    codes = np.frombuffer(_STRING.sub(b'""', data), dtype=np.uint8)
    depth = deepest = 0
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start:start + _CHUNK]
        steps = (chunk == ord("[")).astype(np.int32) + (chunk == ord("{")) - (chunk == ord("]")) - (chunk == ord("}"))
        levels = np.cumsum(steps) + depth
        deepest = max(deepest, int(levels.max()))
        depth = int(levels[-1])
    return deepest


def parse_json(data: bytes, label: str, *, max_depth: int = MAX_DEPTH, max_digits: int = MAX_DIGITS) -> object:
    """JSON from bytes, refusing non-UTF-8 text, nesting deeper than ``max_depth``, numbers
    longer than ``max_digits`` and the non-standard NaN/Infinity."""
    if not data.strip():
        raise InputError(f"{label}: the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{label}: not UTF-8 text (byte 0x{error.object[error.start]:02x} at position "
                         f"{error.start:,}); save it as UTF-8") from None
    depth = nesting_depth(data)
    if depth > max_depth:
        raise InputError(f"{label}: JSON nested {depth:,} levels deep; the limit is {max_depth}")

    def number(kind):
        def convert(digits: str):
            if len(digits) > max_digits:
                raise InputError(f"{label}: a number has {len(digits):,} characters; the limit is {max_digits}")
            return kind(digits)
        return convert

    def constant(name: str):
        raise InputError(f"{label}: {name} is not a JSON number")

    try:
        return json.loads(text, parse_int=number(int), parse_float=number(float), parse_constant=constant)
    except json.JSONDecodeError as error:
        raise InputError(f"{label}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None


def load_json(path: str | os.PathLike, *, max_bytes: int = MAX_JSON_BYTES, label: str | None = None) -> object:
    """A JSON file within the size, depth and digit limits."""
    label = label or str(path)
    return parse_json(read_limited(path, max_bytes, label=label), label)


def load_feature_collection(path: str | os.PathLike, *, max_bytes: int = MAX_JSON_BYTES) -> dict:
    """A GeoJSON FeatureCollection whose features are all objects with object (or null) properties.

    The shape is checked here so that later code can rely on it; the event schema is checked
    by dashboard.events.
    """
    label = str(path)
    collection = load_json(path, max_bytes=max_bytes, label=label)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise InputError(f"{label}: not a GeoJSON FeatureCollection")
    features = collection.get("features")
    if not isinstance(features, list):
        raise InputError(f"{label}: 'features' is not a list")
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise InputError(f"{label}: feature {number}: not a GeoJSON Feature object")
        if not isinstance(feature.get("properties", {}), (dict, type(None))):
            raise InputError(f"{label}: feature {number}: 'properties' is not an object")
    return collection


# --- containers ----------------------------------------------------------------------------


def unpack(data: bytes, label: str, max_bytes: int) -> tuple[bytes, str]:
    """The one data file inside a .zip or .gz (with its name), or ``data`` itself when it is not a container.

    The uncompressed size is limited to ``max_bytes`` while reading, so a small archive that
    expands to gigabytes is refused without filling the memory.
    """
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return _unzip(data, label, max_bytes)
    if data[:2] == b"\x1f\x8b":
        inner = label[:-3] if label.lower().endswith(".gz") else label
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                content = stream.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as error:
            raise InputError(f"{label}: damaged gzip file ({error})") from None
        if len(content) > max_bytes:
            raise InputError(f"{label}: unpacks to more than the {_megabytes(max_bytes)} limit")
        return content, inner
    return data, label


def _unzip(data: bytes, label: str, max_bytes: int) -> tuple[bytes, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist()
                       if not m.is_dir() and not m.filename.startswith("__MACOSX/")
                       and not Path(m.filename).name.startswith(".")]
            data_members = [m for m in members if m.filename.lower().endswith(DATA_SUFFIXES)]
            if len(members) != 1 or len(data_members) != 1:
                names = ", ".join(m.filename for m in members[:5]) or "nothing"
                raise InputError(f"{label}: a .zip must hold exactly one .csv, .geojson or .json file; "
                                 f"it holds {len(members)}: {names}")
            member = data_members[0]
            if member.file_size > max_bytes:
                raise InputError(f"{label}: {member.filename} unpacks to {_megabytes(member.file_size)}, "
                                 f"over the {_megabytes(max_bytes)} limit")
            with archive.open(member) as stream:
                content = stream.read(max_bytes + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise InputError(f"{label}: damaged or unsupported .zip file ({error})") from None
    if len(content) > max_bytes:
        raise InputError(f"{label}: {member.filename} unpacks to more than the {_megabytes(max_bytes)} limit")
    return content, f"{label}:{member.filename}"
