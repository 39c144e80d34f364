"""What a snapshot cites: the numbered article list and the map data credits.

A reader has to be able to check every marker: the events' articles (and dataset
citations) are numbered oldest first, and each event knows its numbers so the figure can
write them next to its marker. The data credits for the basemap and the toggled layers
are read from the GeoJSON files themselves, so a new layer brings its own attribution.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.export.markers import IMPORT_COLOR_COLUMN
from dashboard.formatting import format_event_date
from dashboard.layers import CONTEXT_ATTRIBUTION, CONTEXT_DIR, LAYERS, layer_path, read_geojson


def attributions(layer_ids: Iterable[str]) -> list[str]:
    """Every data credit for the basemap and the toggled layers, from their files' properties."""
    paths = [CONTEXT_DIR / f"{name}.geojson" for name in ("countries", "rivers", "places")]
    paths += [layer_path(layer_id) for layer_id in LAYERS if layer_id in set(layer_ids)]
    credits: list[str] = []
    for path in paths:
        features = read_geojson(path)["features"]
        found = [f["properties"].get("attribution") for f in features if f["properties"].get("attribution")]
        if not found:  # a file without attribution properties: fall back to the registry's credit
            found = [CONTEXT_ATTRIBUTION] if path.parent == CONTEXT_DIR else [LAYERS[path.stem].attribution]
        for text in found:
            for part in text.replace(";", ",").split(","):
                if part.strip():
                    credits.append(part.strip())
    return list(dict.fromkeys(credits))


@dataclass(frozen=True)
class CitedSources:
    entries: list[str]  # the numbered list, entry i is number i + 1
    numbers: list[list[int]]  # per event (in frame order), the numbers of its sources


def cited_sources(events: pd.DataFrame, articles: dict[str, dict]) -> CitedSources:
    """Number the articles (and dataset citations) the events cite, oldest article first."""
    keys: dict[str, str] = {}
    datasets = _datasets(events)
    for sources, dataset in zip(events["sources"] if len(events) else [], datasets):
        if dataset:  # an imported row: its dataset is credited under the map (imported_credits), not numbered
            continue
        for source in sources:
            key = _source_key(source)
            if key and key not in keys:
                keys[key] = _source_entry(source, articles)
    ordered = sorted(keys, key=lambda k: (k.startswith("citation:"), _published(k, articles), keys[k]))
    number_of = {key: index + 1 for index, key in enumerate(ordered)}
    numbers = [[] if dataset else sorted({number_of[_source_key(s)] for s in sources if _source_key(s)})
               for sources, dataset in zip(events["sources"] if len(events) else [], datasets)]
    return CitedSources([keys[k] for k in ordered], numbers)


def imported_credits(events: pd.DataFrame) -> str:
    """'Imported data: NAME (N rows drawn)' for the imported rows among ``events`` ('' when none)."""
    counts = pd.Series([d for d in _datasets(events) if d], dtype=object).value_counts(sort=False)
    if not len(counts):
        return ""
    return "Imported data: " + "; ".join(f"{name} ({count:,} row{'s' if count != 1 else ''} drawn)"
                                          for name, count in counts.items())


def _datasets(events: pd.DataFrame) -> list[str | None]:
    """Each row's imported dataset when it was drawn as part of a dataset layer (None otherwise)."""
    if not len(events) or IMPORT_COLOR_COLUMN not in events:
        return [None] * len(events)
    names = events["dataset"] if "dataset" in events else events["id"].str.split(":").str[0]
    return [name if isinstance(color, str) and isinstance(name, str) and name else None
            for color, name in zip(events[IMPORT_COLOR_COLUMN], names)]


def _source_key(source: dict) -> str | None:
    if source.get("article"):
        return "article:" + source["article"]
    if source.get("citation"):
        return "citation:" + source["citation"]
    return None


def _published(key: str, articles: dict[str, dict]) -> str:
    return str(articles.get(key.removeprefix("article:"), {}).get("published") or "")


def _published_text(article: dict) -> str:
    """The publication date at its stated precision ('Aug 2021' for a month-precision date)."""
    published = article.get("published")
    if not published:
        return ""
    precision = article.get("published_precision", "day")
    try:
        day = date.fromisoformat(str(published))
    except ValueError:
        return str(published)
    return format_event_date(day, day, precision if precision in ("day", "month", "year") else "day")


def _source_entry(source: dict, articles: dict[str, dict]) -> str:
    if source.get("article"):
        article = articles.get(source["article"], {})
        where_when = ", ".join(p for p in (article.get("outlet"), _published_text(article)) if p)
        return str(article.get("title") or source["article"]) + (f" — {where_when}" if where_when else "")
    return str(source.get("citation"))
