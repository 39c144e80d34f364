"""The command line, ``python -m dashboard.export``: one view to one file, for automation.

Arguments are checked before anything is loaded or drawn; a bad one is reported on one
line with exit status 2 and no file is written. The output is written atomically, so a
failed or interrupted run never leaves a partial file behind.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from dashboard.events import CATEGORIES
from dashboard.export.extent import parse_bbox
from dashboard.export.figure import _size
from dashboard.export.formats import FORMATS, export_bytes
from dashboard.files import write_atomically
from dashboard.filters import ViewState, ViewStateError, filter_events, parse_date, split_list
from dashboard.layers import LAYERS


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument on one line (exit status 2), without the usage block."""

    def error(self, message: str):  # noqa: D102 - argparse API
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m dashboard.export",
                     description="Export the map and events of one view as PNG, PDF, HTML, GeoJSON or CSV.")
    parser.add_argument("--start", help="first day, YYYY-MM-DD")
    parser.add_argument("--end", help="last day, YYYY-MM-DD")
    parser.add_argument("--layers", default=",".join(LAYERS), help=f"comma-separated, from {', '.join(LAYERS)}")
    parser.add_argument("--categories", help="comma-separated categories (default: all)")
    parser.add_argument("--actors", help="comma-separated actors (default: all)")
    parser.add_argument("--q", default="", help="text search in titles, summaries, places and quotes")
    parser.add_argument("--bbox", help="minlon,minlat,maxlon,maxlat (default: fit the events)")
    parser.add_argument("--size", default="slide", help="slide (1600x1000), a4 (3508x2480 at 300 dpi) or WxH")
    parser.add_argument("--imports", help="comma-separated imported datasets to include (python -m dashboard.imports)")
    parser.add_argument("--no-numbers", action="store_true", help="do not number the markers by source")
    parser.add_argument("--events-file", type=Path, help="events GeoJSON (default: geodata/events.geojson)")
    parser.add_argument("--articles-file", type=Path, help="articles JSON (default: seeds/articles.json)")
    parser.add_argument("--out", required=True, type=Path, help="output file; the extension picks the format")
    return parser


def state_from_args(args: argparse.Namespace) -> ViewState:
    """The view the command line asks for; ViewStateError (one line) on bad values."""
    values: dict = {"layers": split_list(args.layers), "q": args.q or ""}
    if args.start:
        values["start"] = parse_date(args.start, "--start")
    if args.end:
        values["end"] = parse_date(args.end, "--end")
    categories = split_list(args.categories)
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown:
        raise ViewStateError(f"unknown category {unknown[0]!r}; choose from {', '.join(CATEGORIES)}")
    values["categories"] = categories
    values["actors"] = split_list(args.actors)
    return ViewState(**values)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    out: Path = args.out
    fmt = out.suffix.lower().lstrip(".")
    try:
        if fmt not in FORMATS:
            raise ViewStateError(f"--out {str(out)!r}: unknown extension; use .{', .'.join(FORMATS)}")
        if not out.parent.is_dir():
            raise ViewStateError(f"--out {str(out)!r}: folder {str(out.parent)!r} does not exist")
        if out.is_dir():
            raise ViewStateError(f"--out {str(out)!r} is a folder")
        state = state_from_args(args)
        bbox = parse_bbox(args.bbox) if args.bbox else None
        _size(args.size)
    except (ViewStateError, ValueError) as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")

    from dashboard.data import load_curated_events  # noqa: PLC0415 - reads the border only when needed

    try:
        kwargs = {k: v for k, v in (("events_path", args.events_file), ("articles_path", args.articles_file)) if v}
        events, articles = load_curated_events(**kwargs)
    except (OSError, ValueError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        more = len(str(error).splitlines()) - 1
        parser.exit(1, f"{parser.prog}: error: cannot load events: {first_line}"
                       f"{f' (and {more} more problems)' if more > 0 else ''}\n")
    shown = filter_events(events, state)
    imported = _imported_layers(parser, split_list(args.imports), state, fmt)
    data = export_bytes(fmt, shown, articles, state, bbox=bbox, size=args.size, label_sources=not args.no_numbers,
                        imported=imported)
    try:
        write_atomically(out, data)
    except OSError as error:
        parser.exit(1, f"{parser.prog}: error: cannot write {str(out)!r}: {error.strerror or error}\n")
    included = "".join(f" + {layer.matching:,} from {layer.name}" + (" as grid counts" if layer.aggregated else "")
                       for layer, _ in imported)
    print(f"wrote {out} ({len(shown)} events{included}, {len(data):,} bytes)")
    return 0


def _imported_layers(parser: argparse.ArgumentParser, names: tuple[str, ...], state: ViewState, fmt: str) -> list:
    """(layer, colour) for each dataset named by --imports; exit 2 naming an unknown one.

    The data formats (GeoJSON, CSV) get every matching row; the pictures and the HTML map get
    grid counts when too many match, as the app's map does.
    """
    if not names:
        return []
    from dashboard.aggregate import AGGREGATE_ABOVE, imported_layer  # noqa: PLC0415
    from dashboard.mapping import import_color  # noqa: PLC0415
    from dashboard.store import imported_datasets  # noqa: PLC0415

    store = imported_datasets()
    available = store.names()
    unknown = [name for name in names if name not in available]
    if unknown:
        parser.exit(2, f"{parser.prog}: error: --imports: no imported dataset {unknown[0]!r}; "
                       f"available: {', '.join(available) or 'none (import one with python -m dashboard.imports)'}\n")
    limit = None if fmt in ("geojson", "csv") else AGGREGATE_ABOVE
    colours = {name: import_color(index) for index, name in enumerate(available)}  # as in the app's sidebar
    return [(imported_layer(store, name, available[name], state, limit=limit), colours[name]) for name in names]
