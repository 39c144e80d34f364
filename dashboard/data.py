"""Loading the events and articles the app shows, with derived columns computed once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.events import ARTICLES_PATH, EVENTS_PATH, events_to_frame, load_articles, read_events_file
from dashboard.filters import add_search_column
from dashboard.geo import distances_to_line_km, to_utm
from dashboard.layers import border_line
from dashboard.placement import distance_is_meaningful


@lru_cache(maxsize=1)
def border_utm():
    return to_utm(border_line())


def prepare_events(collection: dict, *, with_distance: bool = True) -> pd.DataFrame:
    """Events as a frame with search text and distance to the border (km) precomputed.

    The distance is left empty (NaN) for events placed coarser than a province: the point of
    a country or a border zone is a representative point, and its distance would mislead.
    """
    frame = add_search_column(events_to_frame(collection))
    if with_distance:
        distance = distances_to_line_km(frame["lon"], frame["lat"], border_utm())
        meaningful = frame["location_precision"].map(distance_is_meaningful).to_numpy(dtype=bool)
        frame["distance_to_border_km"] = np.where(meaningful, distance, np.nan)
    return frame


def _load(events_path: Path, articles_path: Path) -> tuple[pd.DataFrame, dict]:
    articles = load_articles(articles_path)
    collection = read_events_file(events_path, article_ids=set(articles))
    return prepare_events(collection), articles


def load_curated_events(
    events_path: Path = EVENTS_PATH, articles_path: Path = ARTICLES_PATH
) -> tuple[pd.DataFrame, dict[str, dict]]:
    """The curated events and the article metadata, cached (in the store's cache) until either file changes."""
    from dashboard.store.cache import FILES

    events_path, articles_path = Path(events_path), Path(articles_path)
    return FILES.get(("curated", str(events_path), str(articles_path)), [events_path, articles_path],
                     lambda: _load(events_path, articles_path))
