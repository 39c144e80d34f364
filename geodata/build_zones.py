"""Build geodata/context/zones.geojson: the named zones along the Tajik–Afghan border.

    python geodata/build_zones.py [--out geodata/context/zones.geojson] [--check]

Texts often place an event on a line rather than at a place: "near the Tajik–Afghan
border", "the Afghan side of the border", "its northern border". The placement rules
(dashboard/placement.py, geodata/README.md) turn such a phrase into one of these zones.

Each zone is a band of ``BAND_KM`` on one side of the border (or both), clipped to the
country it lies in. Its representative point is the border's midpoint by length, on the
line itself, because the text says "the border" and not which part of it; its uncertainty
is the distance from that point to the farthest corner of the zone, rounded up to 10 km.

Inputs are committed files only (the border layer and the Natural Earth countries), so the
build runs anywhere and ``tests/test_placement.py`` rebuilds it and compares byte for byte.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.cli import Parser, output_file, run  # noqa: E402
from dashboard.files import write_atomically  # noqa: E402
from dashboard.geo import GEOD, _FROM_UTM, to_utm  # noqa: E402

BORDER_PATH = ROOT / "geodata" / "layers" / "tajik_afghan_border.geojson"
COUNTRIES_PATH = ROOT / "geodata" / "context" / "countries.geojson"
OUT_PATH = ROOT / "geodata" / "context" / "zones.geojson"

BAND_KM = 30.0  # "near the border": Kharb-Maydon, 15–20 km from the line, is reported as "near" it
DECIMALS = 4  # about 10 m; the zones are approximate by nature
SIMPLIFY_M = 200.0

# (id, name, aliases, country of the event, sides it covers, description)
ZONES: tuple[tuple[str, str, list[str], str, tuple[str, ...], str], ...] = (
    ("tajik_afghan_border_tjk_side", "Tajik–Afghan border, Tajik side",
     ["near the Tajik-Afghan border, Tajik side"], "TJK", ("TJK",),
     "Tajikistan within 30 km of its border with Afghanistan."),
    ("tajik_afghan_border_afg_side", "Tajik–Afghan border, Afghan side",
     ["near the Tajik-Afghan border, Afghan side"], "AFG", ("AFG",),
     "Afghanistan within 30 km of its border with Tajikistan (part of Afghanistan's northern border)."),
    ("tajik_afghan_border_either_side", "Tajik–Afghan border (either side)",
     ["near the Tajik-Afghan border"], "TJK", ("TJK", "AFG"),
     "Both countries within 30 km of the border, for texts that do not say which side. Listed under "
     "Tajikistan (the border layer is Tajikistan's boundary); the event may be on either side."),
)


def _to_lonlat(geometry):
    return shapely.transform(geometry, lambda xy: np.column_stack(_FROM_UTM.transform(xy[:, 0], xy[:, 1])))


def _round(geometry, decimals: int = DECIMALS):
    return shapely.transform(geometry, lambda xy: xy.round(decimals))


def border_midpoint(border) -> shapely.Point:
    """The point halfway along the border (by length), on the line."""
    border_utm = to_utm(border)
    return _to_lonlat(border_utm.interpolate(0.5, normalized=True))


def farthest_km(point: shapely.Point, polygon) -> float:
    """Geodesic distance from ``point`` to the zone's farthest vertex."""
    coords = shapely.get_coordinates(polygon)
    _az1, _az2, metres = GEOD.inv(np.full(len(coords), point.x), np.full(len(coords), point.y),
                                  coords[:, 0], coords[:, 1])
    return float(np.max(metres)) / 1000.0


def build_zones(border_path: Path = BORDER_PATH, countries_path: Path = COUNTRIES_PATH) -> dict:
    border_feature = json.loads(Path(border_path).read_text(encoding="utf-8"))["features"][0]
    border = shape(border_feature["geometry"])
    countries = {f["properties"]["iso_a3"]: shape(f["geometry"])
                 for f in json.loads(Path(countries_path).read_text(encoding="utf-8"))["features"]}
    band = _to_lonlat(to_utm(border).buffer(BAND_KM * 1000.0).simplify(SIMPLIFY_M))
    point = _round(border_midpoint(border), 6)
    features = []
    for zone_id, name, aliases, country, sides, description in ZONES:
        polygon = _round(band.intersection(shapely.union_all([countries[side] for side in sides])))
        polygon = shapely.make_valid(polygon)
        uncertainty = math.ceil(farthest_km(point, polygon) / 10.0) * 10.0
        features.append({
            "type": "Feature",
            "properties": {
                "id": zone_id,
                "name": name,
                "aliases": aliases,
                "country": country,
                "kind": "zone",
                "sides": list(sides),
                "band_km": BAND_KM,
                "uncertainty_km": uncertainty,
                "point": [point.x, point.y],
                "description": description + " The point is the border's midpoint by length; the uncertainty "
                               "is the distance from it to the zone's farthest corner.",
                "source": "Derived: the Tajik–Afghan border layer (geoBoundaries TJK ADM0, OpenStreetMap) buffered "
                          f"{BAND_KM:g} km, clipped to Natural Earth 1:50m countries ({', '.join(sides)})",
                "license": "ODbL-1.0 (© OpenStreetMap contributors); Natural Earth public domain",
                "attribution": "© OpenStreetMap contributors, geoBoundaries; Natural Earth",
            },
            "geometry": mapping(polygon),
        })
    return {"type": "FeatureCollection", "features": features}


def render(collection: dict) -> str:
    lines = [json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in collection["features"]]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m geodata.build_zones", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_PATH,
                        help="geodata/context/zones.geojson (the default) or a file outside the project")
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    return run("build_zones", lambda: _build(parser.parse_args(argv)))


def _build(args) -> int:
    if not args.check:
        output_file(args.out, allowed=[OUT_PATH])
    text = render(build_zones())
    if args.check:
        if not args.out.is_file() or args.out.read_text(encoding="utf-8") != text:
            print(f"error: {args.out} is out of date; run python geodata/build_zones.py", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date")
        return 0
    write_atomically(args.out, text)
    for item in json.loads(text)["features"]:
        props = item["properties"]
        print(f"{props['id']}: point {props['point']}, ±{props['uncertainty_km']:g} km")
    print(f"wrote {args.out} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
