"""The map's GeoJSON layers: registry, cached loading and validation.

Layers are small committed files built by geodata/build_layers.py. Loaders return plain
dicts (cheap to cache and to hand to folium); validation returns readable problems that
name the file, the feature and what is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
LAYERS_DIR = ROOT / "geodata" / "layers"
CONTEXT_DIR = ROOT / "geodata" / "context"

REQUIRED_PROPERTIES = ("name", "description", "source", "license")
MAX_DECIMALS = 6


@dataclass(frozen=True)
class Layer:
    id: str  # the id used in URLs and on the command line
    file: str
    label: str
    color: str
    attribution: str


LAYERS: dict[str, Layer] = {
    layer.id: layer
    for layer in (
        Layer("border", "tajik_afghan_border.geojson", "Tajik–Afghan border", "#c0392b",
              "© OpenStreetMap contributors, geoBoundaries"),
        Layer("panjshir", "panjshir.geojson", "Panjshir province", "#8e44ad", "geoBoundaries"),
        Layer("kharb_maydon", "kharb_maydon.geojson", "Kharb-Maydon range (approx.)", "#d35400",
              "© OpenStreetMap contributors, geoBoundaries"),
        Layer("base_201", "base_201.geojson", "Russia's 201st base sites", "#1f4e79", "GeoNames (geonames.org)"),
    )
}
CONTEXT_FILES = ("countries.geojson", "rivers.geojson", "places.geojson")
CONTEXT_ATTRIBUTION = "Natural Earth; GeoNames (geonames.org)"


def layer_path(layer_id: str) -> Path:
    return LAYERS_DIR / LAYERS[layer_id].file


@lru_cache(maxsize=None)
def _read(path: Path, mtime: float) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def read_geojson(path: Path) -> dict:
    """Parsed GeoJSON, cached by path and modification time (callers must not mutate it)."""
    return _read(path, path.stat().st_mtime)


def load_layer(layer_id: str) -> dict:
    return read_geojson(layer_path(layer_id))


def load_context(name: str) -> dict:
    return read_geojson(CONTEXT_DIR / f"{name}.geojson")


def border_line():
    """The border as one shapely line (for distances)."""
    return shape(load_layer("border")["features"][0]["geometry"])


def validate_geojson_file(
    path: Path, *, required: tuple[str, ...] = REQUIRED_PROPERTIES, needs_uncertainty: bool = False
) -> list[str]:
    """Problems in one layer file: RFC 7946 structure, geometry validity, properties."""
    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return [f"{path}: cannot read: {error}"]
    if collection.get("type") != "FeatureCollection" or not isinstance(collection.get("features"), list):
        return [f"{path}: not a GeoJSON FeatureCollection"]
    problems = []
    if "crs" in collection:
        problems.append(f"{path}: has a 'crs' member; RFC 7946 GeoJSON is always WGS84 lon/lat")
    if not collection["features"]:
        problems.append(f"{path}: has no features")
    for index, item in enumerate(collection["features"]):
        props = item.get("properties") or {}
        label = f"{path.name}: feature {index} ({props.get('name', 'unnamed')})"
        for key in required:
            if not isinstance(props.get(key), str) or not props[key].strip():
                problems.append(f"{label}: property '{key}' is missing or empty")
        try:
            geometry = shape(item["geometry"])
        except Exception as error:  # noqa: BLE001 - shapely raises several types on bad input
            problems.append(f"{label}: geometry cannot be read: {error}")
            continue
        if geometry.is_empty or not geometry.is_valid:
            problems.append(f"{label}: invalid geometry: {shapely.is_valid_reason(geometry)}")
        coords = shapely.get_coordinates(geometry)
        if len(coords) and not ((abs(coords[:, 0]) <= 180).all() and (abs(coords[:, 1]) <= 90).all()):
            problems.append(f"{label}: coordinates are not WGS84 longitude/latitude")
        if len(coords) and (abs(coords - coords.round(MAX_DECIMALS)) > 1e-9).any():
            problems.append(f"{label}: coordinates have more than {MAX_DECIMALS} decimals")
        if needs_uncertainty and geometry.geom_type == "Point" and not isinstance(props.get("uncertainty_km"), (int, float)):
            problems.append(f"{label}: approximate point without a numeric 'uncertainty_km'")
    return problems


def validate_layers() -> list[str]:
    """Problems in every committed layer and context file; empty when all is well."""
    problems = []
    for layer in LAYERS.values():
        problems += validate_geojson_file(layer_path(layer.id), needs_uncertainty=layer.id in ("kharb_maydon", "base_201"))
    for name in CONTEXT_FILES:
        problems += validate_geojson_file(CONTEXT_DIR / name, required=("name", "source", "license"))
    return problems
