"""The frame every command-line tool shares: checked arguments, one output rule, one error boundary.

* **Argument types** (``type=`` for argparse) check a value and say what they expect: dates in
  a plausible range, bboxes, bounded counts and sizes, names (``re.fullmatch``), choices in any
  case, existing files and folders.
* **Output paths** (:func:`output_file`, :func:`output_dir`): a tool writes only the files it
  exists to write. Any other path inside the project's own folders is refused, ``--force`` or
  not; folders where a file is expected and places the user cannot write are refused before
  any work is done. Writes themselves go through :mod:`dashboard.files` (atomic).
* **The error boundary** (:func:`run`): a known failure (missing or unreadable file, decoding,
  bad JSON/CSV, too large, too deep, a bad value) ends the tool with exit status 2 and one line
  ``tool: FILE[:ROW]: reason`` on stderr. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project's own folders: no tool writes into them except to the files it exists to write.
PROTECTED_DIRS = tuple(ROOT / name for name in ("dashboard", "geodata", "seeds", "tests", ".ci"))
# Dates outside this range are typos (year 0, 2150) rather than history or news.
FIRST_YEAR, LAST_YEAR = 1800, 2100
MAX_LAT = 85.0  # Web Mercator, which every map here is drawn in, ends near ±85°
MIN_BBOX_DEGREES = 0.01  # about 1 km: a smaller view has nothing to show and stalls the labelling


class CliError(ValueError):
    """A refusal: the tool exits 2 and prints this message (one line) after its name."""


class Parser(argparse.ArgumentParser):
    """argparse whose bad-argument errors are CliError (so :func:`run` reports them on one line,
    exit 2, without the usage block). Parse inside ``run``."""

    def error(self, message: str):  # noqa: D102 - argparse API
        raise CliError(message)


def one_line(text: object, limit: int = 400) -> str:
    """Text on one line (whitespace runs collapsed), cut to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- argument types ------------------------------------------------------------------------


def date_arg(text: str) -> date:
    """A day, YYYY-MM-DD, between FIRST_YEAR and LAST_YEAR."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None
    check_year(value.year, text)
    return value


def check_year(year: int, text: object) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"{text!r}: the year must be between {FIRST_YEAR} and {LAST_YEAR}")


def bbox_arg(text: str) -> tuple[float, float, float, float]:
    """minlon,minlat,maxlon,maxlat: finite, ordered, within ±180/±85, at least MIN_BBOX_DEGREES wide and tall."""
    parts = text.split(",")
    try:
        minlon, minlat, maxlon, maxlat = (float(part) for part in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not four numbers minlon,minlat,maxlon,maxlat") from None
    if not all(math.isfinite(v) for v in (minlon, minlat, maxlon, maxlat)):
        raise argparse.ArgumentTypeError(f"{text!r}: every value must be a finite number")
    if not (-180 <= minlon < maxlon <= 180):
        raise argparse.ArgumentTypeError(f"{text!r}: longitudes must satisfy -180 <= minlon < maxlon <= 180")
    if not (-MAX_LAT <= minlat < maxlat <= MAX_LAT):
        raise argparse.ArgumentTypeError(f"{text!r}: latitudes must satisfy -{MAX_LAT:g} <= minlat < maxlat <= {MAX_LAT:g}")
    if maxlon - minlon < MIN_BBOX_DEGREES or maxlat - minlat < MIN_BBOX_DEGREES:
        raise argparse.ArgumentTypeError(f"{text!r}: the box must be at least {MIN_BBOX_DEGREES}° wide and tall")
    return minlon, minlat, maxlon, maxlat


def count_arg(low: int = 1, high: int = 1_000_000) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        value = text.strip()
        if not re.fullmatch(r"[+-]?\d{1,18}", value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
        if not low <= int(value) <= high:
            raise argparse.ArgumentTypeError(f"{text!r} must be between {low:,} and {high:,}")
        return int(value)

    parse.__name__ = "count"  # argparse names the type in its messages
    return parse


def counts_arg(low: int = 1, high: int = 1_000_000) -> Callable[[str], list[int]]:
    """A comma-separated list of whole numbers from ``low`` to ``high`` (at least one)."""
    one = count_arg(low, high)

    def parse(text: str) -> list[int]:
        parts = [part for part in text.split(",")]
        if not text.strip() or any(not part.strip() for part in parts):
            raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers")
        return [one(part) for part in parts]

    parse.__name__ = "counts"
    return parse


def name_arg(pattern: re.Pattern | str, what: str) -> Callable[[str], str]:
    """A name that matches ``pattern`` in full (a trailing newline does not pass)."""
    compiled = re.compile(pattern)

    def parse(text: str) -> str:
        if not compiled.fullmatch(text):
            raise argparse.ArgumentTypeError(f"{text!r} is not allowed: {what}")
        return text

    parse.__name__ = "name"
    return parse


def choice_arg(choices: Iterable[str]) -> Callable[[str], str]:
    """One of ``choices``, in any case."""
    options = {choice.casefold(): choice for choice in choices}

    def parse(text: str) -> str:
        try:
            return options[text.strip().casefold()]
        except KeyError:
            raise argparse.ArgumentTypeError(f"{text!r}: choose from {', '.join(options.values())}") from None

    parse.__name__ = "choice"
    return parse


def input_file(text: str) -> Path:
    """An existing, readable file."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text}: cannot read: no such file")
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{text}: cannot read: not a file")
    if not os.access(path, os.R_OK):
        raise argparse.ArgumentTypeError(f"{text}: cannot read: permission denied")
    return path


def input_dir(text: str) -> Path:
    """An existing, readable folder."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: {'not a folder' if path.exists() else 'no such folder'}")
    if not os.access(path, os.R_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{text}: not readable")
    return path


# --- output paths --------------------------------------------------------------------------


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _check_writable_folder(folder: Path, shown: str) -> None:
    if not folder.is_dir():
        raise CliError(f"{shown}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CliError(f"{shown}: folder {folder} is not writable")


def output_file(path: str | os.PathLike, *, allowed: Sequence[Path] = (), overwrite: bool = True) -> Path:
    """The path a tool may write one file to, or CliError before any work is done.

    ``allowed`` lists the project files (or folders) this tool exists to write; every other
    path inside the project's own folders is refused. A folder, a missing or unwritable
    parent folder, or an existing file when ``overwrite`` is false are refused too.
    """
    shown = str(path)
    target = Path(path).expanduser().resolve()
    if not any(_inside(target, Path(item).resolve()) for item in allowed):
        for folder in PROTECTED_DIRS:
            if _inside(target, folder):
                raise CliError(f"{shown}: is inside the project's {folder.name}/ folder; this tool does not write there "
                               "(choose a path outside the project)")
    if target.is_dir():
        raise CliError(f"{shown}: is a folder; give a file name")
    if target.exists() and not overwrite:
        raise CliError(f"{shown}: already exists")
    if target.exists() and not os.access(target, os.W_OK):
        raise CliError(f"{shown}: is not writable")
    _check_writable_folder(target.parent, shown)
    return Path(path)


def output_dir(path: str | os.PathLike, *, allowed: Sequence[Path] = (), create: bool = False) -> Path:
    """A folder a tool may write into, by the same rule as :func:`output_file`.

    With ``create``, a missing folder is acceptable when its parent can be written.
    """
    shown = str(path)
    target = Path(path).expanduser().resolve()
    if not any(_inside(target, Path(item).resolve()) for item in allowed):
        for folder in PROTECTED_DIRS:
            if _inside(target, folder):
                raise CliError(f"{shown}: is inside the project's {folder.name}/ folder; this tool does not write there")
    if target.exists() and not target.is_dir():
        raise CliError(f"{shown}: is a file, not a folder")
    if not target.exists():
        if not create:
            raise CliError(f"{shown}: no such folder")
        _check_writable_folder(target.parent, shown)
    elif not os.access(target, os.W_OK | os.X_OK):
        raise CliError(f"{shown}: folder is not writable")
    return Path(path)


# --- the error boundary --------------------------------------------------------------------


def run(tool: str, body: Callable[[], int], known: tuple[type[BaseException], ...] = ()) -> int:
    """Run a tool's work; known failures become exit 2 and one line ``tool: reason`` on stderr.

    ``known`` adds the tool's own error classes (their messages already name the file and
    row). Files that cannot be read become ``tool: FILE: reason``; input nested too deeply for
    Python or too large for memory is refused with that reason. Every other exception is a
    bug and propagates with its traceback.
    """
    try:
        return body()
    except (CliError, *known) as error:
        message = _first_problem(error)
    except OSError as error:
        name = error.filename if error.filename is not None else ""
        message = f"{name}: {error.strerror or error}" if name else str(error)
    except UnicodeDecodeError as error:
        message = f"not UTF-8 text (byte 0x{error.object[error.start]:02x} at position {error.start:,})"
    except RecursionError:
        message = "the input is nested too deeply to read"
    except MemoryError:
        message = "the input is too large to read into memory"
    print(f"{tool}: {one_line(message)}", file=sys.stderr)
    return 2


def parse(tool: str, parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The parsed arguments, or None after one line ``tool: reason`` on stderr (the caller returns 2).

    For tools whose work is one long function; the others parse inside :func:`run`.
    """
    try:
        return parser.parse_args(argv)
    except CliError as error:
        print(f"{tool}: {one_line(error)}", file=sys.stderr)
        return None


def _first_problem(error: BaseException) -> str:
    """The first problem of an error listing several (EventValidationError, BuildError), with the count of the rest."""
    problems = getattr(error, "problems", None) or str(error).splitlines() or [type(error).__name__]
    more = len(problems) - 1
    return str(problems[0]) + (f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else "")
