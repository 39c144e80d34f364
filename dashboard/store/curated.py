"""Curated events, articles, candidate events and review decisions, behind one interface.

Two implementations answer the same calls:

* :class:`FileCurated` (one machine): ``geodata/events.geojson`` and ``seeds/articles.json``
  stay the reviewed, diffable source in git; candidates are ``geodata/candidates/KEY.geojson``
  files; accept and reject are :func:`dashboard.review.accept_events` / ``reject_events``.
* :class:`PostgisCurated` (a team): the same records in PostgreSQL, loaded from those files
  the first time the database is used. Accept and reject are transactions that lock the
  candidates they take, so two replicas accepting at once both land, and a candidate taken by
  one is reported as gone to the other. Every decision is recorded in ``review_decisions``.

Calls: ``events()`` -> (prepared events frame, articles by id); ``candidate_sets()`` ->
{key: candidates collection}; ``candidate_events()`` -> prepared frame or None;
``add_candidates(key, collection, overwrite)``; ``accept(key, ids)``; ``reject(key, ids)``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from dashboard.events import ARTICLES_PATH, EVENTS_PATH, EventValidationError, read_events_file, validate_feature_collection
from dashboard.store.cache import FILES


def _prepared(collection: dict) -> pd.DataFrame:
    from dashboard.data import prepare_events

    return prepare_events(collection)


class FileCurated:
    """The one-machine store: the curated files in git and a folder of candidate files."""

    def __init__(self, events_path: Path = EVENTS_PATH, articles_path: Path = ARTICLES_PATH,
                 candidates_dir: Path | None = None) -> None:
        from dashboard.review import CANDIDATES_DIR

        self.events_path, self.articles_path = Path(events_path), Path(articles_path)
        self.candidates_dir = Path(candidates_dir) if candidates_dir is not None else CANDIDATES_DIR

    def events(self) -> tuple[pd.DataFrame, dict[str, dict]]:
        from dashboard.data import load_curated_events

        return load_curated_events(self.events_path, self.articles_path)

    def candidate_path(self, key: str) -> Path:
        return self.candidates_dir / f"{key}.geojson"

    def candidate_sets(self) -> dict[str, dict]:
        from dashboard.review import load_candidates

        return {path.stem: FILES.get(("candidates", str(path)), [path], lambda p=path: load_candidates(p))
                for path in sorted(self.candidates_dir.glob("*.geojson"))}

    def candidate_events(self) -> pd.DataFrame | None:
        frames = []
        for key, collection in self.candidate_sets().items():
            path = self.candidate_path(key)
            if collection.get("features"):
                frames.append(FILES.get(("candidate-frame", str(path)), [path], lambda c=collection: _prepared(c)))
        return pd.concat(frames, ignore_index=True) if frames else None

    def add_candidates(self, key: str, collection: dict, *, overwrite: bool = False) -> None:
        from dashboard.ingest import write_candidates

        self.candidates_dir.mkdir(parents=True, exist_ok=True)
        write_candidates(collection, self.candidate_path(key), overwrite=overwrite)

    def accept(self, key: str, ids: Iterable[str]) -> list[str]:
        from dashboard.review import accept_events

        return accept_events(self.candidate_path(key), ids, events_path=self.events_path,
                             articles_path=self.articles_path)

    def reject(self, key: str, ids: Iterable[str]) -> list[str]:
        from dashboard.review import reject_events

        return reject_events(self.candidate_path(key), ids)


CURATED_TABLES = """
CREATE TABLE IF NOT EXISTS articles (
    id text PRIMARY KEY,
    record text NOT NULL,
    body text  -- the article's text, which every quote must be found in
);
ALTER TABLE articles ADD COLUMN IF NOT EXISTS body text;
CREATE TABLE IF NOT EXISTS curated_events (
    id text PRIMARY KEY,
    feature text NOT NULL,
    geom geometry(Point, 4326) NOT NULL,
    added_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE IF NOT EXISTS candidate_sets (
    key text PRIMARY KEY,
    collection text NOT NULL
);
CREATE TABLE IF NOT EXISTS candidates (
    set_key text NOT NULL REFERENCES candidate_sets (key) ON DELETE CASCADE,
    id text NOT NULL,
    position integer NOT NULL,
    feature text NOT NULL,
    PRIMARY KEY (set_key, id)
);
CREATE TABLE IF NOT EXISTS review_decisions (
    seq bigserial PRIMARY KEY,
    set_key text NOT NULL,
    event_id text NOT NULL,
    decision text NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    decided_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
"""


class PostgisCurated:
    """The team store: curated events, articles, candidates and decisions in PostgreSQL."""

    def __init__(self, url: str, events_path: Path = EVENTS_PATH, articles_path: Path = ARTICLES_PATH) -> None:
        from dashboard.store.postgis import connect, ensure_schema

        self.url = url
        self._connection = connect(url, autocommit=True)
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[tuple, object]] = {}
        ensure_schema(self._connection, CURATED_TABLES)
        self._seed(Path(events_path), Path(articles_path))

    # --- loading -----------------------------------------------------------------------

    def _seed(self, events_path: Path, articles_path: Path) -> None:
        """Load the curated files from git into an empty database (once, one replica at a time)."""
        from dashboard.events import load_articles
        from dashboard.store.postgis import SCHEMA_LOCK
        from dashboard.validate import stored_article_text

        with self._lock, self._connection.transaction():
            self._connection.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEMA_LOCK])
            if self._connection.execute("SELECT 1 FROM curated_events LIMIT 1").fetchone():
                return
            articles = load_articles(articles_path)
            collection = read_events_file(events_path, article_ids=set(articles))
            with self._connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO articles (id, record, body) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    [(key, json.dumps(record, ensure_ascii=False), stored_article_text(key, articles_path.parent))
                     for key, record in articles.items()])
                cursor.executemany(
                    "INSERT INTO curated_events (id, feature, geom) VALUES (%s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326))",
                    [_event_row(feature) for feature in collection["features"]])

    def _version(self, what: str) -> tuple:
        sql = {"events": "SELECT (SELECT count(*) FROM curated_events), (SELECT max(added_at) FROM curated_events), "
                         "(SELECT count(*) FROM articles)",
               "candidates": "SELECT (SELECT count(*) FROM candidates), (SELECT max(seq) FROM review_decisions), "
                             "(SELECT md5(coalesce(string_agg(key || length(collection), ',' ORDER BY key), '')) "
                             "FROM candidate_sets)"}[what]
        return tuple(self._query(sql, [])[0])

    def _cached(self, what: str, build):
        """Rebuilt only when the database's rows changed (one small query per call)."""
        version = self._version(what)
        hit = self._cache.get(what)
        if hit is not None and hit[0] == version:
            return hit[1]
        value = build()
        self._cache[what] = (version, value)
        return value

    def events(self) -> tuple[pd.DataFrame, dict[str, dict]]:
        def build():
            articles = {key: json.loads(record) for key, record in self._query("SELECT id, record FROM articles", [])}
            features = [json.loads(text) for (text,) in self._query(
                "SELECT feature FROM curated_events ORDER BY added_at, id", [])]
            return _prepared({"type": "FeatureCollection", "features": features}), articles

        return self._cached("events", build)

    def candidate_sets(self) -> dict[str, dict]:
        def build():
            sets = {key: json.loads(text) for key, text in self._query(
                "SELECT key, collection FROM candidate_sets ORDER BY key", [])}
            for key in sets:
                sets[key]["features"] = []
            for key, text in self._query("SELECT set_key, feature FROM candidates ORDER BY set_key, position", []):
                sets[key]["features"].append(json.loads(text))
            frames = [_prepared(c) for c in sets.values() if c["features"]]
            return sets, (pd.concat(frames, ignore_index=True) if frames else None)

        return self._cached("candidates", build)[0]

    def candidate_events(self) -> pd.DataFrame | None:
        self.candidate_sets()
        return self._cache["candidates"][1][1]

    # --- changing ----------------------------------------------------------------------

    def add_candidates(self, key: str, collection: dict, *, overwrite: bool = False) -> None:
        from dashboard.ingest import IngestError

        header = {name: value for name, value in collection.items() if name != "features"}
        with self._lock, self._connection.transaction():
            exists = self._connection.execute("SELECT 1 FROM candidate_sets WHERE key = %s FOR UPDATE",
                                              [key]).fetchone()
            if exists and not overwrite:
                raise IngestError(f"candidates for {key} already exist; replace them to extract again")
            self._connection.execute("DELETE FROM candidate_sets WHERE key = %s", [key])
            self._connection.execute("INSERT INTO candidate_sets (key, collection) VALUES (%s, %s)",
                                     [key, json.dumps(header, ensure_ascii=False)])
            with self._connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO candidates (set_key, id, position, feature) VALUES (%s, %s, %s, %s)",
                    [(key, feature["properties"]["id"], position, json.dumps(feature, ensure_ascii=False))
                     for position, feature in enumerate(collection.get("features") or [])])

    def accept(self, key: str, ids: Iterable[str]) -> list[str]:
        """Move the candidates into the curated events in one transaction (all or nothing)."""
        from dashboard.review import ReviewError, accepted_feature
        from dashboard.validate import find_quote_problems

        wanted = list(dict.fromkeys(ids))
        if not wanted:
            raise ReviewError("no event ids given")
        with psycopg_connection(self.url) as connection, connection.transaction():
            chosen = self._take(connection, key, wanted)
            accepted = [accepted_feature(feature) for feature in chosen]
            header = json.loads(connection.execute("SELECT collection FROM candidate_sets WHERE key = %s",
                                                   [key]).fetchone()[0])
            texts = dict(connection.execute("SELECT id, body FROM articles").fetchall())
            record = header.get("article")
            cited = {s.get("article") for f in accepted for s in f["properties"].get("sources") or []}
            if isinstance(record, dict) and record.get("id") in cited and record.get("id") not in texts:
                body = header.get("article_text")
                if not isinstance(body, str) or not body.strip():
                    raise ReviewError(f"candidates {key}: no stored text for new article {record.get('id')}, so its "
                                      "quotes cannot be checked; ingest the article again")
                connection.execute("INSERT INTO articles (id, record, body) VALUES (%s, %s, %s)",
                                   [record["id"], json.dumps(record, ensure_ascii=False), body])
                texts[record["id"]] = body
            try:
                validate_feature_collection({"type": "FeatureCollection", "features": accepted},
                                            source_name=f"candidates {key}", article_ids=set(texts))
            except EventValidationError as error:
                raise ReviewError(error.problems[0]) from None
            # As on one machine: every quote verbatim in its article's stored text, or nothing is accepted.
            problems = find_quote_problems({"features": accepted}, Path("/nonexistent"),
                                           source_name=f"candidates {key}",
                                           texts={k: v for k, v in texts.items() if v is not None})
            if problems:
                raise ReviewError(problems[0].replace(" in /nonexistent", "") + "; nothing was accepted")
            taken = {row[0] for row in connection.execute("SELECT id FROM curated_events WHERE id = ANY(%s)",
                                                          [wanted]).fetchall()}
            if taken:
                raise ReviewError(f"the curated events already have an event {sorted(taken)[0]!r}")
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO curated_events (id, feature, geom) VALUES (%s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326))",
                    [_event_row(feature) for feature in accepted])
            self._decide(connection, key, wanted, "accepted")
        return wanted

    def reject(self, key: str, ids: Iterable[str]) -> list[str]:
        from dashboard.review import ReviewError

        wanted = list(dict.fromkeys(ids))
        if not wanted:
            raise ReviewError("no event ids given")
        with psycopg_connection(self.url) as connection, connection.transaction():
            self._take(connection, key, wanted)
            self._decide(connection, key, wanted, "rejected")
        return wanted

    @staticmethod
    def _take(connection, key: str, wanted: list[str]) -> list[dict]:
        """Lock and return the wanted candidates; ReviewError when one is gone (taken by another replica)."""
        from dashboard.review import ReviewError

        rows = dict(connection.execute("SELECT id, feature FROM candidates WHERE set_key = %s AND id = ANY(%s) "
                                       "ORDER BY position FOR UPDATE", [key, wanted]).fetchall())
        missing = [event_id for event_id in wanted if event_id not in rows]
        if missing:
            raise ReviewError(f"candidates {key} have no candidate {missing[0]!r} (already reviewed?)")
        return [json.loads(rows[event_id]) for event_id in wanted]

    @staticmethod
    def _decide(connection, key: str, ids: list[str], decision: str) -> None:
        connection.execute("DELETE FROM candidates WHERE set_key = %s AND id = ANY(%s)", [key, ids])
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO review_decisions (set_key, event_id, decision) VALUES (%s, %s, %s)",
                               [(key, event_id, decision) for event_id in ids])

    def decisions(self) -> list[tuple[str, str, str]]:
        """(candidates key, event id, 'accepted' or 'rejected'), oldest first."""
        return [tuple(row) for row in self._query(
            "SELECT set_key, event_id, decision FROM review_decisions ORDER BY seq", [])]

    def _query(self, sql: str, params: list) -> list[tuple]:
        with self._lock:
            return self._connection.execute(sql, params).fetchall()


def _event_row(feature: dict) -> tuple:
    lon, lat = feature["geometry"]["coordinates"]
    return feature["properties"]["id"], json.dumps(feature, ensure_ascii=False), lon, lat


def psycopg_connection(url: str):
    from dashboard.store.postgis import connect

    return connect(url)
