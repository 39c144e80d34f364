"""How events and layers look, in one place, for the live map and the snapshots alike.

Both renderers (``mapping`` for Leaflet, ``export`` for matplotlib) and the card text
(``formatting``) read their colours, ring rules, the "approximate" rule, the country
badge rule and the default extent from here, so a printed figure reads like the screen.
"""

from __future__ import annotations

import math
from functools import lru_cache

from dashboard.events import CATEGORIES

CATEGORY_COLORS: dict[str, str] = dict(zip(CATEGORIES, [
    "#e6550d",  # military_exercise
    "#843c39",  # deployment
    "#d6616b",  # military_aid
    "#3182bd",  # diplomacy
    "#6baed6",  # statement
    "#a50f15",  # armed_conflict
    "#000000",  # attack
    "#31a354",  # territorial_control
    "#756bb1",  # legal_designation
    "#9e9ac8",  # political
    "#bcbd22",  # economy
    "#17becf",  # humanitarian
    "#7f7f7f",  # other
]))
OTHER_COLOR = CATEGORY_COLORS["other"]

# Imported datasets and cluster bubbles must never be mistaken for a category: each of these
# is at least MIN_PALETTE_DISTANCE (CIEDE2000) from every category colour and from each other
# (tests/test_symbology.py checks it).
IMPORT_COLORS = ["#ff00cc", "#00e08a", "#5c3a00", "#0a1f8f", "#005544"]
CLUSTER_FILL = "#ffffff"  # cluster bubbles: white with a dark-magenta ring and number
CLUSTER_COLOR = "#4a0a3f"
MIN_PALETTE_DISTANCE = 15.0

# Border zones (placement rule 2): the band an event placed "near the border" stands for, as a light
# tint under everything else; its marker stays hollow at the border's midpoint (dashboard/zone_bands.py).
# A zone on one side is a filled tint; "either side" (both countries) is fainter with a dashed edge, so
# where it overlaps a one-sided band the two still read apart.
ZONE_BAND_COLOR = "#b8860b"


def zone_band_style(either_side: bool) -> tuple[float, bool]:
    """(fill opacity, dashed outline) of a border-zone band."""
    return (0.08, True) if either_side else (0.16, False)

# Places given only as a country are drawn as one badge per country ("Russia · 9"),
# never as a point with a ring the size of the country.
COUNTRY_LEVEL = "country"
BADGE_COLOR = "#333333"
# Hollow markers: the place is approximate (a province or region, or an uncertainty this wide).
APPROXIMATE_PRECISIONS = ("province", "region", "country")
APPROXIMATE_FROM_KM = 25.0
# Dashed uncertainty rings: drawn between these radii; smaller is noise, wider would cover
# whole countries and hide the map (a selected event shows its ring up to the wider limit).
MIN_RING_KM = 5.0
MAX_RING_KM = 250.0
MAX_SELECTED_RING_KM = 800.0

# The region of interest both renderers open on: the Tajik–Afghan border, Panjshir,
# Kabul, the 201st base sites and Kharb-Maydon (computed from the layer files).
ROI_PLACES = ("Kabul",)
ROI_MARGIN_DEG = 0.35


def category_color(category: str) -> str:
    return CATEGORY_COLORS.get(category, OTHER_COLOR)


# An imported row drawn in a picture carries its dataset's colour in this column.
IMPORT_COLOR_COLUMN = "_import_color"


def marker_colors(events) -> list[str]:
    """Each row's marker colour: its category's for the articles' events, its dataset's for imported rows.

    The live map gives an imported layer its dataset's colour (``import_color``); the pictures
    (main frame and overview inset) read it from ``IMPORT_COLOR_COLUMN``.
    """
    dataset = events[IMPORT_COLOR_COLUMN] if IMPORT_COLOR_COLUMN in events else [None] * len(events)
    return [color if isinstance(color, str) else category_color(category)
            for color, category in zip(dataset, events["category"])]


def import_color(index: int) -> str:
    """The colour of the index-th imported dataset (colours repeat after the palette's length)."""
    return IMPORT_COLORS[index % len(IMPORT_COLORS)]


def is_country_level(precision: str | None) -> bool:
    return precision == COUNTRY_LEVEL


def is_approximate(precision: str | None, uncertainty_km: float | None) -> bool:
    """Drawn hollow and called "approximate" in the card: not placed to a city or a site."""
    km = float(uncertainty_km or 0)
    return precision in APPROXIMATE_PRECISIONS or km >= APPROXIMATE_FROM_KM


def ring_km(precision: str | None, uncertainty_km: float | None, *, selected: bool = False, zone: bool = False) -> float:
    """The radius of the dashed uncertainty ring in km, 0 for none (sites and countries have none, and an event
    placed in a border ``zone`` has its zone's band drawn instead: a circle around the border's midpoint
    would claim a place the text never gave)."""
    km = float(uncertainty_km or 0)
    if zone or precision in ("site", COUNTRY_LEVEL) or km < MIN_RING_KM:
        return 0.0
    return km if km <= (MAX_SELECTED_RING_KM if selected else MAX_RING_KM) else 0.0


@lru_cache(maxsize=1)
def region_of_interest() -> tuple[float, float, float, float]:
    """(minlon, minlat, maxlon, maxlat) around the layers and Kabul, with a small margin."""
    import shapely  # noqa: PLC0415 - only needed once
    from shapely.geometry import shape  # noqa: PLC0415

    from dashboard.layers import LAYERS, load_context, load_layer  # noqa: PLC0415

    geometries = [shape(f["geometry"]) for layer_id in LAYERS for f in load_layer(layer_id)["features"]]
    geometries += [shape(f["geometry"]) for f in load_context("places")["features"]
                   if f["properties"]["name"] in ROI_PLACES]
    minlon, minlat, maxlon, maxlat = shapely.GeometryCollection(geometries).bounds
    m = ROI_MARGIN_DEG
    return (round(minlon - m, 2), round(minlat - m, 2), round(maxlon + m, 2), round(maxlat + m, 2))


@lru_cache(maxsize=1)
def country_label_points() -> dict[str, tuple[str, float, float]]:
    """ISO3 code -> (country name, lon, lat) of the country's label point (Natural Earth)."""
    from dashboard.layers import load_context  # noqa: PLC0415

    points = {}
    for feature in load_context("countries")["features"]:
        props = feature["properties"]
        points[props["iso_a3"]] = (props["name"], float(props["label_x"]), float(props["label_y"]))
    return points


def country_badge_groups(events) -> list[tuple[str, str, float, float, object]]:
    """Country-level events grouped by country: (iso3, name, lon, lat of the country's label, events by date).

    Both renderers draw one badge per group at that point ("Russia · 9").
    """
    labels = country_label_points()
    groups = []
    ordered = events.sort_values(["country", "date_start", "id"])
    countries = ordered["country"].to_numpy()
    for iso in dict.fromkeys(countries):  # sorted by country already
        frame = ordered[countries == iso]
        name, lon, lat = labels.get(iso, (iso, float(frame["lon"].mean()), float(frame["lat"].mean())))
        groups.append((iso, name, lon, lat, frame))
    return groups


# --- colour distance (CIEDE2000), for the palette tests and anyone adding a colour ----------

def _lab(hex_color: str) -> tuple[float, float, float]:
    rgb = [int(hex_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def color_distance(a: str, b: str) -> float:
    """CIEDE2000 colour difference of two '#rrggbb' colours (about 2: just noticeable; >10: distinct)."""
    l1, a1, b1 = _lab(a)
    l2, a2, b2 = _lab(b)
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    c_mean = (c1 + c2) / 2
    g = 0.5 * (1 - math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dlp, dcp = l2 - l1, c2p - c1p
    dhp = 0.0
    if c1p * c2p:
        dhp = h2p - h1p
        dhp = dhp - 360 if dhp > 180 else dhp + 360 if dhp < -180 else dhp
    dhp_big = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))
    lp_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_mean = (h1p + h2p) / 2
    else:
        hp_mean = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hp_mean - 30)) + 0.24 * math.cos(math.radians(2 * hp_mean))
         + 0.32 * math.cos(math.radians(3 * hp_mean + 6)) - 0.20 * math.cos(math.radians(4 * hp_mean - 63)))
    d_theta = 30 * math.exp(-(((hp_mean - 275) / 25) ** 2))
    rc = 2 * math.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25 ** 7))
    sl = 1 + 0.015 * (lp_mean - 50) ** 2 / math.sqrt(20 + (lp_mean - 50) ** 2)
    sc = 1 + 0.045 * cp_mean
    sh = 1 + 0.015 * cp_mean * t
    rt = -math.sin(math.radians(2 * d_theta)) * rc
    return math.sqrt((dlp / sl) ** 2 + (dcp / sc) ** 2 + (dhp_big / sh) ** 2 + rt * (dcp / sc) * (dhp_big / sh))
