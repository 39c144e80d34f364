"""Where an event happened: the one set of placement rules (geodata/README.md, "Placement rules").

Curation (geodata/build_events.py), extraction (dashboard/extract.py) and the importers all
use this module, so a statement by "the Kremlin" is placed the same way everywhere.
The rules, first that applies wins:

1. a place named in the text finer than a country (site, city, province): that place,
   ``location_basis: explicit``;
2. a line or zone named in the text ("near the Tajik–Afghan border", "the Afghan side of the
   border", "its northern border"): a zone from geodata/context/zones.geojson, explicit;
3. a speaker or institution with a seat in geodata/seats.csv ("the Kremlin said", "Lavrov",
   "the Taliban's spokesman"): that seat, ``inferred``, with a location_note saying so;
4. only a country: the country, ``location_precision: country`` (drawn as a country badge,
   never as a point), explicit.

External knowledge (a place the text does not give but a public source does) is never
produced by these rules: a curator sets ``location_basis: external`` and names the source in
``location_note`` ("Source: ...").
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from dashboard.events import EXTERNAL_SOURCE
from dashboard.gazetteer import Gazetteer, Place, PlaceMatch

ROOT = Path(__file__).resolve().parent.parent
SEATS_PATH = ROOT / "geodata" / "seats.csv"
ZONES_PATH = ROOT / "geodata" / "context" / "zones.geojson"

LOCATION_BASES = ("explicit", "inferred", "external")
# Precisions at which a distance to the border means something; coarser points are a
# country's label or a zone's midpoint, and their distance would be a made-up figure.
DISTANCE_PRECISIONS = frozenset({"site", "city", "province"})
FINE_PRECISIONS = DISTANCE_PRECISIONS


# --- seats -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """A government or organisation, the names that speak for it, and the place it sits."""

    institution: str
    aliases: tuple[str, ...]
    seat: str  # a gazetteer place name
    valid_from: date | None
    valid_to: date | None
    source: str

    def valid_on(self, day: date | None) -> bool:
        if day is None:
            return True
        return (self.valid_from is None or day >= self.valid_from) and (self.valid_to is None or day <= self.valid_to)


def _alias_pattern(alias: str) -> str:
    words = [re.sub(r"['’]", "['’]", re.escape(word)) for word in alias.split()]
    return r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"


@dataclass(frozen=True)
class _SeatTable:
    seats: tuple[Seat, ...]
    patterns: tuple[re.Pattern, ...]


def read_seats(path: Path = SEATS_PATH) -> tuple[Seat, ...]:
    """The seats table; raises ValueError naming the row for a malformed one."""
    seats = []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                aliases = tuple(a.strip() for a in row["aliases"].split(";") if a.strip())
                if not row["institution"].strip() or not row["seat"].strip() or not aliases or not row["source"].strip():
                    raise ValueError("institution, aliases, seat and source are required")
                valid_from = date.fromisoformat(row["valid_from"]) if row["valid_from"].strip() else None
                valid_to = date.fromisoformat(row["valid_to"]) if row["valid_to"].strip() else None
            except (KeyError, ValueError, AttributeError) as error:
                raise ValueError(f"{path}: row {number}: {error}") from None
            seats.append(Seat(row["institution"].strip(), aliases, row["seat"].strip(), valid_from, valid_to,
                              row["source"].strip()))
    return tuple(seats)


@lru_cache(maxsize=4)
def _seat_table(path: Path, _mtime: float) -> _SeatTable:
    seats = read_seats(path)
    # Longest alias first, so "Putin's envoy" is reported rather than "Putin".
    patterns = tuple(re.compile("|".join(_alias_pattern(a) for a in sorted(seat.aliases, key=len, reverse=True)),
                                re.IGNORECASE) for seat in seats)
    return _SeatTable(seats, patterns)


def load_seats(path: Path = SEATS_PATH) -> _SeatTable:
    path = Path(path)
    return _seat_table(path, path.stat().st_mtime)


def find_seat(text: str, on: date | None = None, *, seats_path: Path = SEATS_PATH) -> tuple[Seat, re.Match] | None:
    """The institution named first in ``text`` that has a seat on day ``on``, and where it was named."""
    table = load_seats(seats_path)
    found = []
    for seat, pattern in zip(table.seats, table.patterns):
        if not seat.valid_on(on):
            continue
        match = pattern.search(text)
        if match:
            found.append((match.start(), seat, match))
    if not found:
        return None
    _start, seat, match = min(found, key=lambda item: item[0])
    return seat, match


def seat_note(seat: Seat, named: str) -> str:
    return f"seat of the {seat.institution}, named as '{named}'; the text does not say where"


# --- zones -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zone:
    id: str
    place: Place  # kind "zone": the representative point and the zone's uncertainty
    aliases: tuple[str, ...]
    band_km: float
    sides: tuple[str, ...]


@lru_cache(maxsize=4)
def _zones(path: Path, _mtime: float) -> dict[str, Zone]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    zones = {}
    for feature in collection["features"]:
        props = feature["properties"]
        lon, lat = props["point"]
        place = Place(props["name"], props["country"], "zone", float(props["uncertainty_km"]), lon, lat)
        zones[props["id"]] = Zone(props["id"], place, tuple(props.get("aliases") or ()), float(props["band_km"]),
                                  tuple(props["sides"]))
    return zones


def load_zones(path: Path = ZONES_PATH) -> dict[str, Zone]:
    """The border zones built by geodata/build_zones.py, keyed by id."""
    path = Path(path)
    return _zones(path, path.stat().st_mtime)


_DASH = r"\s*[-–—]\s*"
_TAJIK_AFGHAN = re.compile(
    rf"\b(?:Tajik(?:istan)?{_DASH}Afghan(?:istan)?|Afghan(?:istan)?{_DASH}Tajik(?:istan)?) border\b"
    r"|\bborder between (?:Tajikistan and Afghanistan|Afghanistan and Tajikistan)\b")
_SIDE = re.compile(r"\b(?P<side>Tajik|Afghan) side of the\b(?:\s+[\w–-]+){0,2}?\s+border\b")
_AFGHAN_BORDER = re.compile(r"\bAfghan border\b|\bborder with Afghanistan\b|\bAfghanistan['’]s border\b")
_NORTHERN_BORDER = re.compile(r"\bnorthern border\b")
_SOUTHERN_BORDER = re.compile(r"\bsouthern border\b")
_TAJIK = re.compile(r"\bTajik(?:istan)?\b|\bDushanbe\b")
_AFGHAN = re.compile(r"\bAfghan(?:istan)?\b|\bTaliban\b|\bKabul\b")
_IN_TAJIKISTAN = re.compile(r"\b(?:in|inside|into) Tajikistan\b")
_IN_AFGHANISTAN = re.compile(r"\b(?:in|inside|into) (?:northern )?Afghanistan\b")
_LAYER_ONLY_NOTE = ("the zone follows only the Tajik–Afghan border, the one border line the project holds")


@dataclass(frozen=True)
class ZoneMatch:
    zone: str  # "tjk_side", "afg_side" or "either_side"
    text: str
    start: int
    end: int
    note: str


def _without(text: str, span: tuple[int, int]) -> str:
    return text[:span[0]] + " " * (span[1] - span[0]) + text[span[1]:]


def find_zone(text: str) -> ZoneMatch | None:
    """The border zone a text places something in, or None when it names no border line we hold."""
    side = _SIDE.search(text)
    if side:
        which = "tjk_side" if side["side"] == "Tajik" else "afg_side"
        return ZoneMatch(which, side.group(), *side.span(), f"the text names the '{side.group()}'")
    named = _TAJIK_AFGHAN.search(text)
    if named:
        rest = _without(text, named.span())
        if _IN_TAJIKISTAN.search(rest) and not _IN_AFGHANISTAN.search(rest):
            return ZoneMatch("tjk_side", named.group(), *named.span(), f"the text names the '{named.group()}' and Tajikistan")
        if _IN_AFGHANISTAN.search(rest) and not _IN_TAJIKISTAN.search(rest):
            return ZoneMatch("afg_side", named.group(), *named.span(), f"the text names the '{named.group()}' and Afghanistan")
        return ZoneMatch("either_side", named.group(), *named.span(),
                         f"the text names the '{named.group()}' but not the side")
    afghan = _AFGHAN_BORDER.search(text)
    if afghan and _TAJIK.search(_without(text, afghan.span())):
        extra = " (" + _LAYER_ONLY_NOTE + ")" if re.search(r"\bUzbek|\bTurkmen", text) else ""
        return ZoneMatch("tjk_side", afghan.group(), *afghan.span(),
                         f"the text names the '{afghan.group()}' and Tajikistan{extra}")
    northern = _NORTHERN_BORDER.search(text)
    if northern and _AFGHAN.search(text):
        return ZoneMatch("afg_side", northern.group(), *northern.span(),
                         f"the text names Afghanistan's '{northern.group()}' ({_LAYER_ONLY_NOTE}; its Uzbek "
                         "and Turkmen parts are not drawn)")
    southern = _SOUTHERN_BORDER.search(text)
    if southern and _TAJIK.search(text):
        return ZoneMatch("tjk_side", southern.group(), *southern.span(), f"the text names Tajikistan's '{southern.group()}'")
    return None


ZONE_IDS = {"tjk_side": "tajik_afghan_border_tjk_side", "afg_side": "tajik_afghan_border_afg_side",
            "either_side": "tajik_afghan_border_either_side"}


def zone_note(match: ZoneMatch, zone: Zone) -> str:
    return (f"{match.note}: a zone within {zone.band_km:g} km of the Tajik–Afghan border, shown at the "
            f"border's midpoint (±{zone.place.uncertainty_km:g} km along it)")


# --- the rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where the rules put an event: the place, how the text supports it, and why."""

    match: PlaceMatch
    basis: str  # explicit | inferred (external is set by a curator, never by the rules)
    note: str | None = None
    rule: str = "named"  # named | zone | seat | country

    @property
    def place(self) -> Place:
        return self.match.place

    @property
    def location_precision(self) -> str:
        return self.place.location_precision


def place_text(
    text: str,
    gazetteer: Gazetteer,
    *,
    on: date | None = None,
    near: int = 0,
    matches: list[PlaceMatch] | None = None,
    zones_path: Path = ZONES_PATH,
    seats_path: Path = SEATS_PATH,
) -> Placement | None:
    """Apply the placement rules to one text (a sentence or an event's quotes).

    ``on`` is the event's date (a seat must be valid then); ``near`` the offset of the date
    mention, used to break ties between named places; ``matches`` the gazetteer matches when
    the caller already has them.
    """
    matches = gazetteer.find(text) if matches is None else matches
    best = gazetteer.best(matches, near=near)
    if best is not None and best.place.location_precision in FINE_PRECISIONS:
        return Placement(best, "explicit", None, "named")
    zone_match = find_zone(text)
    if zone_match is not None:
        zone = load_zones(zones_path).get(ZONE_IDS[zone_match.zone])
        if zone is not None:
            found = PlaceMatch(zone.place, zone_match.text, zone_match.start, zone_match.end, locative=True)
            return Placement(found, "explicit", zone_note(zone_match, zone), "zone")
    seat = find_seat(text, on, seats_path=seats_path)
    if seat is not None and seat[0].seat in gazetteer.by_name:
        institution, named = seat
        found = PlaceMatch(gazetteer.by_name[institution.seat], named.group(), named.start(), named.end(), seat=True)
        return Placement(found, "inferred", seat_note(institution, named.group()), "seat")
    if best is not None:
        return Placement(best, "explicit", None, "country" if best.place.location_precision == "country" else "named")
    return None


def placement_problems(event: dict, gazetteer: Gazetteer, *, zones_path: Path = ZONES_PATH,
                       seats_path: Path = SEATS_PATH) -> list[str]:
    """Why a curated event's place does not follow the rules (empty when it does).

    - explicit: the place (a gazetteer name, alias or spelling; or the zone) is named in a quote;
    - inferred: a location_note says why; a seat must be the seat of an institution the quotes name;
    - external: location_note names its source ("Source: ...");
    - the precision is the place's own (a country is ``country``, a zone ``region``).
    """
    problems = []
    basis = event.get("location_basis")
    place_name = event.get("place")
    quotes = " … ".join(source.get("quote", "") for source in event.get("sources", []))
    zones = {zone.place.name: zone for zone in load_zones(zones_path).values()}
    place = zones[place_name].place if place_name in zones else gazetteer.by_name.get(place_name)
    if place is None:  # an alias: the gazetteer finds it as the whole of the name
        whole = [m for m in gazetteer.find(str(place_name)) if (m.start, m.end) == (0, len(str(place_name)))]
        place = whole[0].place if whole else None
    if place is None:
        return [f"place: {place_name!r} is neither a gazetteer place nor a zone"]
    if event.get("location_precision") != place.location_precision:
        problems.append(f"location_precision: {event.get('location_precision')!r} but {place.name!r} is a "
                        f"{place.kind} ({place.location_precision!r})")
    note = event.get("location_note") or ""
    if basis == "explicit":
        if place.kind == "zone":
            found = find_zone(quotes)
            if found is None or zones[place_name].id != ZONE_IDS[found.zone]:
                problems.append(f"location_basis: explicit, but no quote names the zone {place.name!r}")
        elif place.name not in {m.place.name for m in gazetteer.find(quotes)}:
            problems.append(f"location_basis: explicit, but no quote names {place.name!r}; use 'inferred' or "
                            "'external' with a location_note")
    elif basis == "inferred":
        if not note:
            problems.append("location_note: an inferred place needs a note that explains it")
        if note.startswith("seat of"):
            seat = find_seat(quotes, _event_day(event), seats_path=seats_path)
            if seat is None or seat[0].seat != place.name:
                problems.append(f"location_note: says 'seat of', but the quotes name no institution seated in "
                                f"{place.name!r} (geodata/seats.csv)")
    elif basis == "external":
        if not EXTERNAL_SOURCE.search(note):
            problems.append("location_note: an external place names its source ('Source: ...')")
    else:
        problems.append(f"location_basis: {basis!r} is not one of {', '.join(LOCATION_BASES)}")
    return problems


def _event_day(event: dict) -> date | None:
    try:
        return date.fromisoformat(str(event.get("date_start")))
    except ValueError:
        return None


# --- datasets ----------------------------------------------------------------------------

# How an imported dataset's own precision codes map onto the same rules. The dataset states
# the coordinates, so the basis is explicit; the code says how fine they are. Codes whose
# place is only a country become ``country`` and are drawn as a country badge, not a point.
# (location_precision, uncertainty_km, location_note)
ACLED_GEO_PRECISION: dict[str, tuple[str, float, str]] = {
    "1": ("city", 2.0, "ACLED geo_precision 1: the named town or site"),
    "2": ("city", 25.0, "ACLED geo_precision 2: near a town or within a district (about ±25 km)"),
    "3": ("country", 100.0, "ACLED geo_precision 3: only a larger region or province is known (the point is its "
                            "capital or a nearby town); shown at country level"),
}
UCDP_WHERE_PREC: dict[str, tuple[str, float, str]] = {
    "1": ("city", 2.0, "UCDP where_prec 1: exact location"),
    "2": ("city", 25.0, "UCDP where_prec 2: within about 25 km of a known point"),
    "3": ("province", 50.0, "UCDP where_prec 3: only the district (second-order unit) is known"),
    "4": ("province", 100.0, "UCDP where_prec 4: only the province (first-order unit) is known"),
    "5": ("province", 100.0, "UCDP where_prec 5: estimated along a border, road or river, or between places"),
    "6": ("country", 300.0, "UCDP where_prec 6: only the country is known; the point is a centroid, shown at "
                            "country level"),
    "7": ("country", 300.0, "UCDP where_prec 7: international waters or airspace; shown at the country level of "
                            "the row's country"),
}
DATASET_BASIS = "explicit"  # the dataset states the place; its precision code says how finely


# --- what a card may say -------------------------------------------------------------------


def distance_is_meaningful(precision: str | None) -> bool:
    """A distance to the border is shown only for points at least province-precise."""
    return precision in DISTANCE_PRECISIONS


def why_no_distance(event: dict) -> str:
    """The sentence a card shows instead of a distance to the border."""
    precision = event.get("location_precision")
    if precision == "country":
        return "Distance to the Tajik–Afghan border not given: only the country is known."
    if event.get("place") in {zone.place.name for zone in load_zones().values()}:
        return ("Distance to the Tajik–Afghan border not given: the text places this in a zone along the border, "
                "not at a point.")
    return (f"Distance to the Tajik–Afghan border not given: the place is known only to a region "
            f"(±{float(event.get('uncertainty_km') or 0):,.0f} km).")


def basis_phrase(event: dict) -> str:
    """'placed at Moscow: seat of the …' — how the place was chosen, for the card."""
    basis = event.get("location_basis")
    place = event.get("place", "")
    note = event.get("location_note")
    note = note.strip() if isinstance(note, str) and note.strip() else None  # frames hold NaN for "no note"
    if basis == "inferred":
        return f"placed at {place}: {note}" if note else f"placed at {place}: inferred"
    if basis == "external":
        return f"placed at {place} from an outside source: {note}" if note else f"placed at {place}: outside source"
    if basis == "explicit" and event.get("review_status") == "imported":  # the card shows the dataset's code
        if event.get("location_precision") == "country":
            return f"the dataset gives only the country ({event.get('country', '')}); its point is representative"
        return f"placed at the dataset's own coordinates for {place}"
    if basis == "explicit":
        if event.get("location_precision") == "country":
            return f"only the country, {place}, is named in the source"
        return f"placed at {place}: named in the source" + (f" ({note})" if note else "")
    return ""
