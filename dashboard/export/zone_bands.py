"""The border zones of the events in the frame, drawn as tinted bands (as on the live map).

See dashboard/zone_bands.py: an event placed "near the border" stands for a 30 km band
along it, on one side or both; the band is drawn beneath everything but the land, and the
legend gives each zone a line with its number of events.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import matplotlib
from matplotlib.patches import Patch

from dashboard.symbology import ZONE_BAND_COLOR, zone_band_style
from dashboard.zone_bands import ZoneBand

ZONE_BAND_ZORDER = 1.5  # above the land (1), beneath rivers (2), layers and markers


@lru_cache(maxsize=8)
def _mercator(band_geometry) -> gpd.GeoSeries:
    return gpd.GeoSeries([band_geometry], crs="EPSG:4326").to_crs("EPSG:3857")


def draw_zone_bands(ax, bands: list[ZoneBand]) -> None:
    for band in bands:
        opacity, dashed = zone_band_style(band.either_side)
        _mercator(band.geometry).plot(
            ax=ax, facecolor=matplotlib.colors.to_rgba(ZONE_BAND_COLOR, opacity), edgecolor=ZONE_BAND_COLOR,
            linewidth=0.7, linestyle="--" if dashed else "-", zorder=ZONE_BAND_ZORDER, aspect=None)
        ax.collections[-1].set_gid(f"snapshot-zone-{band.zone_id}")


def zone_legend_handles(bands: list[ZoneBand]) -> list[Patch]:
    """One legend line per zone drawn: 'Border zone, Tajik side: 2 events'."""
    handles = []
    for band in bands:
        opacity, dashed = zone_band_style(band.either_side)
        handles.append(Patch(facecolor=matplotlib.colors.to_rgba(ZONE_BAND_COLOR, opacity), edgecolor=ZONE_BAND_COLOR,
                             linewidth=0.7, linestyle="--" if dashed else "-", label=band.legend_label))
    return handles
