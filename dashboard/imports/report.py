"""What an import says: its error, its rejected rows and its report.

Every other module in the package raises :class:`DatasetImportError` and collects
:class:`RejectedRow` items, and the command line and the app's import panel print an
:class:`ImportReport`; keeping these small types (and the two helpers that turn an
underlying exception into one line of text) apart from the reading and mapping code means
each step can depend on them without depending on each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# How many rejected rows the printed report lists one by one (the count is always given).
REPORT_ROW_LIMIT = 50


class DatasetImportError(ValueError):
    """An import that cannot proceed; the message is one line naming the file (and row, field)."""


@dataclass(frozen=True)
class RejectedRow:
    row: int  # 1-based data record (or feature) number
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did: rows read, imported and rejected (each with row, field and reason)."""

    name: str
    source: str
    format: str
    path: Path | None
    rows_read: int
    imported: int
    rejected: list[RejectedRow] = field(default_factory=list)

    def lines(self, limit: int = REPORT_ROW_LIMIT) -> list[str]:
        head = (f"{self.source} ({self.format}) -> {self.path}: read {self.rows_read:,} rows, "
                f"imported {self.imported:,}, rejected {len(self.rejected):,}")
        rows = [f"  {self.source}: {item}" for item in self.rejected[:limit]]
        if len(self.rejected) > limit:
            rows.append(f"  … and {len(self.rejected) - limit:,} more rejected rows")
        return [head, *rows]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _decode_problem(error: UnicodeDecodeError) -> str:
    return f"byte 0x{error.object[error.start]:02x} at position {error.start:,}"


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())
