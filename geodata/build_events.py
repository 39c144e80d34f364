"""Build geodata/events.geojson from the human-edited geodata/events_source.json.

    python geodata/build_events.py [--source geodata/events_source.json]
                                   [--places geodata/context/places.geojson]
                                   [--out geodata/events.geojson] [--check]

The source file holds the curated events without coordinates: ``{"about": ..., "events":
[<event properties>, ...]}``. Every event's ``place`` is looked up by name or alias in the
gazetteer points (geodata/context/places.geojson, built from geodata/gazetteer.csv by
geodata/build_layers.py); the event gets exactly that point. The build fails loudly when a
place is missing, or when an event's ``country`` or ``uncertainty_km`` disagrees with its
gazetteer place. The output is deterministic: features sorted by ``date_start`` then ``id``,
coordinates rounded to 6 decimals, UTF-8 JSON with ``indent=1``.

``--check`` writes nothing and exits 1 when the committed output differs from a fresh build.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_PATH = ROOT / "geodata" / "events_source.json"
PLACES_PATH = ROOT / "geodata" / "context" / "places.geojson"
OUT_PATH = ROOT / "geodata" / "events.geojson"
DECIMALS = 6


class BuildError(ValueError):
    """Raised with every problem found (one line per problem)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def load_places(path: Path = PLACES_PATH) -> dict[str, dict]:
    """Gazetteer points keyed by name and by every alias: {name: {"coordinates", "properties"}}."""
    path = Path(path)
    if not path.is_file():
        raise BuildError([f"{path}: gazetteer points not found; run geodata/build_layers.py first"])
    collection = json.loads(path.read_text(encoding="utf-8"))
    index: dict[str, dict] = {}
    problems = []
    for feature in collection["features"]:
        props = feature["properties"]
        entry = {"coordinates": feature["geometry"]["coordinates"], "properties": props}
        for key in [props["name"], *props.get("aliases", [])]:
            if key in index and index[key]["properties"]["name"] != props["name"]:
                problems.append(f"{path}: name or alias {key!r} is used by two places "
                                f"({index[key]['properties']['name']!r} and {props['name']!r})")
            index.setdefault(key, entry)
    if problems:
        raise BuildError(problems)
    return index


def load_source(path: Path = SOURCE_PATH) -> list[dict]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    events = data["events"] if isinstance(data, dict) else data
    if not isinstance(events, list):
        raise BuildError([f"{path}: 'events' is not a list"])
    return events


def build_collection(source: Path = SOURCE_PATH, places: Path = PLACES_PATH) -> dict:
    """Return the events FeatureCollection (not yet validated against the event schema)."""
    index = load_places(places)
    features, problems = [], []
    for number, event in enumerate(load_source(source)):
        label = f"{source}: event {event.get('id') or f'#{number}'}"
        if "geometry" in event or "coordinates" in event:
            problems.append(f"{label}: coordinates: the source holds no coordinates; they come from the gazetteer")
            continue
        place = event.get("place")
        entry = index.get(place)
        if entry is None:
            problems.append(f"{label}: place: {place!r} is not a name or alias in {places}")
            continue
        gazetteer = entry["properties"]
        if event.get("country") != gazetteer["country"]:
            problems.append(f"{label}: country: {event.get('country')!r} but gazetteer place "
                            f"{gazetteer['name']!r} is in {gazetteer['country']!r}")
        if event.get("uncertainty_km") != gazetteer["uncertainty_km"]:
            problems.append(f"{label}: uncertainty_km: {event.get('uncertainty_km')!r} but gazetteer place "
                            f"{gazetteer['name']!r} has {gazetteer['uncertainty_km']!r}")
        lon, lat = (round(float(value), DECIMALS) for value in entry["coordinates"])
        features.append({
            "type": "Feature",
            "properties": dict(event),
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        })
    if problems:
        raise BuildError(problems)
    features.sort(key=lambda f: (str(f["properties"].get("date_start")), str(f["properties"].get("id"))))
    return {"type": "FeatureCollection", "features": features}


def render(collection: dict) -> str:
    return json.dumps(collection, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE_PATH)
    parser.add_argument("--places", type=Path, default=PLACES_PATH)
    parser.add_argument("--out", type=Path, default=OUT_PATH)
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = parser.parse_args(argv)
    try:
        collection = build_collection(args.source, args.places)
    except BuildError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    text = render(collection)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
        if current != text:
            print(f"error: {args.out} is out of date; run python geodata/build_events.py", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date ({len(collection['features'])} events)")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(collection['features'])} events)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
