"""The command line: ``python -m dashboard.imports FILE --name NAME [...]``.

It only turns arguments into an :func:`import_dataset` call, prints the report (or the one
line ``error: ...`` on stderr) and returns the exit code: 0 on success, 1 when the import
cannot proceed, 2 for argparse usage errors. ``__main__.py`` runs it; the help text's
description is the first paragraph of the package docstring.
"""

from __future__ import annotations

import argparse
import sys

from dashboard.imports.pipeline import import_dataset
from dashboard.imports.report import DatasetImportError
from dashboard.imports.settings import FORMATS


def main(argv: list[str] | None = None) -> int:
    from dashboard import imports as package

    parser = argparse.ArgumentParser(prog="python -m dashboard.imports", description=package.__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--format", default="auto", choices=FORMATS)
    parser.add_argument("--name", required=True, help="dataset name: ^[a-z0-9][a-z0-9_-]{0,39}$")
    parser.add_argument("--imports-dir", default=None, help="default: $DASHBOARD_IMPORTS_DIR or geodata/imports")
    for role in ("lat", "lon", "date", "end-date", "title", "id"):
        parser.add_argument(f"--{role}-column", default=None)
    args = parser.parse_args(argv)
    columns = {role: getattr(args, f"{role.replace('-', '_')}_column")
               for role in ("lat", "lon", "date", "end-date", "title", "id")}
    columns = {role.replace("-", "_"): column for role, column in columns.items() if column}
    try:
        report = import_dataset(args.file, format=args.format, name=args.name, imports_dir=args.imports_dir,
                                columns=columns)
    except DatasetImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(report)
    return 0
