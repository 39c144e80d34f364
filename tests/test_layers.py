"""The committed layers: valid, measured as documented, and reproducible from their sources."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import shape

from dashboard.data import border_utm
from dashboard.geo import distances_to_line_km, geodesic_area_km2, geodesic_length_km
from dashboard.layers import CONTEXT_DIR, LAYERS, LAYERS_DIR, layer_path, load_layer, validate_geojson_file, validate_layers

ROOT = Path(__file__).resolve().parent.parent


def test_every_layer_and_context_file_is_valid():
    assert validate_layers() == []


@pytest.mark.parametrize("layer_id", list(LAYERS))
def test_layers_are_rfc7946_with_required_properties(layer_id):
    collection = json.loads(layer_path(layer_id).read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    for item in collection["features"]:
        for key in ("name", "description", "source", "license"):
            assert item["properties"][key].strip(), (layer_id, key)


def test_border_length_is_within_published_figures():
    line = shape(load_layer("border")["features"][0]["geometry"])
    length = geodesic_length_km(line)
    assert 1250 <= length <= 1450
    assert load_layer("border")["features"][0]["properties"]["length_km"] == pytest.approx(length, abs=0.1)


def test_border_is_not_simplified():
    line = shape(load_layer("border")["features"][0]["geometry"])
    assert len(line.coords) > 5000  # the OSM-quality line, 5,931 vertices


def test_panjshir_area_is_close_to_the_official_figure():
    polygon = shape(load_layer("panjshir")["features"][0]["geometry"])
    area = geodesic_area_km2(polygon)
    assert abs(area - 3610) / 3610 <= 0.15


def test_kharb_maydon_point_is_as_far_from_the_border_as_reported():
    point = next(f for f in load_layer("kharb_maydon")["features"] if f["geometry"]["type"] == "Point")
    lon, lat = point["geometry"]["coordinates"]
    [distance] = distances_to_line_km([lon], [lat], border_utm())
    assert 15 <= distance <= 20.5  # sources say 15 km (InfoSHOS) and 20 km (TASS)
    assert point["properties"]["uncertainty_km"] >= distance  # the range may even touch the border
    assert "ESTIMATE" in point["properties"]["description"]


def _tajikistan():
    countries = gpd.read_file(CONTEXT_DIR / "countries.geojson")
    return countries.loc[countries["iso_a3"] == "TJK", "geometry"].iloc[0]


def test_201st_sites_are_in_tajikistan_with_their_2021_status():
    features = load_layer("base_201")["features"]
    tajikistan = _tajikistan()
    assert all(tajikistan.contains(shape(f["geometry"])) for f in features)
    status = {f["properties"]["site_id"]: f["properties"]["status"] for f in features}
    assert status == {"rvb201_dushanbe": "active", "rvb201_bokhtar": "active", "rvb201_kulob_former": "former"}


def test_kharb_maydon_lies_in_tajikistan():
    point = next(f for f in load_layer("kharb_maydon")["features"] if f["geometry"]["type"] == "Point")
    assert _tajikistan().contains(shape(point["geometry"]))


def test_gazetteer_places_lie_in_their_country():
    places = gpd.read_file(CONTEXT_DIR / "places.geojson")
    countries = gpd.read_file(CONTEXT_DIR / "countries.geojson")[["iso_a3", "geometry"]]
    joined = places.sjoin(countries, how="left", predicate="within")
    wrong = joined.loc[joined["country"] != joined["iso_a3"], ["name", "country", "iso_a3"]]
    assert wrong.empty, wrong.to_string()


def test_bokhtar_is_findable_by_its_former_names():
    places = json.loads((CONTEXT_DIR / "places.geojson").read_text(encoding="utf-8"))["features"]
    bokhtar = next(p for p in places if p["properties"]["name"] == "Bokhtar")
    assert {"Qurghonteppa", "Kurgan-Tyube"} <= set(bokhtar["properties"]["aliases"])


def test_validation_names_file_feature_and_problem(tmp_path):
    bad = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
        "features": [
            {"type": "Feature", "properties": {"name": "bow tie", "source": "s", "license": "l"},
             "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}},
            {"type": "Feature", "properties": {"name": "far", "description": "d", "source": "s", "license": "l"},
             "geometry": {"type": "Point", "coordinates": [7654321.0, 4000000.1234567]}},
        ],
    }
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(bad), encoding="utf-8")
    problems = "\n".join(validate_geojson_file(path, needs_uncertainty=True))
    assert "crs" in problems
    assert "bad.geojson: feature 0 (bow tie): property 'description' is missing" in problems
    assert "feature 0 (bow tie): invalid geometry: Self-intersection" in problems
    assert "feature 1 (far): coordinates are not WGS84" in problems
    assert "feature 1 (far): coordinates have more than 6 decimals" in problems
    assert "feature 1 (far): approximate point without a numeric 'uncertainty_km'" in problems


def test_validation_reports_unreadable_json(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{not json", encoding="utf-8")
    [problem] = validate_geojson_file(path)
    assert problem.startswith(f"{path}: cannot read")


def test_build_script_reproduces_the_committed_layers(tmp_path, shared_dir):
    sources = shared_dir / "geodata-sources"
    if not sources.is_dir():
        pytest.skip(f"source data not present at {sources}")
    (tmp_path / "gazetteer.csv").write_bytes((ROOT / "geodata" / "gazetteer.csv").read_bytes())
    subprocess.run([sys.executable, str(ROOT / "geodata" / "build_layers.py"), "--sources", str(sources),
                    "--out", str(tmp_path)], check=True, capture_output=True)
    # zones.geojson is built from these files by geodata/build_zones.py (tests/test_placement.py).
    committed = sorted(LAYERS_DIR.glob("*.geojson")) + sorted(p for p in CONTEXT_DIR.glob("*.geojson")
                                                              if p.name != "zones.geojson")
    assert len(committed) == 7
    for path in committed:
        rebuilt = tmp_path / path.parent.name / path.name
        assert rebuilt.read_bytes() == path.read_bytes(), f"{path.name} differs from the build script's output"


def test_build_script_refuses_a_missing_source_folder(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "geodata" / "build_layers.py"), "--sources",
                             str(tmp_path / "nowhere"), "--out", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "no such folder" in result.stderr
    assert not any(tmp_path.iterdir())
