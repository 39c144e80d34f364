"""The filtered events as data: GeoJSON and CSV, with a guard against CSV formula injection.

Spreadsheet programs run a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (``=HYPERLINK(...)`` can leak data or mislead). Text cells
that begin with one of these get a leading single quote ``'``, as OWASP recommends; Excel
hides the quote and shows the text. Numbers (lon, lat, uncertainty) are never prefixed.
The GeoJSON keeps every string exactly as stored. The CSV is UTF-8 with a byte-order
mark so Excel reads Cyrillic and Dari names correctly.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date

import numpy as np
import pandas as pd

SEPARATOR = " | "  # joins several sources in one CSV cell
ACTOR_SEPARATOR = "; "
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_INTERNAL_COLUMNS = {"_search", "lon", "lat"}


def _plain(value):
    """JSON-ready Python values: dates as YYYY-MM-DD, NaN as None, numpy scalars unwrapped."""
    if value is pd.NaT or value is None:
        return None
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _property_columns(events: pd.DataFrame) -> list[str]:
    return [c for c in events.columns if c not in _INTERNAL_COLUMNS]


def events_geojson(events: pd.DataFrame) -> bytes:
    """The events as an RFC 7946 FeatureCollection with every property, strings exactly as stored."""
    columns = _property_columns(events)
    features = []
    for record in events.to_dict("records"):
        properties = {column: _plain(record[column]) for column in columns}
        if "corroborated_by" in properties and properties["corroborated_by"] is None:
            del properties["corroborated_by"]  # an imported row: only articles' events are corroborated
        features.append({
            "type": "Feature",
            "properties": properties,
            "geometry": {"type": "Point", "coordinates": [float(record["lon"]), float(record["lat"])]},
        })
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")


def _safe_cell(value) -> str | float | int:
    """Text that a spreadsheet would run as a formula gets a leading single quote."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


CSV_SOURCE_COLUMNS = ["source_articles", "source_titles", "source_outlets", "source_dates", "source_quotes",
                      "source_citations", "source_urls"]


def events_csv(events: pd.DataFrame, articles: dict[str, dict]) -> bytes:
    """One row per event, one column per property; sources flattened with ' | ', actors with '; '.

    Safe to open in Excel (see the module docstring on formula injection).
    """
    columns = [c for c in _property_columns(events) if c not in ("sources", "actors")]
    header = columns[:1] + ["lon", "lat"] + columns[1:] + ["actors"] + CSV_SOURCE_COLUMNS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_safe_cell(column) for column in header])  # imported property names are text too
    for record in events.to_dict("records"):
        sources = _plain(record.get("sources")) or []
        cited = [articles.get(s.get("article") or "", {}) for s in sources]
        flat = {
            "actors": ACTOR_SEPARATOR.join(_plain(record.get("actors")) or []),
            "source_articles": [s.get("article") or "" for s in sources],
            "source_titles": [a.get("title") or "" for a in cited],
            "source_outlets": [a.get("outlet") or "" for a in cited],
            "source_dates": [str(a.get("published") or "") for a in cited],
            "source_quotes": [s.get("quote") or "" for s in sources],
            "source_citations": [s.get("citation") or "" for s in sources],
            "source_urls": [s.get("url") or a.get("url") or "" for s, a in zip(sources, cited)],
        }
        row = []
        for column in header:
            if column in flat:
                value = flat[column]
                row.append(_safe_cell(SEPARATOR.join(value) if isinstance(value, list) else value))
            else:
                row.append(_safe_cell(record.get(column)))
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")
