"""Where the dashboard's data lives, behind one interface.

* One machine (the default, nothing to start): curated events and candidates are files
  (``geodata/events.geojson`` stays in git, reviewed and diffable), imported datasets are
  GeoParquet files queried with DuckDB (:mod:`dashboard.store.local`).
* A team: ``DASHBOARD_DATABASE_URL=postgresql://…`` puts the same data in PostgreSQL with
  PostGIS (:mod:`dashboard.store.postgis`), so several app replicas share one state.

:func:`curated_store` returns the store of curated events, articles, candidates and review
decisions (:mod:`dashboard.store.curated`); :func:`imported_datasets` returns the store of
imported datasets for the current settings;
every store answers ``names()``, ``count(name, state)``, ``rows(name, state, limit)``,
``grid(name, state, cell_deg)``, ``extent(name, state)``, ``count_and_extent(name, state)``, ``corroborating_rows(name, probes)``
(:mod:`dashboard.corroboration`), ``writer(name)`` and
``remove(name)``. Loaded data is cached in one place, :data:`dashboard.store.cache.FILES`.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

DATABASE_URL_VARIABLE = "DASHBOARD_DATABASE_URL"


class StoreError(OSError):
    """The store cannot be read or written (e.g. the database is unreachable); one line saying what to do.

    An OSError, so callers that already report a failed file write (the importer, the export
    command line, the review panel) report this the same way.
    """
_STORES: dict[tuple, object] = {}
_LOCK = threading.Lock()


def database_url() -> str | None:
    """``$DASHBOARD_DATABASE_URL`` when set (read at call time, for tests), else None."""
    return os.environ.get(DATABASE_URL_VARIABLE) or None


def curated_store(events_path: str | os.PathLike | None = None):
    """Curated events, articles, candidates and review decisions: PostGIS when a database URL is
    set (loaded from the curated files the first time), else the files themselves."""
    from dashboard.events import EVENTS_PATH

    events_path = Path(events_path) if events_path else EVENTS_PATH
    url = database_url()
    key: tuple = ("curated-postgis", url, str(events_path)) if url else ("curated-files", str(events_path))
    with _LOCK:
        store = _STORES.get(key)
        if store is None:
            if url:
                from dashboard.store.curated import PostgisCurated

                store = PostgisCurated(url, events_path=events_path)
            else:
                from dashboard.store.curated import FileCurated

                store = FileCurated(events_path=events_path)
            _STORES[key] = store
    return store


def imported_datasets(imports_dir: str | os.PathLike | None = None):
    """The imported-datasets store: PostGIS when a database URL is set, else the imports folder."""
    url = database_url()
    if url:
        key: tuple = ("postgis", url)
    else:
        from dashboard.imports.settings import imports_dir_default

        key = ("local", str(Path(imports_dir) if imports_dir is not None else imports_dir_default()))
    with _LOCK:
        store = _STORES.get(key)
        if store is None:
            if key[0] == "postgis":
                from dashboard.store.postgis import PostgisDatasets

                store = PostgisDatasets(url)
            else:
                from dashboard.store.local import LocalDatasets

                store = LocalDatasets(key[1])
            _STORES[key] = store
    return store
