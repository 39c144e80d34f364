"""The event schema and its loader.

One event is one GeoJSON Point Feature whose properties follow :class:`EventProperties`.
Curated events (``geodata/events.geojson``), machine-extracted candidates and imported
datasets all share this schema, so the map, filters and exports treat them alike.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dashboard.inputs import InputError, load_json

ROOT = Path(__file__).resolve().parent.parent
# An external place must say where it comes from: "Source: TASS, 10 Aug 2021".
EXTERNAL_SOURCE = re.compile(r"\bsources?:\s*\S", re.IGNORECASE)
EVENTS_PATH = ROOT / "geodata" / "events.geojson"
ARTICLES_PATH = ROOT / "seeds" / "articles.json"

# The controlled vocabulary for `category`. Documented in geodata/README.md.
CATEGORIES: dict[str, str] = {
    "military_exercise": "Drills and exercises",
    "deployment": "Troop, base or weapons deployment and withdrawal",
    "military_aid": "Arms supplies and military assistance",
    "diplomacy": "Talks, visits, conferences and embassy activity",
    "statement": "Public statements, interviews and warnings",
    "armed_conflict": "Fighting, offensives and wars",
    "attack": "Terrorist attacks, bombings and hostage-taking",
    "territorial_control": "Takeovers and control of territory",
    "legal_designation": "Terrorist listings, bans and sanctions",
    "political": "Governments, leadership and elections",
    "economy": "Trade, investment and economic projects",
    "humanitarian": "Refugees, evacuations and aid",
    "other": "Anything else (imported data that fits no category)",
}

DatePrecision = Literal["day", "month", "year", "range"]
DateBasis = Literal["explicit", "relative", "inferred"]
LocationPrecision = Literal["site", "city", "province", "country", "region"]
# How the text supports the place (parallel to DateBasis); the rules are dashboard/placement.py.
LocationBasis = Literal["explicit", "inferred", "external"]
ReviewStatus = Literal["reviewed", "unreviewed", "imported"]

# The smallest uncertainty (km) that is honest for each location precision. A point at
# "city" precision cannot claim to be better than a few km, a "country" point not better
# than a few hundred.
MIN_UNCERTAINTY_KM: dict[str, float] = {
    "site": 0.0,
    "city": 1.0,
    "province": 10.0,
    "country": 50.0,
    "region": 100.0,
}


class Source(BaseModel):
    """Where an event is reported: an article id from seeds/articles.json and its own words.

    Imported datasets have no article; they name their dataset in ``citation`` instead.
    """

    model_config = ConfigDict(extra="forbid")

    article: str | None = None
    quote: str = Field(min_length=1)
    citation: str | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _needs_article_or_citation(self) -> Source:
        if not self.article and not self.citation:
            raise ValueError("a source needs an 'article' id or a 'citation'")
        return self


class EventProperties(BaseModel):
    """The properties of one event Feature (names are fixed: other tools read them)."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
    title: str = Field(min_length=1)
    summary: str = ""
    category: str
    actors: list[str] = Field(default_factory=list)
    date_start: date
    date_end: date
    date_precision: DatePrecision
    date_basis: DateBasis
    date_note: str | None = None
    place: str = Field(min_length=1)
    country: str = Field(pattern=r"^[A-Z]{3}$")
    location_precision: LocationPrecision
    location_basis: LocationBasis
    location_note: str | None = None
    uncertainty_km: float = Field(ge=0)
    sources: list[Source] = Field(min_length=1)
    review_status: ReviewStatus

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"unknown category {value!r}; use one of {', '.join(CATEGORIES)}")
        return value

    @model_validator(mode="after")
    def _dates_and_precision_agree(self) -> EventProperties:
        start, end = self.date_start, self.date_end
        if start > end:
            raise ValueError(f"date_start {start} is after date_end {end}")
        if self.date_precision == "day" and start != end:
            raise ValueError("a day-precision event starts and ends on the same day")
        if self.date_precision == "month" and (start.day != 1 or (start.year, start.month) != (end.year, end.month)
                                               or end != _month_end(start)):
            raise ValueError("a month-precision event spans exactly its month")
        if self.date_precision == "year" and (start != date(start.year, 1, 1) or end != date(start.year, 12, 31)):
            raise ValueError("a year-precision event spans exactly its year")
        if self.date_basis == "inferred" and not self.date_note:
            raise ValueError("an inferred date needs a date_note that explains it")
        if self.location_basis in ("inferred", "external") and not (self.location_note or "").strip():
            raise ValueError(f"an {self.location_basis} place needs a location_note that explains it")
        if self.location_basis == "external" and not EXTERNAL_SOURCE.search(self.location_note or ""):
            raise ValueError("an external place names its source in location_note ('Source: ...')")
        floor = MIN_UNCERTAINTY_KM[self.location_precision]
        if self.uncertainty_km < floor:
            raise ValueError(
                f"uncertainty_km {self.uncertainty_km} is too small for "
                f"{self.location_precision} precision (at least {floor})"
            )
        return self


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


class EventValidationError(ValueError):
    """Raised with every problem found, each naming the file, the event id and the field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def validate_feature_collection(
    collection: dict, *, source_name: str, article_ids: set[str] | None = None
) -> list[EventProperties]:
    """Check a FeatureCollection of events and return their properties.

    ``article_ids``, when given, are the ids every ``sources[].article`` must belong to.
    """
    problems: list[str] = []
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise EventValidationError([f"{source_name}: not a GeoJSON FeatureCollection"])
    features = collection.get("features")
    if not isinstance(features, list):
        raise EventValidationError([f"{source_name}: 'features' is not a list"])

    events: list[EventProperties] = []
    seen_ids: set[str] = set()
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            what = "not a GeoJSON Feature object" if not isinstance(feature, dict) else "'properties' is not an object"
            problems.append(f"{source_name}: event #{index}: {what}")
            continue
        props = feature.get("properties") or {}
        label = f"{source_name}: event {props.get('id') or f'#{index}'}"
        problems.extend(f"{label}: geometry: {p}" for p in _point_problems(feature.get("geometry")))
        try:
            event = EventProperties.model_validate(props)
        except ValidationError as error:
            for item in error.errors():
                field = ".".join(str(part) for part in item["loc"]) or "properties"
                problems.append(f"{label}: {field}: {item['msg']}")
            continue
        if event.id in seen_ids:
            problems.append(f"{label}: id: duplicate id {event.id!r}")
        seen_ids.add(event.id)
        if article_ids is not None:
            for number, source in enumerate(event.sources):
                if source.article is not None and source.article not in article_ids:
                    problems.append(f"{label}: sources.{number}.article: unknown article {source.article!r}")
        events.append(event)
    if problems:
        raise EventValidationError(problems)
    return events


def _point_problems(geometry: object) -> list[str]:
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return ["not a Point"]
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or len(coords) != 2:
        return ["coordinates must be [lon, lat]"]
    lon, lat = coords
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (lon, lat)):
        return ["coordinates must be finite numbers"]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return [f"coordinates out of range: [{lon}, {lat}]"]
    return []


def load_articles(path: Path = ARTICLES_PATH) -> dict[str, dict]:
    """Article metadata keyed by id (the seed file's stem)."""
    records = load_json(path)
    if not isinstance(records, list) or not all(isinstance(r, dict) and isinstance(r.get("id"), str) for r in records):
        raise InputError(f"{path}: not a list of article records with an 'id' each")
    return {record["id"]: record for record in records}


def read_events_file(path: Path, *, article_ids: set[str] | None = None) -> dict:
    """Read and validate an events GeoJSON file; return the FeatureCollection dict."""
    path = Path(path)
    try:
        collection = load_json(path)
    except InputError as error:
        raise EventValidationError([str(error)]) from None
    validate_feature_collection(collection, source_name=str(path), article_ids=article_ids)
    return collection


def events_to_frame(collection: dict) -> pd.DataFrame:
    """Flatten a validated FeatureCollection into one row per event, for filtering and tables.

    Columns: every property plus ``lon``, ``lat``; dates become ``datetime64`` columns.
    """
    rows = []
    for feature in collection["features"]:
        props = dict(feature["properties"])
        props["lon"], props["lat"] = feature["geometry"]["coordinates"]
        rows.append(props)
    frame = pd.DataFrame(rows, columns=_FRAME_COLUMNS if not rows else None)
    for column in ("date_start", "date_end"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


_FRAME_COLUMNS = [*EventProperties.model_fields, "lon", "lat"]
