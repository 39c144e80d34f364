"""Imported datasets as GeoParquet: the columns, writing in chunks, and reading rows back.

One imported dataset is one file ``NAME.parquet``. Each row is one event: the columns the
store filters on (dates, category, actors, review status, the search text, the position)
plus ``properties``, the event's properties as exact JSON, so reading a row back gives the
very properties that were imported (nothing is lost or reformatted). ``geometry`` holds the
point as WKB with GeoParquet 1.0 metadata, so geopandas, QGIS and DuckDB read the file as
it is.

Writing streams: :class:`DatasetWriter` takes features a chunk at a time and writes each
chunk as a row group, so memory does not grow with the file; the file appears under its
name only on :meth:`DatasetWriter.commit` (a temp file in the same folder, then
``os.replace``), so a failed import changes nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from dashboard.filters import ViewState

# The columns of an imported dataset file, in order. ``search`` is the lower-cased text the
# ``q`` filter looks in (as dashboard.filters.search_text builds it).
SCHEMA = pa.schema([
    ("seq", pa.int64()),  # the row's place in the import (rows read back in this order)
    ("id", pa.string()),
    ("date_start", pa.date32()),
    ("date_end", pa.date32()),
    ("category", pa.string()),
    ("actors", pa.list_(pa.string())),
    ("articles", pa.list_(pa.string())),
    ("review_status", pa.string()),
    ("location_precision", pa.string()),
    ("uncertainty_km", pa.float64()),
    ("date_precision", pa.string()),
    ("lon", pa.float64()),
    ("lat", pa.float64()),
    ("distance_to_border_km", pa.float64()),
    ("search", pa.string()),
    ("properties", pa.string()),
    ("geometry", pa.binary()),
])
COLUMNS = SCHEMA.names


def _geo_metadata(bbox: list[float] | None) -> bytes:
    column = {"encoding": "WKB", "geometry_types": ["Point"]}  # crs absent = OGC:CRS84 (lon/lat)
    if bbox:
        column["bbox"] = bbox
    return json.dumps({"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": column}}).encode()


# One encoder for every row (json.dumps with options builds a new one per call).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _search_text(props: dict) -> str:
    quotes = " ".join(source.get("quote", "") for source in props.get("sources") or [])
    return f"{props.get('title') or ''} {props.get('summary') or ''} {props.get('place') or ''} {quotes}".casefold()


def features_to_table(features: list[dict], first_seq: int = 0) -> pa.Table:
    """Event features (validated) as one Arrow table in :data:`SCHEMA`.

    The distance to the border is left empty: it is measured when rows are read
    (:func:`rows_to_frame`), for the few shown, not for every row of a large import.
    """
    props = [feature["properties"] for feature in features]
    lon = np.array([feature["geometry"]["coordinates"][0] for feature in features], dtype=float)
    lat = np.array([feature["geometry"]["coordinates"][1] for feature in features], dtype=float)
    columns = {
        "seq": np.arange(first_seq, first_seq + len(props), dtype=np.int64),
        "id": [p["id"] for p in props],
        "date_start": np.array([str(p["date_start"]) for p in props], dtype="datetime64[D]"),
        "date_end": np.array([str(p["date_end"]) for p in props], dtype="datetime64[D]"),
        "category": [p["category"] for p in props],
        "actors": [list(p.get("actors") or []) for p in props],
        "articles": [[s["article"] for s in p["sources"] if s.get("article")] for p in props],
        "review_status": [p["review_status"] for p in props],
        "location_precision": [p["location_precision"] for p in props],
        "uncertainty_km": [float(p["uncertainty_km"]) for p in props],
        "date_precision": [p["date_precision"] for p in props],
        "lon": lon,
        "lat": lat,
        "distance_to_border_km": pa.nulls(len(props), pa.float64()),
        "search": [_search_text(p) for p in props],
        "properties": [_ENCODER.encode(p) for p in props],
        "geometry": shapely.to_wkb(shapely.points(lon, lat)) if len(lon) else [],
    }
    return pa.table(columns, schema=SCHEMA)


class DatasetWriter:
    """Writes ``NAME.parquet`` a chunk at a time; nothing is visible until :meth:`commit`."""

    def __init__(self, target: Path, row_group_size: int = 50_000, after_commit=None) -> None:
        self.target = Path(target)
        self._after_commit = after_commit
        self.target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=self.target.parent, prefix=f".{self.target.name}.", suffix=".tmp")
        os.close(handle)
        self.temporary = Path(name)
        self.rows = 0
        self._bbox = [np.inf, np.inf, -np.inf, -np.inf]
        self._row_group_size = row_group_size
        self._writer = pq.ParquetWriter(self.temporary, SCHEMA, compression="zstd")

    def write(self, features: list[dict]) -> None:
        if not features:
            return
        table = features_to_table(features, first_seq=self.rows)
        lon, lat = table["lon"].to_numpy(), table["lat"].to_numpy()
        self._bbox = [min(self._bbox[0], lon.min()), min(self._bbox[1], lat.min()),
                      max(self._bbox[2], lon.max()), max(self._bbox[3], lat.max())]
        self._writer.write_table(table, row_group_size=self._row_group_size)
        self.rows += len(table)

    def commit(self) -> Path:
        """Close the file, add the GeoParquet metadata and move it into place."""
        bbox = [float(v) for v in self._bbox] if self.rows else None
        self._writer.add_key_value_metadata({"geo": _geo_metadata(bbox)})
        self._writer.close()
        os.chmod(self.temporary, 0o644)
        os.replace(self.temporary, self.target)
        if self._after_commit is not None:
            self._after_commit()
        return self.target

    def abort(self) -> None:
        try:
            self._writer.close()
        finally:
            self.temporary.unlink(missing_ok=True)


def write_dataset(target: Path, features: Iterable[list[dict]]) -> Path:
    """Write chunks of features to ``target`` atomically (used by migration and tests)."""
    writer = DatasetWriter(target)
    try:
        for chunk in features:
            writer.write(chunk)
        return writer.commit()
    except BaseException:
        writer.abort()
        raise


def rows_to_frame(properties: list[str], lon, lat, distance) -> pd.DataFrame:
    """Rows read from the store as a frame shaped like ``dashboard.data.prepare_events`` output."""
    from dashboard.events import events_to_frame
    from dashboard.filters import add_search_column

    features = [{"properties": json.loads(text), "geometry": {"coordinates": [x, y]}}
                for text, x, y in zip(properties, lon, lat)]
    frame = add_search_column(events_to_frame({"features": features}))
    frame["distance_to_border_km"] = _distances(np.asarray(distance, dtype=float), frame["lon"], frame["lat"])
    if len(frame):  # only points at least province-precise have a meaningful distance (dashboard/placement.py)
        from dashboard.placement import distance_is_meaningful

        meaningful = frame["location_precision"].map(distance_is_meaningful).to_numpy(dtype=bool)
        frame["distance_to_border_km"] = frame["distance_to_border_km"].where(meaningful)
    return frame


class SelectedRows:
    """``rows`` and ``features`` for a backend whose ``_select(name, state, limit)`` yields
    (properties JSON, lon, lat, border distance) for the view's rows: one reading for both stores."""

    def rows(self, name: str, state: ViewState, limit: int | None = None) -> pd.DataFrame:
        """The dataset's rows in the view as a prepared events frame (``limit`` rows at most)."""
        result = self._select(name, state, limit)
        return rows_to_frame([r[0] for r in result], [r[1] for r in result], [r[2] for r in result],
                             [r[3] for r in result])

    def features(self, name: str, state: ViewState | None = None, limit: int | None = None) -> list[dict]:
        """The dataset's rows in the view as GeoJSON features with their properties exactly as imported."""
        return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": json.loads(properties)}
                for properties, lon, lat, _distance in self._select(name, state or ViewState(), limit)]


def _distances(stored: np.ndarray, lon, lat) -> np.ndarray:
    """Stored distances to the border, measured now where none is stored (geodesic, as for curated events)."""
    from dashboard.data import border_utm
    from dashboard.geo import distances_to_line_km

    missing = np.isnan(stored)
    if missing.any():
        stored = stored.copy()
        stored[missing] = distances_to_line_km(np.asarray(lon, dtype=float)[missing],
                                               np.asarray(lat, dtype=float)[missing], border_utm())
    return stored
