"""The events on the snapshot: markers, uncertainty rings and source numbers.

The markers follow the interactive map's conventions (colour by category, hollow when the
place is approximate, a dashed ring for the uncertainty, a dashed outline when unreviewed)
so a printed figure reads like the screen. Events at the same place share one label with
all their source numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.patches import Circle

from dashboard.export.extent import _TO_MERCATOR
from dashboard.export.labels import MIN_FONT_PT, LabelLayer
from dashboard.zone_bands import zone_of
from dashboard.symbology import (  # noqa: F401 - IMPORT_COLOR_COLUMN re-exported
    BADGE_COLOR, IMPORT_COLOR_COLUMN, country_badge_groups, is_approximate, is_country_level, marker_colors, ring_km,
)


def _ring_radii(events: pd.DataFrame) -> np.ndarray:
    """Uncertainty ring radius per event in mercator units (0: no ring), as on the interactive map."""
    places = events["place"] if "place" in events else [None] * len(events)
    km = np.array([ring_km(p, u, zone=zone_of(place) is not None)
                   for p, u, place in zip(events["location_precision"], events["uncertainty_km"], places)], float)
    stretch = 1 / np.cos(np.radians(events["lat"].to_numpy(float)))  # mercator metres per true metre
    return km * 1000 * stretch

# A view with more events in the frame than this is dense: its markers are drawn as dots (area DENSE_SIZE pt²),
# and the names of capitals and cities may lie over them (see labels.place_labels).
DENSE_FROM = 150
DENSE_SIZE = 14
DENSE_LINEWIDTH = 0.9
DENSE_RADIUS_PT = DENSE_SIZE ** 0.5 / 2 + DENSE_LINEWIDTH / 2

# Under (or above) a badge: clear of its rounded box.
BELOW_BADGE = [((0, -10), "center", "top"), ((0, 10), "center", "bottom"), ((0, -20), "center", "top")]


def country_level_mask(events: pd.DataFrame) -> np.ndarray:
    if not len(events) or "location_precision" not in events:
        return np.zeros(len(events), bool)
    return events["location_precision"].map(is_country_level).to_numpy(bool)


def badge_positions(events: pd.DataFrame, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each event is drawn: country-level events at their country's badge (its label point)."""
    x, y = x.copy(), y.copy()
    country = country_level_mask(events)
    if country.any():
        for _iso, _name, lon, lat, frame in country_badge_groups(events[country]):
            bx, by = _TO_MERCATOR.transform(lon, lat)
            rows = events.index.get_indexer(frame.index)
            x[rows], y[rows] = bx, by
    return x, y


def _draw_badges(ax, events: pd.DataFrame, x: np.ndarray, y: np.ndarray, labels: LabelLayer) -> None:
    """One badge per country ("Russia · 9"), as on the live map; never a point with a country-sized ring."""
    for _iso, name, _lon, _lat, frame in country_badge_groups(events):
        row = events.index.get_loc(frame.index[0])
        labels.fixed.append(ax.text(
            x[row], y[row], f"{name} · {len(frame)}", fontsize=MIN_FONT_PT, fontweight="bold", color="white",
            ha="center", va="center", zorder=8.5, clip_on=True, parse_math=False, gid="snapshot-country-badge",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": BADGE_COLOR, "edgecolor": "white", "linewidth": 1.2}))


def is_dense(events: pd.DataFrame) -> bool:
    """More events drawn as points in the frame than full markers with rings leave readable (DENSE_FROM)."""
    return int((~country_level_mask(events)).sum()) > DENSE_FROM


def _draw_events(ax, events: pd.DataFrame, x: np.ndarray, y: np.ndarray, *, detailed: bool,
                 numbers: list[list[int]] | None, labels: LabelLayer, dense: bool = False) -> None:
    """Markers coloured by category, hollow when approximate, dashed ring for the uncertainty.

    ``x``, ``y`` are the drawn positions (badge_positions); country-level events become badges.
    A ``dense`` view draws dots without rings; ``detailed=False`` (thousands) draws them beneath the layers.
    """
    if not len(events):
        return
    country = country_level_mask(events)
    if country.any():
        _draw_badges(ax, events[country], x[country], y[country], labels)
        if numbers:
            numbers = [n for n, flag in zip(numbers, country) if not flag] + [
                n for n, flag in zip(numbers, country) if flag]
        x, y = np.concatenate([x[~country], x[country]]), np.concatenate([y[~country], y[country]])
        events = pd.concat([events[~country], events[country]])
        country = np.concatenate([np.zeros((~country).sum(), bool), np.ones(country.sum(), bool)])
    points = ~country
    _draw_points(ax, events[points], x[points], y[points], detailed=detailed, dense=dense)
    if dense:  # dots that the capitals' and cities' names may lie over (labels.place_labels)
        labels.add_dots(x[points], y[points], DENSE_RADIUS_PT if detailed else 1.8)
    else:
        labels.add_markers(x[points], y[points], 4.1 if detailed else 1.8)
    if numbers:
        for (xi, yi, is_badge), place_numbers in _numbers_by_place(x, y, numbers, country).items():
            # Source numbers are placed before place names: they are how a reader checks a marker.
            labels.add_label(ax, ",".join(map(str, place_numbers)), (xi, yi), rank=0,
                             positions=BELOW_BADGE if is_badge else None, color="#111111",
                             gid="snapshot-event-label")


def _draw_points(ax, events: pd.DataFrame, x: np.ndarray, y: np.ndarray, *, detailed: bool, dense: bool = False) -> None:
    if not len(events):
        return
    colors = marker_colors(events)
    approximate = np.array([is_approximate(p, u) for p, u in zip(events["location_precision"], events["uncertainty_km"])],
                           bool)
    faces = ["white" if hollow else color for hollow, color in zip(approximate, colors)]
    if detailed and not dense:
        radii = _ring_radii(events)
        ringed = np.flatnonzero(radii)
        if len(ringed):
            ax.add_collection(PatchCollection(
                [Circle((x[i], y[i]), radii[i]) for i in ringed], facecolors="none",
                edgecolors=[colors[i] for i in ringed],
                linewidths=0.8, linestyles="--", zorder=7, gid="snapshot-uncertainty"))
    # Unreviewed (machine-extracted) events get a dashed outline, as on the interactive map.
    unreviewed = (events["review_status"] == "unreviewed").to_numpy() if "review_status" in events else (
        np.zeros(len(events), bool))
    # Hundreds of markers would cover the map: then they are dots. Thousands would bury the layers: then
    # they are smaller still and drawn beneath them.
    size, width = (42, 1.6) if not dense else (DENSE_SIZE, DENSE_LINEWIDTH) if detailed else (8, 0.4)
    ax.scatter(x, y, s=size, c=faces, edgecolors=colors, linewidths=width,
               linestyles=[(0, (2, 1.2)) if flag else "solid" for flag in unreviewed],
               zorder=8 if detailed else 3.5, gid="snapshot-events")


def _numbers_by_place(x: np.ndarray, y: np.ndarray, numbers: list[list[int]],
                      badge: np.ndarray | None = None) -> dict[tuple[float, float, bool], list[int]]:
    """One label per map position: events at the same place (within ~100 m) share their source numbers."""
    places: dict[tuple[float, float, bool], set[int]] = {}
    badge = np.zeros(len(x), bool) if badge is None else badge
    for xi, yi, is_badge, event_numbers in zip(x, y, badge, numbers):
        if event_numbers:
            places.setdefault((round(float(xi), -2), round(float(yi), -2), bool(is_badge)), set()).update(event_numbers)
    return {position: sorted(found) for position, found in places.items()}
