"""The per-chunk (vectorised) mappings store exactly what the row-by-row ones did.

Each golden folder under ``tests/fixtures/`` holds varied inputs (valid rows of every kind and
bad rows of every kind, written by its ``make_input.py``) and, in ``expected*.json``, what the
row-by-row importer stored and rejected for them, written before that format's mapping began
to work a chunk at a time: ACLED (``acled_golden``), UCDP GED with and without ``where_prec``
(``ucdp_golden``), generic CSV with named or guessed columns and GeoJSON properties
(``generic_golden``). Every stored column (properties JSON, ids, dates, search text,
geometry) and every rejected row (number, field, message) must stay the same.

The real UCDP sample in ``../shared/real-data`` may not be copied into the project, so for it
``ucdp_golden/expected_real_sample.json`` holds the counts, the rejected rows and a digest of
each stored row as the row-by-row importer stored it.

Regenerate only on purpose, with the implementation whose output is the reference:
``python tests/test_import_equivalence.py``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.imports import import_dataset, reading  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = FIXTURES / "acled_golden"
REAL_UCDP = ROOT.parent / "shared" / "real-data" / "ucdp_ged231_afghanistan_2020_subset.csv"
REAL_EXPECTED = FIXTURES / "ucdp_golden" / "expected_real_sample.json"
CHUNK_ROWS = 97  # small chunks, so ids repeat across chunks and every chunk boundary is crossed

# case -> (input, format, named columns, expected output)
CASES = {
    "acled": (GOLDEN / "input.csv", "acled", {}, GOLDEN / "expected.json"),
    "ucdp": (FIXTURES / "ucdp_golden" / "input.csv", "ucdp", {}, FIXTURES / "ucdp_golden" / "expected.json"),
    "ucdp_without_where_prec": (FIXTURES / "ucdp_golden" / "input_noprec.csv", "auto", {},
                                FIXTURES / "ucdp_golden" / "expected_noprec.json"),
    "generic_named_columns": (
        FIXTURES / "generic_golden" / "input.csv", "csv",
        {"lat": "lat", "lon": "lng", "date": "when", "end_date": "until", "title": "headline", "id": "ref"},
        FIXTURES / "generic_golden" / "expected.json"),
    "generic_guessed_columns": (FIXTURES / "generic_golden" / "input_guessed.csv", "csv", {},
                                FIXTURES / "generic_golden" / "expected_guessed.json"),
    "geojson_properties": (FIXTURES / "generic_golden" / "input.geojson", "geojson", {},
                           FIXTURES / "generic_golden" / "expected_geojson.json"),
}


def stored_result(folder: Path, source: Path, format: str, columns: dict) -> dict:
    """The import of ``source`` (in chunks of CHUNK_ROWS rows) as plain JSON."""
    report = import_dataset(source, format=format, name="golden", imports_dir=folder, columns=columns)
    table = pq.read_table(report.path).to_pylist()
    for row in table:
        row["date_start"], row["date_end"] = str(row["date_start"]), str(row["date_end"])
        row["geometry"] = row["geometry"].hex()
    return {"rows_read": report.rows_read, "imported": report.imported,
            "rejected": [[item.row, item.field, item.reason] for item in report.rejected], "stored": table}


def _row_digest(row: dict) -> str:
    return hashlib.sha256(json.dumps(row, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:20]


def real_sample_result(folder: Path) -> dict:
    """The real sample's import with each stored row replaced by its digest."""
    result = stored_result(folder, REAL_UCDP, "auto", {})
    return {**result, "stored": [_row_digest(row) for row in result["stored"]]}


def _assert_same(actual: dict, expected: dict) -> None:
    assert actual["rejected"] == expected["rejected"]
    assert (actual["rows_read"], actual["imported"]) == (expected["rows_read"], expected["imported"])
    for got, want in zip(actual["stored"], expected["stored"], strict=True):
        assert got == want


@pytest.mark.parametrize("case", list(CASES))
def test_chunked_import_stores_what_the_row_by_row_import_stored(case, tmp_path, monkeypatch):
    source, format, columns, expected_path = CASES[case]
    monkeypatch.setattr(reading, "CHUNK_ROWS", CHUNK_ROWS)
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    _assert_same(json.loads(json.dumps(stored_result(tmp_path, source, format, columns))), expected)


def test_the_golden_inputs_hold_both_kept_and_rejected_rows_of_every_kind():
    """The comparison above means something only if the inputs exercise both paths."""
    for case, (_source, _format, _columns, expected_path) in CASES.items():
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        fields = {field for _row, field, _reason in expected["rejected"]}
        assert expected["imported"] >= 50, case
        assert len(fields) >= 3, (case, fields)


@pytest.mark.skipif(not REAL_UCDP.exists(), reason=f"real UCDP sample not present at {REAL_UCDP}")
def test_the_real_ucdp_sample_stores_what_the_row_by_row_import_stored(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "CHUNK_ROWS", 1000)
    expected = json.loads(REAL_EXPECTED.read_text(encoding="utf-8"))
    _assert_same(json.loads(json.dumps(real_sample_result(tmp_path))), expected)


def _write_expected(cases: list[str]) -> None:
    import tempfile

    reading.CHUNK_ROWS = CHUNK_ROWS
    for case in cases:
        source, format, columns, expected_path = CASES[case]
        with tempfile.TemporaryDirectory() as folder:
            result = stored_result(Path(folder), source, format, columns)
        expected_path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{case}: {result['imported']} imported, {len(result['rejected'])} rejected")
    if REAL_UCDP.exists():
        reading.CHUNK_ROWS = 1000
        with tempfile.TemporaryDirectory() as folder:
            result = real_sample_result(Path(folder))
        REAL_EXPECTED.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"real UCDP sample: {result['imported']} imported, {len(result['rejected'])} rejected")


if __name__ == "__main__":
    _write_expected(sys.argv[1:] or list(CASES))
