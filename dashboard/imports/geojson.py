"""GeoJSON FeatureCollections as imports.

Point features whose properties already follow the event schema are kept as they are, except
that they become imported data: ``review_status: "imported"``, their id prefixed ``NAME:``;
other point features have their properties turned into CSV-like text and are mapped by
:func:`dashboard.imports.generic._map_generic`. Non-point or out-of-range features are
rejected rows, numbered from 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from dashboard.events import EventProperties
from dashboard.imports.generic import _map_generic
from dashboard.imports.report import DatasetImportError, RejectedRow
from dashboard.inputs import InputError, parse_json
from dashboard.placement import DATASET_BASIS


def _import_geojson(data: bytes | Path, label: str, name: str, columns: dict) -> tuple[int, list[dict], list[RejectedRow]]:
    """Features already in our schema are kept as they are; others are mapped like CSV rows."""
    raw = data if isinstance(data, bytes) else data.read_bytes()
    try:
        collection = parse_json(raw, label)
    except InputError as error:
        raise DatasetImportError(str(error)) from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise DatasetImportError(f"{label}: not a GeoJSON FeatureCollection")
    items = collection.get("features")
    if not isinstance(items, list):
        raise DatasetImportError(f"{label}: 'features' is not a list")
    kept: list[dict] = []
    rejected: list[RejectedRow] = []
    to_map: list[dict] = []
    for number, feature in enumerate(items, start=1):
        problem = _geojson_point_problem(feature)
        if problem:
            rejected.append(RejectedRow(number, "geometry", problem))
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            rejected.append(RejectedRow(number, "properties", "not an object"))
            continue
        props = _with_location_basis(props)
        lon, lat = feature["geometry"]["coordinates"][:2]
        if _already_events(props):
            kept.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": _as_imported(props, name), "_row": number})
            continue
        to_map.append({**{str(k).strip().lower(): _property_text(k, v) for k, v in props.items()},
                       "_lon": str(lon), "_lat": str(lat), "_row": number})
    if to_map:
        table = pd.DataFrame(to_map, dtype=object).fillna("")
        columns = {"lat": "_lat", "lon": "_lon", **columns}
        mapped, problems = _map_generic(table, label, name, columns)
        kept.extend(mapped)
        rejected.extend(problems)
    kept.sort(key=lambda feature: feature["_row"])
    return len(items), kept, rejected


def _as_imported(props: dict, name: str) -> dict:
    """An event-shaped feature as imported data: never "reviewed", never a curated event's id, and
    never a quote attributed to a registered article (nobody checked it against the article's text):
    such a source becomes a citation naming the dataset."""
    own = str(props.get("id"))
    event_id = own if own.startswith(f"{name}:") else f"{name}:{own}"
    sources = [
        {**{key: value for key, value in source.items() if key != "article"},
         "citation": source.get("citation") or f"article {source['article']}, as cited by dataset '{name}'"}
        if isinstance(source, dict) and source.get("article") else source
        for source in props.get("sources") or []
    ]
    return {**props, "id": event_id, "review_status": "imported", "dataset": name, "sources": sources}


def _property_text(key: object, value: object) -> object:
    """Property values as the text a CSV would hold; strings unchanged, actor lists kept."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if str(key).strip().lower() == "actors" and isinstance(value, list):
        return value
    return json.dumps(value, ensure_ascii=False)


def _geojson_point_problem(feature: object) -> str | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return "not a GeoJSON Feature"
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return "not a Point (only point events can be imported)"
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or len(coords) < 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) for v in coords[:2]):
        return "coordinates must be [lon, lat] numbers"
    lon, lat = coords[:2]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return f"coordinates out of range: [{lon}, {lat}]"
    return None


def _with_location_basis(props: dict) -> dict:
    """Event files written before ``location_basis`` existed: a dataset states its own points (explicit)."""
    if isinstance(props, dict) and "sources" in props and "location_precision" in props and "location_basis" not in props:
        return {**props, "location_basis": DATASET_BASIS}
    return props


def _already_events(props: dict) -> bool:
    if "sources" not in props or "date_precision" not in props:
        return False
    try:
        EventProperties.model_validate(props)
    except ValidationError:
        return False
    return True
