"""The one-machine store: imported datasets as GeoParquet files, queried with DuckDB.

Nothing to start: DuckDB runs inside the app's process and reads ``NAME.parquet`` from the
imports folder directly, so only the rows of the current window and filters ever become
pandas rows. Older imports written as ``NAME.geojson`` are migrated to Parquet the first
time the folder is read (the GeoJSON file is kept as ``NAME.geojson.migrated``); files from
before ``location_basis`` existed get the dataset's own basis, as a GeoJSON import gives them.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.filters import ViewState
from dashboard.store.cache import FILES
from dashboard.store.datasets import DatasetWriter, SelectedRows, rows_to_frame, write_dataset
from dashboard.store.sql import corroboration_sql, where_clause

log = logging.getLogger(__name__)
MIGRATED_SUFFIX = ".geojson.migrated"
MIGRATION_CHUNK = 50_000


class LocalDatasets(SelectedRows):
    """Imported datasets in a folder: one ``NAME.parquet`` each."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)
        self._connection = duckdb.connect(":memory:")
        self._lock = threading.Lock()

    # --- writing ---------------------------------------------------------------------------

    def path(self, name: str) -> Path:
        return self.directory / f"{name}.parquet"

    def writer(self, name: str) -> DatasetWriter:
        """A writer for NAME; its ``commit()`` replaces the dataset in one step.

        An older ``NAME.geojson`` of the same name is set aside then, so it is not migrated
        over the new import later.
        """
        older = self.directory / f"{name}.geojson"
        return DatasetWriter(self.path(name), after_commit=lambda: older.exists() and os.replace(
            older, older.with_name(name + MIGRATED_SUFFIX)))

    def remove(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    # --- reading ---------------------------------------------------------------------------

    def names(self, errors: list[str] | None = None) -> dict[str, int]:
        """Each dataset's name and row count, in name order (older GeoJSON imports migrated first)."""
        from dashboard.imports.settings import NAME_PATTERN

        if not self.directory.is_dir():
            return {}
        self._migrate_geojson(errors)
        counts = {}
        for path in sorted(self.directory.glob("*.parquet")):
            if not NAME_PATTERN.match(path.stem):
                continue
            try:
                counts[path.stem] = FILES.get(("rows", str(path)), [path], lambda p=path: self._row_count(p))
            except (duckdb.Error, OSError) as error:
                self._report(errors, f"{path}: cannot read imported dataset: {error}")
        return counts

    def count(self, name: str, state: ViewState) -> int:
        where, params = where_clause(state)
        return self._query(f"SELECT count(*) FROM {self._source(name)} WHERE {where}", params)[0][0]

    def points(self, name: str, state: ViewState) -> pd.DataFrame:
        """Only id, lon, lat and category of the view's rows (a compact cluster needs no more)."""
        where, params = where_clause(state)
        result = self._query(f"SELECT id, lon, lat, category FROM {self._source(name)} WHERE {where} ORDER BY seq",
                             params)
        return pd.DataFrame(result, columns=["id", "lon", "lat", "category"])

    def rows_by_id(self, name: str, ids) -> pd.DataFrame:
        """The dataset's rows with these ids, whatever the view (a corroboration link may point outside it)."""
        ids = list(ids)
        if not ids:
            return rows_to_frame([], [], [], [])
        result = self._query(f"SELECT properties, lon, lat, distance_to_border_km FROM {self._source(name)} "
                             f"WHERE id IN ({', '.join(['?'] * len(ids))}) ORDER BY seq", ids)
        return rows_to_frame([r[0] for r in result], [r[1] for r in result], [r[2] for r in result],
                             [r[3] for r in result])

    def grid(self, name: str, state: ViewState, cell_deg: float) -> pd.DataFrame:
        """Counts of the view's rows per square cell of ``cell_deg`` degrees (lon, lat of the cell's corner)."""
        where, params = where_clause(state)
        sql = (f"SELECT floor(lon / {float(cell_deg)}) * {float(cell_deg)} AS lon, "
               f"floor(lat / {float(cell_deg)}) * {float(cell_deg)} AS lat, count(*) AS count "
               f"FROM {self._source(name)} WHERE {where} GROUP BY 1, 2 ORDER BY 3 DESC")
        return pd.DataFrame(self._query(sql, params), columns=["lon", "lat", "count"])

    def count_and_extent(self, name: str, state: ViewState) -> tuple[int, tuple[float, float, float, float] | None]:
        """The number of rows in the view and their bounding box, in one pass."""
        where, params = where_clause(state)
        row = self._query(f"SELECT count(*), min(lon), min(lat), max(lon), max(lat) FROM {self._source(name)} "
                          f"WHERE {where}", params)[0]
        return int(row[0]), (None if row[1] is None else tuple(float(v) for v in row[1:]))

    def extent(self, name: str, state: ViewState) -> tuple[float, float, float, float] | None:
        where, params = where_clause(state)
        row = self._query(f"SELECT min(lon), min(lat), max(lon), max(lat) FROM {self._source(name)} WHERE {where}",
                          params)[0]
        return None if row[0] is None else tuple(float(v) for v in row)

    def corroborating_rows(self, name: str, probes: pd.DataFrame) -> pd.DataFrame:
        """The dataset's rows that corroborate each event in ``probes`` (one spatial-temporal join in DuckDB).

        ``probes`` comes from :func:`dashboard.corroboration.probes`; the result has the columns
        ``event_id, id, distance_km, days_apart``, one row per match.
        """
        sql, params = corroboration_sql(self._source(name), "probes")
        cursor = self._connection.cursor()
        try:
            cursor.register("probes", probes)
            return cursor.execute(sql, params).df()
        finally:
            cursor.close()

    # --- internals -------------------------------------------------------------------------

    def _select(self, name: str, state: ViewState, limit: int | None) -> list[tuple]:
        where, params = where_clause(state)
        sql = (f"SELECT properties, lon, lat, distance_to_border_km FROM {self._source(name)} "
               f"WHERE {where} ORDER BY seq" + (f" LIMIT {int(limit)}" if limit is not None else ""))
        return self._query(sql, params)

    def _source(self, name: str) -> str:
        from dashboard.imports.settings import NAME_PATTERN

        if not NAME_PATTERN.match(name):  # names become part of a path in SQL: only safe names
            raise ValueError(f"not a dataset name: {name!r}")
        path = str(self.path(name)).replace("'", "''")
        return f"read_parquet('{path}')"

    def _query(self, sql: str, params: list) -> list[tuple]:
        cursor = self._connection.cursor()  # one cursor per call: Streamlit sessions run in threads
        try:
            return cursor.execute(sql, params).fetchall()
        finally:
            cursor.close()

    def _row_count(self, path: Path) -> int:
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows

    def _migrate_geojson(self, errors: list[str] | None) -> None:
        """Turn each older ``NAME.geojson`` import into ``NAME.parquet`` (once; the original is kept)."""
        from dashboard.events import EventValidationError, validate_feature_collection
        from dashboard.imports.geojson import _with_location_basis
        from dashboard.imports.settings import NAME_PATTERN

        for path in sorted(self.directory.glob("*.geojson")):
            if not NAME_PATTERN.match(path.stem):
                continue
            with self._lock:
                if not path.exists():
                    continue
                try:
                    collection = json.loads(path.read_text(encoding="utf-8"))
                    for feature in collection.get("features") or []:  # written before location_basis existed
                        feature["properties"] = _with_location_basis(feature.get("properties"))
                    validate_feature_collection(collection, source_name=str(path))
                    features = collection["features"]
                    write_dataset(self.path(path.stem), (features[i:i + MIGRATION_CHUNK]
                                                         for i in range(0, len(features), MIGRATION_CHUNK)))
                    os.replace(path, path.with_name(path.stem + MIGRATED_SUFFIX))
                    log.info("migrated %s to %s", path, self.path(path.stem))
                except (OSError, UnicodeDecodeError, json.JSONDecodeError, EventValidationError) as error:
                    first = str(error).splitlines()[0][:300] if str(error) else type(error).__name__
                    self._report(errors, f"{path}: cannot load imported dataset: {first}")

    @staticmethod
    def _report(errors: list[str] | None, message: str) -> None:
        log.warning(message)
        if errors is not None:
            errors.append(message)
