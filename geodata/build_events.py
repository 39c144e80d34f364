"""Build geodata/events.geojson from the human-edited geodata/events_source.json.

    python -m geodata.build_events [--source geodata/events_source.json]
                                   [--places geodata/context/places.geojson]
                                   [--out geodata/events.geojson] [--check]

The source file holds the curated events without coordinates: ``{"about": ..., "events":
[<event properties>, ...]}``. Every event's ``place`` is looked up by name or alias in the
gazetteer points (geodata/context/places.geojson, built from geodata/gazetteer.csv by
geodata/build_layers.py) or among the border zones (geodata/context/zones.geojson, built by
geodata/build_zones.py); the event gets exactly that point. The build fails loudly when a
place is missing, when an event's ``country`` or ``uncertainty_km`` disagrees with its
place, or when the place breaks the placement rules (dashboard/placement.py: an explicit
place is named in a quote, an inferred one has a note, an external one names its source). The output is deterministic: features sorted by ``date_start`` then ``id``,
coordinates rounded to 6 decimals, UTF-8 JSON with ``indent=1``.

``--check`` writes nothing and exits 1 when the committed output differs from a fresh build.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python geodata/build_events.py` as well as `python -m geodata.build_events`

from dashboard.cli import Parser, input_file, output_file, run  # noqa: E402
from dashboard.files import write_atomically  # noqa: E402
from dashboard.inputs import load_feature_collection, load_json  # noqa: E402
from dashboard.gazetteer import gazetteer_from_geojson  # noqa: E402
from dashboard.placement import ZONES_PATH, placement_problems  # noqa: E402

SOURCE_PATH = ROOT / "geodata" / "events_source.json"
PLACES_PATH = ROOT / "geodata" / "context" / "places.geojson"
OUT_PATH = ROOT / "geodata" / "events.geojson"
DECIMALS = 6


class BuildError(ValueError):
    """Raised with every problem found (one line per problem)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def load_places(path: Path = PLACES_PATH, zones: Path = ZONES_PATH) -> dict[str, dict]:
    """Gazetteer points and border zones keyed by name and by every alias:
    {name: {"coordinates", "properties"}}. A zone's point is its representative point."""
    path = Path(path)
    if not path.is_file():
        raise BuildError([f"{path}: gazetteer points not found; run geodata/build_layers.py first"])
    collection = load_feature_collection(path)
    entries = [{"coordinates": f["geometry"]["coordinates"], "properties": f["properties"]}
               for f in collection["features"]]
    if Path(zones).is_file():
        entries += [{"coordinates": f["properties"]["point"], "properties": f["properties"]}
                    for f in load_feature_collection(Path(zones))["features"]]
    index: dict[str, dict] = {}
    problems = []
    for entry in entries:
        props = entry["properties"]
        for key in [props["name"], *props.get("aliases", [])]:
            if key in index and index[key]["properties"]["name"] != props["name"]:
                problems.append(f"{path}: name or alias {key!r} is used by two places "
                                f"({index[key]['properties']['name']!r} and {props['name']!r})")
            index.setdefault(key, entry)
    if problems:
        raise BuildError(problems)
    return index


def load_source(path: Path = SOURCE_PATH) -> list[dict]:
    data = load_json(path)
    events = data.get("events") if isinstance(data, dict) else data
    if not isinstance(events, list):
        raise BuildError([f"{path}: 'events' is not a list"])
    for number, event in enumerate(events):
        if not isinstance(event, dict):
            raise BuildError([f"{path}: event #{number}: not an object"])
    return events


def build_collection(source: Path = SOURCE_PATH, places: Path = PLACES_PATH) -> dict:
    """Return the events FeatureCollection (not yet validated against the event schema)."""
    index = load_places(places)
    finder = gazetteer_from_geojson(load_feature_collection(places))
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
        problems.extend(f"{label}: {problem}" for problem in placement_problems(event, finder))
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
    parser = Parser(prog="python -m geodata.build_events", description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=input_file, default=SOURCE_PATH)
    parser.add_argument("--places", type=input_file, default=PLACES_PATH)
    parser.add_argument("--out", type=Path, default=OUT_PATH,
                        help="geodata/events.geojson (the default) or a file outside the project")
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    return run("build_events", lambda: _build(parser.parse_args(argv)), known=(BuildError,))


def _build(args) -> int:
    """Exit 2 (one line) for input that cannot be built; --check exits 1 when --out is out of date."""
    if not args.check:
        output_file(args.out, allowed=[OUT_PATH])
    collection = build_collection(args.source, args.places)
    text = render(collection)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
        if current != text:
            print(f"build_events: {args.out} is out of date; run python -m geodata.build_events", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date ({len(collection['features'])} events)")
        return 0
    write_atomically(args.out, text)
    print(f"wrote {args.out} ({len(collection['features'])} events)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
