"""The border zones that events are placed in, drawn as the bands they are.

An event placed by a phrase such as "near the Tajik–Afghan border" (placement rule 2,
geodata/README.md) sits on the border's midpoint: a point that stands for a 30 km band
along the whole border, on one side or both. Both renderers draw that band for the zones
of the events shown, with one legend line per zone ("Border zone, Tajik side: 2 events"),
so the hollow marker at the midpoint is not read as the place itself.

The band is a display copy of geodata/context/zones.geojson, simplified to about a
kilometre (the zone's edge is approximate by nature) to keep the live map's payload small.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from dashboard.layers import load_context
from dashboard.symbology import ZONE_BAND_COLOR, zone_band_style

# Degrees (~1 km) and decimals (~100 m) of the display copy; the band is 30 km wide.
DISPLAY_TOLERANCE_DEG = 0.01
DISPLAY_DECIMALS = 3
SIDE_NAMES = {("TJK",): "Tajik side", ("AFG",): "Afghan side"}


@dataclass(frozen=True)
class ZoneBand:
    zone_id: str
    name: str  # the zone's name, which is the place of the events placed in it
    side: str  # "Tajik side", "Afghan side" or "either side"
    band_km: float
    geometry: object  # shapely (multi)polygon in lon/lat, the simplified display copy
    count: int  # events shown in this zone

    @property
    def either_side(self) -> bool:
        return self.side == "either side"

    @property
    def legend_label(self) -> str:
        """'Border zone, Tajik side: 2 events' — the band, and how many events it stands for."""
        return f"Border zone, {self.side}: {self.count} event{'s' if self.count != 1 else ''}"


@lru_cache(maxsize=1)
def _zone_shapes() -> dict[str, tuple[str, str, float, object]]:
    """Zone name -> (id, side, band km, simplified geometry), read once per process."""
    shapes = {}
    for feature in load_context("zones")["features"]:
        props = feature["properties"]
        geometry = shapely.simplify(shape(feature["geometry"]), DISPLAY_TOLERANCE_DEG, preserve_topology=True)
        geometry = shapely.transform(geometry, lambda xy: xy.round(DISPLAY_DECIMALS))
        side = SIDE_NAMES.get(tuple(props["sides"]), "either side")
        shapes[props["name"]] = (props["id"], side, float(props["band_km"]), geometry)
    return shapes


def zone_bands(events: pd.DataFrame) -> list[ZoneBand]:
    """The zones the ``events`` are placed in (by their place name), with their counts, in the file's order."""
    if not len(events) or "place" not in events:
        return []
    counts = events["place"].value_counts()
    return [ZoneBand(zone_id, name, side, band_km, geometry, int(counts[name]))
            for name, (zone_id, side, band_km, geometry) in _zone_shapes().items() if name in counts.index]


def zone_of(place: str | None) -> ZoneBand | None:
    """The zone an event's place names (count 0), or None for an ordinary place."""
    found = _zone_shapes().get(place) if isinstance(place, str) else None
    if found is None:
        return None
    zone_id, side, band_km, geometry = found
    return ZoneBand(zone_id, place, side, band_km, geometry, 0)


def is_zone_placed(events: pd.DataFrame) -> pd.Series:
    """True for events placed in a border zone (their point is the border's midpoint)."""
    if not len(events) or "place" not in events:
        return pd.Series(False, index=events.index)
    return events["place"].isin(list(_zone_shapes()))


def leaflet_style(band: ZoneBand) -> dict:
    opacity, dashed = zone_band_style(band.either_side)
    return {"color": ZONE_BAND_COLOR, "weight": 1, "dashArray": "4 4" if dashed else None,
            "fillColor": ZONE_BAND_COLOR, "fillOpacity": opacity, "className": "zone-band"}


def bands_geojson(bands: list[ZoneBand]) -> str:
    """The bands as compact GeoJSON with their Leaflet style (the names go in as legend text, not here)."""
    features = [{"type": "Feature", "properties": {"zone": band.zone_id, "style": leaflet_style(band)},
                 "geometry": mapping(band.geometry)} for band in bands]
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
