"""The team store: PostgreSQL with PostGIS, for several app replicas sharing one state.

``DASHBOARD_DATABASE_URL=postgresql://user:password@host/db`` switches the app to it. The
database needs the PostGIS extension (``CREATE EXTENSION postgis;``, run once by an owner);
the tables are created on first use. Imported datasets live in one table,
``imported_events``, with the same columns as the GeoParquet files
(:mod:`dashboard.store.datasets`) plus a PostGIS point ``geom`` (indexed), so the same SQL
filters (:mod:`dashboard.store.sql`) select the same rows as on one machine.

An import replaces a dataset in one transaction: the old rows are deleted and the new ones
copied in chunks (``COPY``), and other replicas see either the old dataset or the new one,
never a mix.
"""

from __future__ import annotations

import threading

import pandas as pd
import psycopg

from dashboard.filters import ViewState
from dashboard.store import StoreError
from dashboard.store.datasets import SelectedRows, features_to_table, rows_to_frame
from dashboard.store.sql import where_clause

SCHEMA_LOCK = 74_2021  # advisory lock id: one replica creates the tables at a time
_COLUMNS = ("dataset", "seq", "id", "date_start", "date_end", "category", "actors", "articles", "review_status",
            "location_precision", "uncertainty_km", "date_precision", "lon", "lat", "distance_to_border_km",
            "search", "properties")
DATASET_TABLES = """
CREATE TABLE IF NOT EXISTS imported_events (
    dataset text NOT NULL,
    seq bigint NOT NULL,
    id text NOT NULL,
    date_start date NOT NULL,
    date_end date NOT NULL,
    category text NOT NULL,
    actors text[] NOT NULL,
    articles text[] NOT NULL,
    review_status text NOT NULL,
    location_precision text NOT NULL,
    uncertainty_km double precision NOT NULL,
    date_precision text NOT NULL,
    lon double precision NOT NULL,
    lat double precision NOT NULL,
    distance_to_border_km double precision,
    search text NOT NULL,
    properties text NOT NULL,
    geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    PRIMARY KEY (dataset, seq)
);
CREATE INDEX IF NOT EXISTS imported_events_dates ON imported_events (dataset, date_start, date_end);
CREATE INDEX IF NOT EXISTS imported_events_geom ON imported_events USING gist (geom);
-- Place and start day as one 3-D point, for corroboration (dashboard.corroboration): one index scan per event.
CREATE INDEX IF NOT EXISTS imported_events_place_day ON imported_events
    USING gist ((ST_MakePoint(lon, lat, (date_start - DATE '2000-01-01')::float8)) gist_geometry_ops_nd);
CREATE TABLE IF NOT EXISTS imported_datasets (
    dataset text PRIMARY KEY,
    rows bigint NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);
"""


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def connect(url: str, **options) -> psycopg.Connection:
    try:
        return psycopg.connect(url, **options)
    except psycopg.OperationalError as error:
        raise StoreError(f"cannot connect to the database in DASHBOARD_DATABASE_URL: {_first_line(error)}") from None


def ensure_schema(connection: psycopg.Connection, tables: str) -> None:
    """Create ``tables`` once (IF NOT EXISTS), one replica at a time; PostGIS must be installed."""
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEMA_LOCK])
        has_postgis = connection.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
        if not has_postgis:
            try:
                with connection.transaction():
                    connection.execute("CREATE EXTENSION postgis")
            except psycopg.Error:
                raise StoreError("the database has no PostGIS extension: run CREATE EXTENSION postgis; as its owner "
                                 "(Debian package postgresql-15-postgis-3)") from None
        connection.execute(tables)


class PostgisDatasets(SelectedRows):
    """Imported datasets in PostgreSQL/PostGIS, with the interface of ``LocalDatasets``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._connection = connect(url, autocommit=True)
        self._lock = threading.Lock()  # one connection, used by one session thread at a time
        ensure_schema(self._connection, DATASET_TABLES)

    # --- writing ---------------------------------------------------------------------------

    def writer(self, name: str) -> PostgisWriter:
        return PostgisWriter(self.url, name)

    def remove(self, name: str) -> None:
        with self._lock, self._connection.transaction():
            self._connection.execute("DELETE FROM imported_events WHERE dataset = %s", [name])
            self._connection.execute("DELETE FROM imported_datasets WHERE dataset = %s", [name])

    # --- reading ---------------------------------------------------------------------------

    def names(self, errors: list[str] | None = None) -> dict[str, int]:
        return dict(self._query("SELECT dataset, rows FROM imported_datasets ORDER BY dataset", []))

    def count(self, name: str, state: ViewState) -> int:
        where, params = where_clause(state, "%s")
        return self._query(f"SELECT count(*) FROM imported_events WHERE dataset = %s AND {where}",
                           [name, *params])[0][0]

    def points(self, name: str, state: ViewState) -> pd.DataFrame:
        """Only id, lon, lat and category of the view's rows (a compact cluster needs no more)."""
        where, params = where_clause(state, "%s")
        result = self._query(f"SELECT id, lon, lat, category FROM imported_events WHERE dataset = %s AND {where} "
                             "ORDER BY seq", [name, *params])
        return pd.DataFrame(result, columns=["id", "lon", "lat", "category"])

    def rows_by_id(self, name: str, ids) -> pd.DataFrame:
        """The dataset's rows with these ids, whatever the view (a corroboration link may point outside it)."""
        result = self._query("SELECT properties, lon, lat, distance_to_border_km FROM imported_events "
                             "WHERE dataset = %s AND id = ANY(%s) ORDER BY seq", [name, list(ids)])
        return rows_to_frame([r[0] for r in result], [r[1] for r in result], [r[2] for r in result],
                             [r[3] for r in result])

    def grid(self, name: str, state: ViewState, cell_deg: float) -> pd.DataFrame:
        where, params = where_clause(state, "%s")
        size = float(cell_deg)
        sql = (f"SELECT floor(lon / {size}) * {size} AS lon, floor(lat / {size}) * {size} AS lat, count(*) "
               f"FROM imported_events WHERE dataset = %s AND {where} GROUP BY 1, 2 ORDER BY 3 DESC")
        return pd.DataFrame(self._query(sql, [name, *params]), columns=["lon", "lat", "count"])

    def count_and_extent(self, name: str, state: ViewState) -> tuple[int, tuple[float, float, float, float] | None]:
        """The number of rows in the view and their bounding box, in one pass."""
        where, params = where_clause(state, "%s")
        row = self._query(f"SELECT count(*), min(lon), min(lat), max(lon), max(lat) FROM imported_events "
                          f"WHERE dataset = %s AND {where}", [name, *params])[0]
        return int(row[0]), (None if row[1] is None else tuple(float(v) for v in row[1:]))

    def extent(self, name: str, state: ViewState) -> tuple[float, float, float, float] | None:
        where, params = where_clause(state, "%s")
        row = self._query(f"SELECT min(lon), min(lat), max(lon), max(lat) FROM imported_events "
                          f"WHERE dataset = %s AND {where}", [name, *params])[0]
        return None if row[0] is None else tuple(float(v) for v in row)

    def corroborating_rows(self, name: str, probes: pd.DataFrame) -> pd.DataFrame:
        """The dataset's rows that corroborate each event in ``probes``: one join, the GiST index finds candidates.

        Same rules and result as ``LocalDatasets.corroborating_rows`` (see :mod:`dashboard.corroboration`).
        """
        from dashboard.corroboration import EARTH_RADIUS_KM, MAX_RANGE_DAYS, NEVER_CORROBORATING_PRECISIONS

        distance = (f"2 * {EARTH_RADIUS_KM!r} * asin(sqrt(power(sin(radians(r.lat - e.lat) / 2), 2) + "
                    "cos(radians(e.lat)) * cos(radians(r.lat)) * power(sin(radians(r.lon - e.lon) / 2), 2)))")
        excluded = ", ".join(["%s"] * len(NEVER_CORROBORATING_PRECISIONS))
        sql = f"""
WITH p AS (
    SELECT * FROM unnest(%s::text[], %s::date[], %s::date[], %s::date[], %s::date[], %s::float8[], %s::float8[],
                         %s::float8[]) AS p(event_id, window_start, window_end, event_start, event_end, lon, lat,
                                            radius_km)
), e AS (
    SELECT *, radius_km / 110.5 AS dlat,
           radius_km / (110.5 * greatest(cos(radians(least(abs(lat) + radius_km / 110.5, 89.9))), 0.01)) AS dlon
    FROM p
), pairs AS (
    SELECT e.event_id, r.id, {distance} AS distance_km,
           greatest(0, r.date_start - e.event_end, e.event_start - r.date_end) AS days_apart, e.radius_km
    FROM e CROSS JOIN LATERAL (
        -- OFFSET 0 keeps this a scan of the place-and-day index alone: merged into the outer
        -- query, the planner also read the (dataset, dates) index, whose matches grow with the
        -- dataset (5,600 per event at 1M rows) while the box's stay at a few dozen.
        SELECT * FROM imported_events
        WHERE ST_MakePoint(lon, lat, (date_start - DATE '2000-01-01')::float8) &&& ST_MakeLine(
            ST_MakePoint(e.lon - e.dlon, e.lat - e.dlat, (e.window_start - DATE '2000-01-01' - %s)::float8),
            ST_MakePoint(e.lon + e.dlon, e.lat + e.dlat, (e.window_end - DATE '2000-01-01')::float8))
        OFFSET 0
    ) r
    WHERE r.dataset = %s AND r.date_start <= e.window_end AND r.date_end >= e.window_start
      AND r.location_precision NOT IN ({excluded}) AND (r.date_end - r.date_start) + 1 <= %s
)
SELECT event_id, id, distance_km, days_apart FROM pairs WHERE distance_km <= radius_km
ORDER BY event_id, days_apart, distance_km, id"""
        columns = [probes[column].tolist() for column in
                   ("event_id", "window_start", "window_end", "event_start", "event_end", "lon", "lat", "radius_km")]
        # A row starts at most MAX_RANGE_DAYS - 1 days before its end, so the index box reaches that far back.
        result = self._query(sql, [*columns, MAX_RANGE_DAYS - 1, name, *NEVER_CORROBORATING_PRECISIONS,
                                   MAX_RANGE_DAYS])
        return pd.DataFrame(result, columns=["event_id", "id", "distance_km", "days_apart"])

    def close(self) -> None:
        self._connection.close()

    def _select(self, name: str, state: ViewState, limit: int | None) -> list[tuple]:
        where, params = where_clause(state, "%s")
        sql = (f"SELECT properties, lon, lat, distance_to_border_km FROM imported_events "
               f"WHERE dataset = %s AND {where} ORDER BY seq" + (f" LIMIT {int(limit)}" if limit is not None else ""))
        return self._query(sql, [name, *params])

    def _query(self, sql: str, params: list) -> list[tuple]:
        with self._lock:
            return self._connection.execute(sql, params).fetchall()


class PostgisWriter:
    """Replaces one dataset in a single transaction: nothing changes for readers until commit."""

    def __init__(self, url: str, name: str) -> None:
        self.name = name
        self.rows = 0
        self._connection = connect(url)
        self._connection.execute("DELETE FROM imported_events WHERE dataset = %s", [name])

    def write(self, features: list[dict]) -> None:
        if not features:
            return
        table = features_to_table(features, first_seq=self.rows).to_pydict()
        columns = [table[column] for column in _COLUMNS[1:]]
        try:
            with self._connection.cursor() as cursor:
                with cursor.copy(f"COPY imported_events ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                    for values in zip(*columns):
                        copy.write_row((self.name, *values))
        except psycopg.Error as error:
            raise StoreError(f"the database refused dataset {self.name!r}: {_first_line(error)}") from None
        self.rows += len(features)

    def commit(self) -> str:
        try:
            self._connection.execute(
                "INSERT INTO imported_datasets (dataset, rows) VALUES (%s, %s) "
                "ON CONFLICT (dataset) DO UPDATE SET rows = EXCLUDED.rows, imported_at = now()", [self.name, self.rows])
            self._connection.commit()
        except psycopg.Error as error:
            raise StoreError(f"the database refused dataset {self.name!r}: {_first_line(error)}") from None
        self._connection.close()
        return f"PostgreSQL table imported_events (dataset {self.name})"

    def abort(self) -> None:
        try:
            self._connection.rollback()
        finally:
            self._connection.close()
