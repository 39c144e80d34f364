"""The command line: ``python -m dashboard.imports FILE --name NAME [--replace] [...]``.

It only turns arguments into an :func:`import_dataset` call and prints the report. Exit
status 0 on success; 2 with one line ``imports: FILE[: row N]: reason`` on stderr when the
arguments or the file are refused (nothing is written then). An existing NAME is replaced
only with ``--replace``. ``__main__.py`` runs it; the help text's description is the first
paragraph of the package docstring.
"""

from __future__ import annotations

from dashboard.cli import Parser, choice_arg, count_arg, input_file, name_arg, output_dir, run
from dashboard.imports.pipeline import import_dataset
from dashboard.imports.report import DatasetImportError
from dashboard.imports.settings import DEFAULT_IMPORTS_DIR, FORMATS, MAX_FILE_BYTES, NAME_PATTERN, imports_dir_default

ROLES = ("lat", "lon", "date", "end-date", "title", "id")


def main(argv: list[str] | None = None) -> int:
    from dashboard import imports as package

    parser = Parser(prog="python -m dashboard.imports", description=package.__doc__.split("\n\n")[0])
    parser.add_argument("file", type=input_file, help="CSV or GeoJSON, or a .zip/.gz holding one")
    parser.add_argument("--format", default="auto", type=choice_arg(FORMATS), help=f"one of {', '.join(FORMATS)}")
    parser.add_argument("--name", required=True, type=name_arg(NAME_PATTERN, "use 1–40 lower-case letters, digits, "
                                                                "'_' or '-', starting with a letter or digit"),
                        help="dataset name: 1–40 of a-z 0-9 _ -, starting with a letter or digit")
    parser.add_argument("--replace", action="store_true", help="replace an earlier import of the same NAME")
    parser.add_argument("--imports-dir", default=None, help="default: $DASHBOARD_IMPORTS_DIR or geodata/imports")
    parser.add_argument("--max-mb", type=count_arg(1, 20_000), default=MAX_FILE_BYTES // 2**20,
                        help=f"refuse files over this many MiB, packed or unpacked (default {MAX_FILE_BYTES // 2**20}; "
                             "a plain CSV is read in chunks, so memory stays near 0.5 GB even at 1M rows)")
    for role in ROLES:
        parser.add_argument(f"--{role}-column", default=None)
    return run("imports", lambda: _import(parser.parse_args(argv)), known=(DatasetImportError,))


def _import(args) -> int:
    imports_dir = output_dir(args.imports_dir or imports_dir_default(), allowed=[DEFAULT_IMPORTS_DIR], create=True)
    columns = {role.replace("-", "_"): getattr(args, f"{role.replace('-', '_')}_column") for role in ROLES}
    report = import_dataset(args.file, format=args.format, name=args.name, imports_dir=imports_dir,
                            columns={role: column for role, column in columns.items() if column},
                            replace=args.replace, max_bytes=args.max_mb * 2**20)
    print(report)
    return 0
