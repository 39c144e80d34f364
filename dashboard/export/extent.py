"""Extents: bounding boxes in, Web Mercator map frames out.

Every snapshot needs one rectangle to draw: the on-screen bbox the user was looking at,
or one fitted around the events, or the region the interactive map opens on. This module
validates bboxes from the command line and from the browser, projects them to Web
Mercator (EPSG:3857), and grows them to the map frame's aspect. The two projections are
shared with the rest of the package from here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from pyproj import Transformer

from dashboard.filters import ViewStateError
from dashboard.symbology import region_of_interest

# The region the interactive map opens on (symbology.region_of_interest).
DEFAULT_BBOX = region_of_interest()
FIT_MARGIN = 0.12  # share of the events' span added on every side
MIN_EXTENT_KM = 400.0  # a single event still shows its surroundings
# The smallest frame drawn, in Mercator units (about metres): a bbox of a few centimetres made
# every outline thousands of km of pixels long and the drawing ran for many minutes.
MIN_FRAME_M = 2_000.0
MAX_MERCATOR_LAT = 85.0

_TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
_TO_LONLAT = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)

BBox = tuple[float, float, float, float]


def check_bbox(bbox: Sequence[float]) -> BBox:
    """A valid (minlon, minlat, maxlon, maxlat) or ValueError with one readable line."""
    if len(bbox) != 4:
        raise ValueError(f"bbox needs 4 numbers minlon,minlat,maxlon,maxlat, got {len(bbox)}")
    minlon, minlat, maxlon, maxlat = (float(v) for v in bbox)
    if not all(math.isfinite(v) for v in (minlon, minlat, maxlon, maxlat)):
        raise ValueError("bbox values must be finite numbers")
    if not (-180 <= minlon < maxlon <= 180):
        raise ValueError(f"bbox longitudes must satisfy -180 <= minlon < maxlon <= 180, got {minlon}, {maxlon}")
    if not (-90 <= minlat < maxlat <= 90):
        raise ValueError(f"bbox latitudes must satisfy -90 <= minlat < maxlat <= 90, got {minlat}, {maxlat}")
    return minlon, minlat, maxlon, maxlat


def parse_bbox(text: str) -> BBox:
    """'minlon,minlat,maxlon,maxlat' from the command line; ViewStateError on bad input."""
    try:
        values = [float(part) for part in text.split(",")]
        return check_bbox(values)
    except ValueError as error:
        raise ViewStateError(f"--bbox {text!r}: {error}" if "bbox" in str(error) else
                             f"--bbox {text!r} is not four numbers minlon,minlat,maxlon,maxlat") from None


def bbox_from_bounds(bounds) -> BBox | None:
    """The bbox from st_folium's ``bounds`` ({'_southWest': {lat, lng}, '_northEast': …}) or a 4-sequence.

    Leaflet reports longitudes beyond ±180 when the world wraps; they are clamped.
    Returns None when the map has not reported bounds yet.
    """
    if not bounds:
        return None
    if isinstance(bounds, dict):
        try:
            south_west, north_east = bounds["_southWest"], bounds["_northEast"]
            values = [south_west["lng"], south_west["lat"], north_east["lng"], north_east["lat"]]
        except (KeyError, TypeError):
            return None
    else:
        values = list(bounds)
    if any(v is None for v in values):
        return None
    minlon, minlat, maxlon, maxlat = (float(v) for v in values)
    minlon, maxlon = max(minlon, -180.0), min(maxlon, 180.0)
    minlat, maxlat = max(minlat, -MAX_MERCATOR_LAT), min(maxlat, MAX_MERCATOR_LAT)
    try:
        return check_bbox((minlon, minlat, maxlon, maxlat))
    except ValueError:
        return None


def _mercator_bbox(bbox: BBox) -> BBox:
    minlon, minlat, maxlon, maxlat = bbox
    minlat, maxlat = max(minlat, -MAX_MERCATOR_LAT), min(maxlat, MAX_MERCATOR_LAT)
    (x0, x1), (y0, y1) = _TO_MERCATOR.transform([minlon, maxlon], [minlat, maxlat])
    return x0, y0, x1, y1


def _fit_extent(x: np.ndarray, y: np.ndarray, radius: np.ndarray) -> BBox:
    """Mercator extent around the events and their drawn rings with a margin, never smaller than MIN_EXTENT_KM."""
    x0, x1, y0, y1 = (x - radius).min(), (x + radius).max(), (y - radius).min(), (y + radius).max()
    centre_lat = _TO_LONLAT.transform((x0 + x1) / 2, (y0 + y1) / 2)[1]
    min_span = MIN_EXTENT_KM * 1000 / math.cos(math.radians(centre_lat))  # mercator units stretch with latitude
    half_w = max((x1 - x0) * (1 + 2 * FIT_MARGIN), min_span) / 2
    half_h = max((y1 - y0) * (1 + 2 * FIT_MARGIN), min_span) / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def _match_aspect(extent: BBox, aspect: float) -> BBox:
    """Grow the extent (never shrink it) to at least MIN_FRAME_M each way and so it fills an
    axes of width/height ``aspect``."""
    x0, y0, x1, y1 = extent
    if x1 - x0 < MIN_FRAME_M:
        x0, x1 = (x0 + x1 - MIN_FRAME_M) / 2, (x0 + x1 + MIN_FRAME_M) / 2
    if y1 - y0 < MIN_FRAME_M:
        y0, y1 = (y0 + y1 - MIN_FRAME_M) / 2, (y0 + y1 + MIN_FRAME_M) / 2
    width, height = x1 - x0, y1 - y0
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2
