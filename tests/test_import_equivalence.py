"""The per-chunk (vectorised) ACLED mapping stores exactly what the row-by-row one did.

``tests/fixtures/acled_golden/expected.json`` was written by the row-by-row importer (before
the mapping worked a chunk at a time) from ``input.csv``: varied valid rows, and bad ones of
every kind. Every stored column (properties JSON, ids, dates, search text, geometry) and every
rejected row (number, field, message) must stay the same. Regenerate it only on purpose:
``python tests/test_import_equivalence.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.imports import import_dataset, reading  # noqa: E402

GOLDEN = ROOT / "tests" / "fixtures" / "acled_golden"


def stored_result(folder: Path) -> dict:
    """The import of input.csv (in chunks of 97 rows, so ids repeat across chunks) as plain JSON."""
    report = import_dataset(GOLDEN / "input.csv", format="acled", name="golden", imports_dir=folder)
    table = pq.read_table(report.path).to_pylist()
    for row in table:
        row["date_start"], row["date_end"] = str(row["date_start"]), str(row["date_end"])
        row["geometry"] = row["geometry"].hex()
    return {"rows_read": report.rows_read, "imported": report.imported,
            "rejected": [[item.row, item.field, item.reason] for item in report.rejected], "stored": table}


def test_chunked_import_stores_what_the_row_by_row_import_stored(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "CHUNK_ROWS", 97)
    expected = json.loads((GOLDEN / "expected.json").read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(stored_result(tmp_path)))
    assert actual["rejected"] == expected["rejected"]
    assert (actual["rows_read"], actual["imported"]) == (expected["rows_read"], expected["imported"])
    for got, want in zip(actual["stored"], expected["stored"], strict=True):
        assert got == want


if __name__ == "__main__":
    import tempfile

    reading.CHUNK_ROWS = 97
    with tempfile.TemporaryDirectory() as folder:
        result = stored_result(Path(folder))
    (GOLDEN / "expected.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{result['imported']} imported, {len(result['rejected'])} rejected")
