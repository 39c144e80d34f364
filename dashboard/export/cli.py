"""The command line, ``python -m dashboard.export``: one view to one file, for automation.

Arguments are checked before anything is loaded or drawn; a bad one is reported on one
line with exit status 2 and no file is written. The output is written atomically, so a
failed or interrupted run never leaves a partial file behind.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from dashboard.cli import CliError, Parser, bbox_arg, date_arg, input_file, output_file, run
from dashboard.events import CATEGORIES, EventValidationError
from dashboard.export.figure import _size
from dashboard.export.formats import FORMATS, export_bytes
from dashboard.files import write_atomically
from dashboard.filters import ViewState, ViewStateError, filter_events, parse_date, split_list
from dashboard.inputs import InputError
from dashboard.layers import LAYERS


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m dashboard.export",
                    description="Export the map and events of one view as PNG, PDF, HTML, GeoJSON or CSV.")
    parser.add_argument("--start", type=date_arg, help="first day, YYYY-MM-DD")
    parser.add_argument("--end", type=date_arg, help="last day, YYYY-MM-DD")
    parser.add_argument("--layers", default=",".join(LAYERS), help=f"comma-separated, from {', '.join(LAYERS)}")
    parser.add_argument("--categories", help="comma-separated categories (default: all)")
    parser.add_argument("--actors", help="comma-separated actors (default: all)")
    parser.add_argument("--q", default="", help="text search in titles, summaries, places and quotes")
    parser.add_argument("--bbox", type=bbox_arg, help="minlon,minlat,maxlon,maxlat within ±180/±85 "
                                                      "(default: the region of interest the live map opens on)")
    parser.add_argument("--size", default="slide", help="slide (1600x1000), a4 (3508x2480 at 300 dpi) or WxH")
    parser.add_argument("--imports", help="comma-separated imported datasets to include (python -m dashboard.imports)")
    parser.add_argument("--no-numbers", action="store_true", help="do not number the markers by source")
    parser.add_argument("--events-file", type=input_file, help="events GeoJSON (default: geodata/events.geojson)")
    parser.add_argument("--articles-file", type=input_file, help="articles JSON (default: seeds/articles.json)")
    parser.add_argument("--out", required=True, type=Path, help="output file outside the project's folders; "
                                                                "the extension picks the format")
    return parser


def state_from_args(args: argparse.Namespace) -> ViewState:
    """The view the command line asks for; ViewStateError (one line) on bad values."""
    values: dict = {"layers": split_list(args.layers), "q": args.q or ""}
    for name in ("start", "end"):
        value = getattr(args, name)
        if value:
            values[name] = value if isinstance(value, date) else parse_date(value, f"--{name}")
    categories = split_list(args.categories)
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown:
        raise ViewStateError(f"unknown category {unknown[0]!r}; choose from {', '.join(CATEGORIES)}")
    values["categories"] = categories
    values["actors"] = split_list(args.actors)
    return ViewState(**values)


def main(argv: Sequence[str] | None = None) -> int:
    return run("export", lambda: _export(_parser().parse_args(argv)),
               known=(ViewStateError, EventValidationError, InputError))


def _export(args: argparse.Namespace) -> int:
    """Check every argument and the output path, then load, draw and write atomically."""
    out: Path = args.out
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise CliError(f"--out {str(out)!r}: unknown extension; use .{', .'.join(FORMATS)}")
    output_file(out)
    state = state_from_args(args)
    try:
        _size(args.size)
    except ValueError as error:
        raise CliError(f"--size: {error}") from None

    from dashboard.data import load_curated_events  # noqa: PLC0415 - reads the border only when needed
    from dashboard.store import curated_store, database_url  # noqa: PLC0415

    kwargs = {k: v for k, v in (("events_path", args.events_file), ("articles_path", args.articles_file)) if v}
    if database_url() and not kwargs:  # a team deployment: the curated events the app shows
        events, articles = curated_store().events()
    else:
        events, articles = load_curated_events(**kwargs)
    shown = filter_events(events, state)
    imported = _imported_layers(split_list(args.imports), state, fmt)
    if imported:  # each event carries the rows that corroborate it (an empty list when none do)
        from dashboard.corroboration import corroborate, with_corroboration  # noqa: PLC0415
        from dashboard.store import imported_datasets  # noqa: PLC0415

        shown = with_corroboration(shown, corroborate(imported_datasets(), [layer.name for layer, _ in imported],
                                                      shown))
    data = export_bytes(fmt, shown, articles, state, bbox=args.bbox, size=args.size,
                        label_sources=not args.no_numbers, imported=imported)
    write_atomically(out, data)
    included = "".join(f" + {layer.matching:,} from {layer.name}" + (" as grid counts" if layer.aggregated else "")
                       for layer, _ in imported)
    print(f"wrote {out} ({len(shown)} events{included}, {len(data):,} bytes)")
    return 0


def _imported_layers(names: tuple[str, ...], state: ViewState, fmt: str) -> list:
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
        raise CliError(f"--imports: no imported dataset {unknown[0]!r}; "
                       f"available: {', '.join(available) or 'none (import one with python -m dashboard.imports)'}")
    limit = None if fmt in ("geojson", "csv") else AGGREGATE_ABOVE
    colours = {name: import_color(index) for index, name in enumerate(available)}  # as in the app's sidebar
    return [(imported_layer(store, name, available[name], state, limit=limit), colours[name]) for name in names]
