"""Build every committed layer in geodata/layers and geodata/context from the public sources.

    python -m geodata.build_layers [--sources ../shared/geodata-sources] [--out geodata]

The sources (Natural Earth, geoBoundaries/OpenStreetMap, GeoNames, and the cited notes
on military sites) are described in their PROVENANCE.md and are not committed. This
script is deterministic: the same sources give byte-identical files, which a test checks.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.cli import CliError, Parser, input_dir, output_dir, run  # noqa: E402
from dashboard.files import write_atomically  # noqa: E402
from dashboard.geo import distances_to_line_km, geodesic_area_km2, geodesic_length_km, to_utm  # noqa: E402
from dashboard.inputs import InputError, load_json  # noqa: E402

DEFAULT_SOURCES = ROOT.parent / "shared" / "geodata-sources"

OSM_GB = "© OpenStreetMap contributors, geoBoundaries"
ODBL = "ODbL-1.0 (© OpenStreetMap contributors); geoBoundaries derivative CC BY 4.0"
NATURAL_EARTH = "Natural Earth"
PUBLIC_DOMAIN = "Public domain (Natural Earth)"
GEONAMES = "GeoNames (geonames.org)"
CC_BY = "CC BY 4.0"
# Context-layer display: about 100 m, invisible at the zooms the basemap is drawn at.
CONTEXT_DECIMALS = 4
# Region shown on the basemap: Central Asia and the places the articles mention.
CONTEXT_BBOX = (25.0, 10.0, 125.0, 70.0)
RIVER_BBOX = (60.0, 32.0, 78.0, 42.0)


def read_geojson(path: Path) -> dict:
    return load_json(path)


def _round_coords(geometry, decimals: int):
    return shapely.transform(geometry, lambda xy: xy.round(decimals))


def feature(geometry, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": mapping(geometry)}


def write_collection(path: Path, features: list[dict], decimals: int = 6) -> None:
    """One feature per line: small diffs and a stable byte layout."""
    for item in features:
        item["geometry"] = mapping(_round_coords(shape(item["geometry"]), decimals))
    lines = [json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in features]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n")


# --- layers -------------------------------------------------------------------------


def build_border(src: Path):
    collection = read_geojson(src / "afg_tjk_border_osm_geoboundaries.geojson")
    line = shape(collection["features"][0]["geometry"])
    length = geodesic_length_km(line)
    props = dict(
        name="Tajikistan–Afghanistan border",
        description=(
            "International boundary between Tajikistan and Afghanistan, from the tripoint with "
            "Uzbekistan (west) to the tripoint with China (east); most of it follows the Panj "
            "and Amu Darya rivers. Extracted from the geoBoundaries TJK ADM0 polygon "
            "(OpenStreetMap, Wambacher, boundaryYear 2017, build 2023-12-12)."
        ),
        source="geoBoundaries gbOpen TJK ADM0 (OpenStreetMap via Wambacher)",
        license=ODBL,
        attribution=OSM_GB,
        length_km=round(length, 1),
    )
    return line, [feature(line, **props)]


def build_panjshir(src: Path):
    collection = read_geojson(src / "afg_adm1_geoboundaries.geojson")
    [polygon] = [shape(f["geometry"]) for f in collection["features"] if f["properties"]["shapeName"] == "Panjshir"]
    props = dict(
        name="Panjshir province",
        description=(
            "Panjshir (Panjsher) province of Afghanistan, capital Bazarak. Held by the National "
            "Resistance Front until September 2021. Polygon from geoBoundaries gbOpen AFG ADM1 "
            "(source Wikimedia, boundaryYear 2007; coarse, 71 vertices). Chosen over the more "
            "detailed OCHA/AGCHO 2018 polygon (3,732 km²) because that one is licensed 'strictly "
            "for humanitarian purposes', which does not allow redistribution in an open-source project."
        ),
        source="geoBoundaries gbOpen AFG ADM1",
        license="Public domain (geoBoundaries); please credit geoBoundaries",
        attribution="geoBoundaries",
        iso_3166_2="AF-PAN",
        area_km2=round(geodesic_area_km2(polygon), 1),
        official_area_km2=3610,
    )
    return [feature(polygon, **props)]


def _military_sites(src: Path) -> dict[str, dict]:
    with open(src / "military_sites_2021.csv", encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def build_kharb_maydon(src: Path, border_utm):
    site = _military_sites(src)["kharb_maydon"]
    point = shapely.Point(float(site["lon"]), float(site["lat"]))
    [distance] = distances_to_line_km([point.x], [point.y], border_utm)
    zones = read_geojson(src / "kharb_maydon_candidate_zone.geojson")["features"]
    evidence = (
        "No published coordinate exists. TASS (2021-08-10): 'Kharb-Maidon range located 20 kilometers "
        "from the border with Afghanistan'; Asia-Plus (2021-07-21): 'at the Tajik-Afghan border in the "
        "southern province of Khatlon'; InfoSHOS via crss.uz (2018): 'about 15 kilometres from the border'."
    )
    point_props = dict(
        name="Kharb-Maydon training range (approximate)",
        description=(
            "Tajik Ministry of Defence range in Khatlon region used for Russian, Tajik, Uzbek and CSTO "
            "drills, including the August 2021 exercises near the Afghan border. The point is an "
            "ESTIMATE for display, not a surveyed position: the centroid of the candidate zone's "
            "south-western sector, moved to 20 km from the border. " + evidence
        ),
        source="Estimated from geoBoundaries TJK ADM1 (Khatlon) and the OSM border line; cited news reports",
        license=ODBL,
        attribution=OSM_GB,
        aliases="Kharb-Maidon; Harb-Maidon; Harbmaidon; Kharbmaidon; Харбмайдон",
        uncertainty_km=float(site["uncertainty_km"].split()[0].lstrip("~")),
        uncertainty_note="about 75 km; up to about 155 km if the range lies in eastern Khatlon",
        distance_to_border_km=round(float(distance), 1),
        kind="estimated_point",
    )
    features = [feature(point, **point_props)]
    for zone, kind in zip(zones, ("candidate_zone", "candidate_zone_preferred")):
        polygon = shape(zone["geometry"])
        features.append(
            feature(
                polygon,
                name=zone["properties"]["name"],
                description=zone["properties"]["basis"],
                source="Derived: geoBoundaries TJK ADM1 (Khatlon) ∩ 15–20 km band from the OSM border line",
                license=ODBL,
                attribution=OSM_GB,
                area_km2=round(geodesic_area_km2(polygon), 1),
                kind=kind,
            )
        )
    return features


def build_base_201(src: Path, border_utm):
    sites = _military_sites(src)
    rows = [
        ("rvb201_dushanbe", "active", "Headquarters garrison of the 201st base in Dushanbe."),
        ("rvb201_bokhtar", "active", "Garrison of the 201st base in Bokhtar (Qurghonteppa, Kurgan-Tyube)."),
        ("rvb201_kulob_former", "former", "FORMER site: the 149th motor-rifle regiment left Kulob in Dec 2015; not active in 2021."),
    ]
    features = []
    for site_id, status, description in rows:
        site = sites[site_id]
        point = shapely.Point(float(site["lon"]), float(site["lat"]))
        [distance] = distances_to_line_km([point.x], [point.y], border_utm)
        features.append(
            feature(
                point,
                name=site["name"],
                description=f"{description} Position: {site['coord_basis']}",
                source="GeoNames city point (geonames.org); status from cited news reports (TASS 2021, RIA 2015)",
                license=CC_BY,
                attribution=GEONAMES,
                site_id=site_id,
                status=status,
                uncertainty_km=float(site["uncertainty_km"]),
                distance_to_border_km=round(float(distance), 1),
                status_sources=site["sources"],
            )
        )
    return features


# --- context ------------------------------------------------------------------------


def build_countries(src: Path):
    detail = {f["properties"]["ADM0_A3"]: f["properties"] for f in read_geojson(
        src / "ne_10m_admin_0_countries_clip_40-80E_23-60N.geojson")["features"]}
    features = []
    for item in read_geojson(src / "ne_50m_admin_0_countries_clip_25-125E_10-70N.geojson")["features"]:
        props = item["properties"]
        geometry = shape(item["geometry"]).buffer(0)
        code = props["ADM0_A3"]
        if code in detail:
            label = shapely.Point(detail[code]["LABEL_X"], detail[code]["LABEL_Y"])
        else:
            label = geometry.representative_point()
        features.append(
            feature(
                geometry,
                name=props["NAME"],
                iso_a3=props["ISO_A3"] if props["ISO_A3"] != "-99" else code,
                adm0_a3=code,
                label_x=round(label.x, 4),
                label_y=round(label.y, 4),
                source="Natural Earth 1:50m admin-0 countries (clipped 25–125 E, 10–70 N)",
                license=PUBLIC_DOMAIN,
                attribution=NATURAL_EARTH,
            )
        )
    features.sort(key=lambda f: f["properties"]["adm0_a3"])
    return features


def build_rivers(src: Path):
    box = shapely.box(*RIVER_BBOX)
    features = []
    for item in read_geojson(src / "ne_10m_rivers_lake_centerlines_clip_40-80E_23-60N.geojson")["features"]:
        geometry = shape(item["geometry"]).intersection(box)
        if geometry.is_empty or item["properties"]["featurecla"] != "River":
            continue
        name = " ".join((item["properties"]["name"] or "").split())
        features.append(
            feature(
                geometry,
                name=name,
                source="Natural Earth 1:10m rivers and lake centerlines",
                license=PUBLIC_DOMAIN,
                attribution=NATURAL_EARTH,
            )
        )
    features.sort(key=lambda f: (f["properties"]["name"], f["geometry"]["coordinates"][0][0]
                                 if f["geometry"]["type"] == "LineString" else 0))
    return features


def _lookup_place(lookup: str, src: Path, layers: dict, countries: list[dict]):
    """Return (point, source, license, attribution) for a gazetteer lookup key; see geodata/README.md."""
    kind, _, key = lookup.partition(":")
    if kind == "geonames":
        with open(src / "gazetteer_key_places.csv", encoding="utf-8", newline="") as handle:
            [row] = [r for r in csv.DictReader(handle) if r["geonameid"] == key]
        return shapely.Point(float(row["lon"]), float(row["lat"])), f"GeoNames {key}", CC_BY, GEONAMES
    if kind == "ne":
        name, _, country = key.partition(":")
        [item] = [f for f in read_geojson(src / "ne_10m_populated_places_clip_25-125E_10-70N.geojson")["features"]
                  if f["properties"]["NAME"] == name and f["properties"]["ADM0_A3"] == country]
        return shape(item["geometry"]), "Natural Earth 10m populated places", PUBLIC_DOMAIN, NATURAL_EARTH
    if kind == "country":
        [props] = [f["properties"] for f in countries if f["properties"]["iso_a3"] == key]
        return (shapely.Point(props["label_x"], props["label_y"]), "Natural Earth country label point", PUBLIC_DOMAIN,
                NATURAL_EARTH)
    if kind == "layer":
        geometry = shape(layers[key][0]["geometry"])
        point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
        props = layers[key][0]["properties"]
        return point, props["source"], props["license"], props["attribution"]
    if kind == "adm1":
        [item] = [f for f in read_geojson(src / "geoBoundaries-TJK-ADM1.geojson")["features"]
                  if f["properties"]["shapeName"].startswith(key)]
        return shape(item["geometry"]).representative_point(), "geoBoundaries TJK ADM1 representative point", ODBL, OSM_GB
    raise ValueError(f"gazetteer: unknown lookup {lookup!r}")


def build_places(src: Path, gazetteer: Path, layers: dict, countries: list[dict], border_utm):
    features = []
    with open(gazetteer, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            point, source, license_, attribution = _lookup_place(row["lookup"], src, layers, countries)
            point = _round_coords(point, 6)
            [distance] = distances_to_line_km([point.x], [point.y], border_utm)
            features.append(
                feature(
                    point,
                    name=row["name"],
                    aliases=[a.strip() for a in row["aliases"].split(";") if a.strip()],
                    country=row["country"],
                    kind=row["kind"],
                    uncertainty_km=float(row["uncertainty_km"]),
                    lookup=row["lookup"],
                    distance_to_border_km=round(float(distance), 1),
                    source=source,
                    license=license_,
                    attribution=attribution,
                )
            )
    return features


def build_all(src: Path, out: Path) -> list[Path]:
    """Write every layer and context file; return the paths written."""
    border_line, border = build_border(src)
    border_utm = to_utm(border_line)
    layers = {
        "tajik_afghan_border": border,
        "panjshir": build_panjshir(src),
        "kharb_maydon": build_kharb_maydon(src, border_utm),
        "base_201": build_base_201(src, border_utm),
    }
    countries = build_countries(src)
    context = {
        "countries": countries,
        "rivers": build_rivers(src),
        "places": build_places(src, out / "gazetteer.csv", layers, countries, border_utm),
    }
    written = []
    for name, features in layers.items():
        write_collection(out / "layers" / f"{name}.geojson", features)
        written.append(out / "layers" / f"{name}.geojson")
    for name, features in context.items():
        decimals = 6 if name == "places" else CONTEXT_DECIMALS
        write_collection(out / "context" / f"{name}.geojson", features, decimals)
        written.append(out / "context" / f"{name}.geojson")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m geodata.build_layers", description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=input_dir, default=DEFAULT_SOURCES, help="the source folder")
    parser.add_argument("--out", type=Path, default=ROOT / "geodata",
                        help="geodata/ (the default) or a folder outside the project holding gazetteer.csv; "
                             "layers/ and context/ are written inside it")
    return run("build_layers", lambda: _build(parser.parse_args(argv)), known=(InputError,))


def _build(args) -> int:
    """Check the output folders before building; every file is written atomically."""
    geodata = ROOT / "geodata"
    allowed = [geodata / "layers", geodata / "context"] if args.out.resolve() == geodata else []
    output_dir(args.out, allowed=[geodata] if allowed else [])
    for folder in ("layers", "context"):
        output_dir(args.out / folder, allowed=allowed, create=True)
    if not (args.out / "gazetteer.csv").is_file():
        raise CliError(f"{args.out / 'gazetteer.csv'}: cannot read: no such file (the places are built from it)")
    for path in build_all(args.sources, args.out):
        print(f"wrote {path.relative_to(args.out)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
