"""Geodesic measurements on WGS84: lengths, areas and distances to the Tajik–Afghan border.

Projected maths (UTM 42N) only finds the nearest point on the border; every figure
reported is then measured on the ellipsoid with pyproj.Geod, so that numbers agree with
geodata/README.md and the source data's PROVENANCE.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

GEOD = Geod(ellps="WGS84")
# UTM zone 42N covers the Tajik–Afghan border (67.8–74.9 E); used only to find nearest points.
_TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32642", always_xy=True)
_FROM_UTM = Transformer.from_crs("EPSG:32642", "EPSG:4326", always_xy=True)


def geodesic_length_km(geometry: BaseGeometry) -> float:
    return GEOD.geometry_length(geometry) / 1000.0


def geodesic_area_km2(geometry: BaseGeometry) -> float:
    area, _perimeter = GEOD.geometry_area_perimeter(geometry)
    return abs(area) / 1e6


def to_utm(geometry: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geometry, lambda xy: np.column_stack(_TO_UTM.transform(xy[:, 0], xy[:, 1])))


def _segments(line) -> np.ndarray:
    """Every two-point segment of a (multi)line, as an array of LineStrings."""
    pieces = []
    for part in shapely.get_parts(line):
        coords = shapely.get_coordinates(part)
        pieces.append(shapely.linestrings(np.stack([coords[:-1], coords[1:]], axis=1)))
    return np.concatenate(pieces)


def distances_to_line_km(lons: Sequence[float], lats: Sequence[float], line_utm: BaseGeometry) -> np.ndarray:
    """Geodesic distance (km) from each lon/lat point to the nearest point of ``line_utm``.

    ``line_utm`` is the line already projected with :func:`to_utm` (project it once, reuse it).
    """
    lons = np.asarray(lons, dtype=float)
    lats = np.asarray(lats, dtype=float)
    if lons.size == 0:
        return np.zeros(0)
    x, y = _TO_UTM.transform(lons, lats)
    points = shapely.points(x, y)
    # Nearest segment through a spatial index, then the exact nearest point on it: the same
    # answer as shortest_line against the whole line, without comparing every point with
    # every one of its thousands of vertices.
    segments = _segments(line_utm)
    _inputs, nearest_segment = shapely.STRtree(segments).query_nearest(points, all_matches=False)
    nearest = shapely.get_coordinates(shapely.shortest_line(points, segments[nearest_segment]))[1::2]
    near_lon, near_lat = _FROM_UTM.transform(nearest[:, 0], nearest[:, 1])
    _az1, _az2, metres = GEOD.inv(lons, lats, near_lon, near_lat)
    return np.asarray(metres) / 1000.0
