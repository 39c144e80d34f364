"""The dataset importer: each format, every bad-input case, atomic writes, exact text, real UCDP data."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard.data import prepare_events
from dashboard.events import read_events_file, validate_feature_collection
from dashboard.filters import ViewState, filter_events
from dashboard.imports import (
    DatasetImportError,
    detect_format,
    guess_columns,
    import_dataset,
    main,
    read_csv_header,
)
from dashboard.store import imported_datasets
from hostile import HOSTILE_STRINGS, TEMPLATE_STRINGS, hostile_rows, write_hostile_acled_csv

REAL_UCDP = Path(__file__).resolve().parent.parent.parent / "shared" / "real-data" / "ucdp_ged231_afghanistan_2020_subset.csv"

ACLED_COLUMNS = ["event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
                 "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes"]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def acled_row(event_id="AFG1", date="03 August 2021", time_precision="1", event_type="Battles",
              sub_event_type="Armed clash", actor1="Taliban", actor2="Military Forces of Afghanistan (2004-2021)",
              lat="36.72", lon="68.86", geo_precision="1", notes="Clashes in Kunduz city.") -> list[str]:
    return [event_id, date, time_precision, event_type, sub_event_type, actor1, actor2, "Afghanistan", "Kunduz",
            "Kunduz", lat, lon, geo_precision, "Pajhwok Afghan News", notes]


@pytest.fixture
def imports_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "imports"
    monkeypatch.setenv("DASHBOARD_IMPORTS_DIR", str(folder))
    return folder


def stored(imports_dir: Path, name: str) -> list[dict]:
    """The dataset's events as stored, in row order, checked against the event schema."""
    features = imported_datasets(imports_dir).features(name)
    validate_feature_collection({"type": "FeatureCollection", "features": features}, source_name=name)
    return [feature["properties"] for feature in features]


# ----------------------------------------------------------------------------- ACLED


def test_acled_rows_map_to_events_with_translated_precision(tmp_path, imports_dir):
    source = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [
        acled_row(),
        acled_row(event_id="AFG2", date="2021-08-15", time_precision="2", event_type="Strategic developments",
                  sub_event_type="Non-violent transfer of territory", actor2="", lat="34.53", lon="69.17",
                  geo_precision="2", notes=""),
        acled_row(event_id="AFG3", date="2021-08-20", time_precision="3", event_type="Something new",
                  geo_precision="3"),
    ])
    report = import_dataset(source, format="auto", name="acled_afg")
    assert (report.format, report.rows_read, report.imported, report.rejected) == ("acled", 3, 3, [])
    assert report.path == imports_dir / "acled_afg.parquet"
    day, week, month = stored(imports_dir, "acled_afg")

    assert day["id"] == "acled_afg:AFG1" and day["review_status"] == "imported"
    assert (day["date_start"], day["date_end"], day["date_precision"]) == ("2021-08-03", "2021-08-03", "day")
    assert (day["location_precision"], day["uncertainty_km"], day["location_basis"]) == ("city", 2.0, "explicit")
    assert day["category"] == "armed_conflict"
    assert day["actors"] == ["Taliban", "Military Forces of Afghanistan (2004-2021)"]
    assert day["country"] == "AFG"
    assert day["sources"] == [{"citation": "ACLED export 'acled_afg', event AFG1; source: Pajhwok Afghan News",
                               "quote": "Clashes in Kunduz city."}]

    assert (week["date_start"], week["date_end"], week["date_precision"]) == ("2021-08-12", "2021-08-18", "range")
    assert "week" in week["date_note"]
    assert (week["location_precision"], week["uncertainty_km"]) == ("city", 25.0)
    assert week["category"] == "territorial_control"
    assert week["actors"] == ["Taliban"]
    # No notes in the row: the quote is a generated description that says so.
    assert "Generated" in week["sources"][0]["quote"] and "Kunduz" in week["sources"][0]["quote"]

    assert (month["date_start"], month["date_end"], month["date_precision"]) == ("2021-08-01", "2021-08-31", "month")
    # geo_precision 3: only a larger region is known; drawn at country level (a badge, not a point).
    assert (month["location_precision"], month["location_basis"]) == ("country", "explicit")
    assert "geo_precision 3" in month["location_note"]
    assert month["category"] == "other"


def test_acled_bad_rows_are_reported_and_valid_rows_kept(tmp_path, imports_dir):
    source = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [
        acled_row(event_id="A1"),
        acled_row(event_id="A2", lat="96.5"),
        acled_row(event_id="A3", lon="east"),
        acled_row(event_id="A4", date="31 February 2021"),
        acled_row(event_id="A5", geo_precision="9"),
        acled_row(event_id="A1"),
        acled_row(event_id="A7", time_precision=""),
    ])
    report = import_dataset(source, format="acled", name="acled_bad")
    assert report.rows_read == 7 and report.imported == 1
    assert [(r.row, r.field) for r in report.rejected] == [
        (2, "latitude"), (3, "longitude"), (4, "event_date"), (5, "geo_precision"), (6, "id"), (7, "time_precision"),
    ]
    assert "96.5 is out of range" in report.rejected[0].reason
    assert "duplicate id 'acled_bad:A1'" in report.rejected[4].reason
    text = str(report)
    assert "read 7 rows, imported 1, rejected 6" in text and "row 4: event_date" in text
    assert [e["id"] for e in stored(imports_dir, "acled_bad")] == ["acled_bad:A1"]


# ----------------------------------------------------------------------------- UCDP


UCDP_COLUMNS = ["id", "date_start", "date_end", "latitude", "longitude", "where_prec", "where_coordinates",
                "side_a", "side_b", "best", "source_article", "country", "type_of_violence"]


def test_ucdp_where_prec_dates_and_actors(tmp_path, imports_dir):
    source = write_csv(tmp_path / "ged.csv", UCDP_COLUMNS, [
        ["401", "2021-08-14", "2021-08-15", "36.7", "68.9", "1", "Kunduz town", "Government of Afghanistan",
         "Taleban", "12", "Reuters,2021-08-15,Kunduz falls", "Afghanistan", "1"],
        ["402", "2021-08-16", "2021-08-16", "33.0", "65.0", "6", "Afghanistan", "Taleban", "Civilians", "3",
         "", "Afghanistan", "3"],
        ["403", "2021-08-20", "2021-08-19", "36.7", "68.9", "1", "Kunduz town", "A", "B", "1", "x",
         "Afghanistan", "1"],
    ])
    report = import_dataset(source, format="auto", name="ged")
    assert report.format == "ucdp" and report.imported == 2
    assert [(r.row, r.field) for r in report.rejected] == [(3, "date_end")]
    assert "start 2021-08-20 is after end 2021-08-19" in report.rejected[0].reason
    town, country = stored(imports_dir, "ged")
    assert town["id"] == "ged:401" and town["actors"] == ["Government of Afghanistan", "Taleban"]
    assert (town["date_precision"], town["date_start"], town["date_end"]) == ("range", "2021-08-14", "2021-08-15")
    assert town["sources"][0]["quote"] == "Reuters,2021-08-15,Kunduz falls"
    assert town["category"] == "armed_conflict" and town["location_precision"] == "city"
    assert (country["location_precision"], country["uncertainty_km"]) == ("country", 300.0)
    assert country["category"] == "attack" and country["date_precision"] == "day"


def test_ucdp_without_where_prec_infers_precision_from_the_place_name(tmp_path, imports_dir):
    columns = [c for c in UCDP_COLUMNS if c not in ("where_prec", "id")]
    source = write_csv(tmp_path / "ged.csv", columns, [
        ["2020-01-01", "2020-01-01", "33.0", "65.0", "Afghanistan", "A", "B", "1", "s", "Afghanistan", "State"],
        ["2020-01-02", "2020-01-02", "35.75", "69.0", "Baghlan province", "A", "B", "1", "s", "Afghanistan", "State"],
        ["2020-01-03", "2020-01-03", "35.9", "64.3", "Almar district", "A", "B", "1", "s", "Afghanistan", "State"],
        ["2020-01-04", "2020-01-04", "31.6", "65.0", "Hutal (Maywand) town", "A", "B", "1", "s", "Afghanistan", "State"],
    ])
    import_dataset(source, format="ucdp", name="ged_noprec")
    events = stored(imports_dir, "ged_noprec")
    assert [e["id"] for e in events] == [f"ged_noprec:{n}" for n in (1, 2, 3, 4)]  # row numbers
    assert [e["location_precision"] for e in events] == ["country", "province", "city", "city"]
    assert "country-level aggregate" in events[0]["location_note"]
    assert all("where_prec absent" in e["date_note"] for e in events)
    assert events[2]["uncertainty_km"] > events[3]["uncertainty_km"]


@pytest.mark.skipif(not REAL_UCDP.exists(), reason=f"real UCDP sample not present at {REAL_UCDP}")
def test_real_ucdp_sample(imports_dir):
    report = import_dataset(REAL_UCDP, format="auto", name="ucdp_afg_2020")
    assert report.format == "ucdp"
    assert report.rows_read == 3317
    assert report.imported + len(report.rejected) == 3317
    frame = imported_datasets().rows("ucdp_afg_2020", ViewState())
    country_level = frame[frame["place"] == "Afghanistan"]
    assert len(country_level) == 12
    assert set(country_level["location_precision"]) == {"country"}
    assert (frame.loc[frame["place"] != "Afghanistan", "location_precision"] != "country").all()
    # The README's sanity row: Babaji village, 2020-10-10, best 200.
    babaji = frame[frame["place"].str.startswith("Babaji") & (frame["date_start"] == "2020-10-10")]
    assert list(babaji["best"]) == ["200"]
    # Source text kept exactly, including the embedded quotes and newlines some rows have.
    assert frame["sources"].map(lambda s: "\n" in s[0]["quote"]).any()


# ----------------------------------------------------------------------------- generic CSV and GeoJSON


def test_generic_csv_guesses_columns_and_accepts_named_ones(tmp_path, imports_dir):
    source = write_csv(tmp_path / "events.csv", ["Latitude", "lng", "when", "headline", "category", "notes"], [
        ["38.56", "68.78", "2021-09-01", "CSTO drill", "military_exercise", "Drill near Dushanbe"],
        ["37.0", "69.0", "2021-09-02", "Talks", "not-a-category", ""],
    ])
    assert guess_columns(["Latitude", "lng", "when"])["lat"] == "Latitude"
    with pytest.raises(DatasetImportError, match=r"events\.csv: no date column found"):
        import_dataset(source, format="csv", name="generic")
    report = import_dataset(source, format="csv", name="generic", columns={"date": "when", "title": "headline"})
    assert report.imported == 2
    drill, talks = stored(imports_dir, "generic")
    assert (drill["title"], drill["category"], drill["country"]) == ("CSTO drill", "military_exercise", "TJK")
    assert drill["sources"][0]["quote"] == "Drill near Dushanbe"
    assert talks["category"] == "other" and talks["source_category"] == "not-a-category"


def test_generic_csv_named_column_missing_is_an_error(tmp_path, imports_dir):
    source = write_csv(tmp_path / "events.csv", ["lat", "lon", "date"], [["38.5", "68.7", "2021-09-01"]])
    with pytest.raises(DatasetImportError, match=r"missing column 'headline' given for title"):
        import_dataset(source, format="csv", name="generic", columns={"title": "headline"})


def test_geojson_keeps_schema_features_and_maps_others(tmp_path, imports_dir):
    ours = {
        "id": "kept-1", "title": "Already ours", "category": "diplomacy", "date_start": "2021-07-08",
        "date_end": "2021-07-08", "date_precision": "day", "date_basis": "explicit", "place": "Moscow",
        "country": "RUS", "location_precision": "city", "location_basis": "explicit", "uncertainty_km": 5, "actors": ["Taliban"],
        "sources": [{"citation": "x", "quote": "y"}], "review_status": "reviewed",
    }
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.6, 55.75]}, "properties": ours},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [69.2, 34.5]},
         "properties": {"name": "Kabul event", "date": "2021-08-15", "id": 7, "actors": ["Taliban", "Russia"]}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "properties": {}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [69.2, 134.5]}, "properties": {"date": "2021-08-15"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [69.2, 34.5]}, "properties": {"date": "soon"}},
    ]}
    source = tmp_path / "points.geojson"
    source.write_text(json.dumps(collection), encoding="utf-8")
    report = import_dataset(source, format="auto", name="points")
    assert report.format == "geojson" and report.rows_read == 5 and report.imported == 2
    assert [(r.row, r.field) for r in report.rejected] == [(3, "geometry"), (4, "geometry"), (5, "date")]
    kept, mapped = stored(imports_dir, "points")
    assert kept == {**ours, "id": "points:kept-1", "review_status": "imported", "dataset": "points"}  # never curated
    assert (mapped["id"], mapped["title"], mapped["actors"]) == ("points:7", "Kabul event", ["Taliban", "Russia"])


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("content", "pattern"), [
    (b"", r"bad\.csv: the file is empty"),
    (b"lat,lon,date\n", r"bad\.csv: no valid rows to import \(read 0\)"),
    (b'lat,lon,date\n1,2,"2021-01-01\n', r"bad\.csv: malformed CSV"),
    ("lat,lon,date,title\n36.7,68.8,2021-01-01,Kundūz\n".encode("cp1252", errors="replace") + b"\xe9\xff\n",
     r"bad\.csv: not UTF-8 text \(byte 0x"),
    (b"lat,lon,date\n36.7,68.8,someday\n36.7,68.8,\n", r"bad\.csv: no valid rows.*row 1: date: cannot read date 'someday'"),
])
def test_bad_csv_files_give_one_clear_error(tmp_path, imports_dir, content, pattern):
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    with pytest.raises(DatasetImportError, match=pattern) as caught:
        import_dataset(source, format="csv", name="bad")
    assert "\n" not in str(caught.value)
    assert not (imports_dir / "bad.parquet").exists()


def test_rows_with_the_wrong_number_of_fields_are_rejected(tmp_path, imports_dir):
    source = tmp_path / "ragged.csv"
    source.write_text("lat,lon,date\n36.7,68.8,2021-01-01\n36.7,68.8,2021-01-02,extra\n36.7\n"
                      '36.7,68.8,"2021-01-04"\n', encoding="utf-8")
    report = import_dataset(source, format="csv", name="ragged")
    assert report.imported == 2
    assert [(r.row, r.field, r.reason) for r in report.rejected] == [
        (2, "(row)", "has 4 fields; the header has 3"), (3, "(row)", "has 1 fields; the header has 3"),
    ]


def test_renamed_acled_column_is_named_in_the_error(tmp_path, imports_dir):
    header = ["lat" if c == "latitude" else c for c in ACLED_COLUMNS]
    source = write_csv(tmp_path / "acled.csv", header, [acled_row()])
    with pytest.raises(DatasetImportError, match=r"acled\.csv: missing column 'latitude' for the ACLED format"):
        import_dataset(source, format="acled", name="acled")


@pytest.mark.parametrize(("content", "pattern"), [
    (b'{"type": "FeatureCollection", "features": [', r"bad\.geojson: not valid JSON: .* at line 1"),
    (b'{"type": "Feature"}', r"bad\.geojson: not a GeoJSON FeatureCollection"),
    (b'{"type": "FeatureCollection", "features": {}}', r"'features' is not a list"),
])
def test_bad_geojson_files(tmp_path, imports_dir, content, pattern):
    source = tmp_path / "bad.geojson"
    source.write_bytes(content)
    with pytest.raises(DatasetImportError, match=pattern):
        import_dataset(source, format="geojson", name="bad")


def test_the_command_line_takes_a_larger_limit_when_asked(tmp_path, imports_dir, capsys):
    from dashboard.imports.cli import main

    rows = [acled_row(event_id=f"AFG{i}", notes="Clashes in Kunduz city. " * 20) for i in range(2500)]
    source = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, rows)
    assert 1 * 2**20 < source.stat().st_size < 2 * 2**20
    assert main([str(source), "--name", "big", "--max-mb", "1"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "over the 1.0 MB import limit" in error and "--max-mb" in error
    assert not (imports_dir / "big.parquet").exists()
    assert main([str(source), "--name", "big", "--max-mb", "2"]) == 0
    assert len(stored(imports_dir, "big")) == 2500


def test_size_limit_and_names(tmp_path, imports_dir):
    source = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [acled_row()])
    with pytest.raises(DatasetImportError, match=r"over the 0\.0 MB import limit"):
        import_dataset(source, format="acled", name="acled", max_bytes=10)
    for bad_name in ("../evil", "Upper", "", "a" * 41, "-lead", "x/y", "name.geojson"):
        with pytest.raises(DatasetImportError, match="is not allowed"):
            import_dataset(source, format="acled", name=bad_name)
    with pytest.raises(DatasetImportError, match="unknown format"):
        import_dataset(source, format="xlsx", name="ok")
    with pytest.raises(DatasetImportError, match=r"missing\.csv: cannot read"):
        import_dataset(tmp_path / "missing.csv", name="ok")
    assert not imports_dir.exists() or list(imports_dir.iterdir()) == []


def test_a_failed_reimport_leaves_the_existing_file_byte_identical(tmp_path, imports_dir):
    good = write_csv(tmp_path / "good.csv", ACLED_COLUMNS, [acled_row()])
    import_dataset(good, format="acled", name="stable")
    target = imports_dir / "stable.parquet"
    before = target.read_bytes()
    bad_files = {
        "bad_rows.csv": write_csv(tmp_path / "bad_rows.csv", ACLED_COLUMNS, [acled_row(lat="100")]).read_bytes(),
        "not_utf8.csv": b"event_date\n\xff\xfe\n",
        "empty.csv": b"",
    }
    for label, content in bad_files.items():
        with pytest.raises(DatasetImportError, match=label.replace(".", r"\.")):
            import_dataset(content, format="acled", name="stable", source_label=label)
    assert target.read_bytes() == before
    assert sorted(p.name for p in imports_dir.iterdir()) == ["stable.parquet"]  # no temp files left


def test_an_import_from_uploaded_bytes_names_the_upload_only_in_messages(tmp_path, imports_dir):
    content = write_csv(tmp_path / "x.csv", ACLED_COLUMNS, [acled_row()]).read_bytes()
    report = import_dataset(content, format="auto", name="upload", source_label="../../etc/passwd")
    assert report.path == imports_dir / "upload.parquet"
    assert sorted(p.name for p in imports_dir.iterdir()) == ["upload.parquet"]
    assert report.source == "../../etc/passwd"


# ----------------------------------------------------------------------------- hostile text


def test_hostile_strings_are_stored_exactly(tmp_path, imports_dir):
    source = write_hostile_acled_csv(tmp_path / "hostile.csv")
    report = import_dataset(source, format="acled", name="hostile")
    rows = hostile_rows()
    assert report.imported == len(rows) and report.rejected == []
    events = stored(imports_dir, "hostile")
    for row, event in zip(rows, events):
        assert event["summary"] == row["notes"]
        assert event["actors"] == [row["actor1"], row["actor2"]]
        assert event["sources"][0]["quote"] == row["notes"]
        assert event["sources"][0]["citation"].endswith("; source: " + row["source"])
        assert event["place"] == f"{row['location']}, {row['admin1']}"
        assert event["fatalities"] == row["fatalities"]
        assert event["title"].startswith(row["sub_event_type"] + ": ")
        assert event["country"] == "AFG"  # the hostile name is not a country: found from the point
    assert {e["summary"] for e in events} == set(HOSTILE_STRINGS)


def test_template_syntax_is_stored_exactly(tmp_path, imports_dir):
    """Jinja-looking text is data like any other: kept as given (the map escapes its braces)."""
    rows = [acled_row(event_id=f"T{i}", notes=text) for i, text in enumerate(TEMPLATE_STRINGS)]
    rows += [acled_row(event_id="A", actor2="{{ 7*7 }}")]
    report = import_dataset(write_csv(tmp_path / "t.csv", ACLED_COLUMNS, rows), format="acled", name="tpl")
    assert report.imported == len(rows) and not report.rejected
    events = stored(imports_dir, "tpl")
    assert [e["summary"] for e in events[:-1]] == TEMPLATE_STRINGS
    assert "{{ 7*7 }}" in events[-1]["actors"]


# ----------------------------------------------------------------------------- loading and filtering


def test_the_store_lists_datasets_and_filters_like_curated_events(tmp_path, imports_dir):
    store = imported_datasets()
    assert store.names() == {}
    source = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [
        acled_row(event_id="A1", date="2021-08-03"), acled_row(event_id="A2", date="2021-09-10"),
    ])
    import_dataset(source, format="acled", name="one")
    (imports_dir / "broken.geojson").write_text("{not json", encoding="utf-8")
    errors: list[str] = []
    assert store.names(errors=errors) == {"one": 2}
    assert len(errors) == 1 and "broken.geojson" in errors[0]
    everything = store.rows("one", ViewState())
    expected = prepare_events({"type": "FeatureCollection", "features": store.features("one")})
    pd.testing.assert_frame_equal(everything[expected.columns], expected)
    view = ViewState(start=pd.Timestamp("2021-09-01").date(), end=pd.Timestamp("2021-09-30").date())
    assert list(store.rows("one", view)["id"]) == ["one:A2"] == list(filter_events(everything, view)["id"])
    assert store.count("one", view) == 1
    import_dataset(write_csv(tmp_path / "b.csv", ACLED_COLUMNS, [acled_row(event_id="B1")]), format="acled",
                   name="one")
    assert store.names() == {"one": 1}  # replaced: the count is read again
    assert list(store.rows("one", ViewState())["id"]) == ["one:B1"]


def test_detect_format(tmp_path):
    acled = write_csv(tmp_path / "a.csv", ACLED_COLUMNS, [acled_row()])
    ucdp = write_csv(tmp_path / "u.csv", UCDP_COLUMNS, [])
    other = write_csv(tmp_path / "o.csv", ["lat", "lon", "date"], [])
    assert [detect_format(p) for p in (acled, ucdp, other)] == ["acled", "ucdp", "csv"]
    assert detect_format(b'  {"type": "FeatureCollection"}') == "geojson"


def test_command_line(tmp_path, imports_dir, capsys):
    source = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [acled_row(), acled_row(event_id="X", lat="-91")])
    assert main([str(source), "--name", "cli"]) == 0
    out = capsys.readouterr().out
    assert "read 2 rows, imported 1, rejected 1" in out and "row 2: latitude" in out
    assert main([str(source), "--name", "Bad Name"]) == 2
    assert "is not allowed" in capsys.readouterr().err
    generic = write_csv(tmp_path / "g.csv", ["a", "b", "c"], [["36.7", "68.8", "2021-01-01"]])
    assert main([str(generic), "--name", "g", "--format", "csv", "--lat-column", "a", "--lon-column", "b",
                 "--date-column", "c"]) == 0
    assert (imports_dir / "g.parquet").exists()


def test_command_line_replaces_an_existing_name_only_when_told(tmp_path, imports_dir, capsys):
    first = write_csv(tmp_path / "a.csv", ACLED_COLUMNS, [acled_row()])
    second = write_csv(tmp_path / "b.csv", ACLED_COLUMNS, [acled_row(), acled_row(event_id="TWO")])
    assert main([str(first), "--name", "kept"]) == 0
    stored = (imports_dir / "kept.parquet").read_bytes()
    capsys.readouterr()
    assert main([str(second), "--name", "kept"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (imports_dir / "kept.parquet").read_bytes() == stored
    assert main([str(second), "--name", "kept", "--replace"]) == 0
    assert "imported 2" in capsys.readouterr().out
    assert main([str(second), "--name", "nl\n"]) == 2  # "$" would have let the newline through
    assert not any("\n" in path.name for path in imports_dir.iterdir())


# ----------------------------------------------------------------------------- the Streamlit panel


def _panel_app(imports_dir: str, max_bytes: int) -> None:
    import streamlit as st

    from dashboard.ui_imports import render_import_panel

    report = render_import_panel(imports_dir, max_bytes=max_bytes)
    st.session_state["imported"] = None if report is None else report.imported


def _panel(imports_dir: Path, max_bytes: int = 10_000_000):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_panel_app, args=(str(imports_dir), max_bytes), default_timeout=30)
    return at.run()


def test_panel_imports_an_upload_and_lists_rejected_rows(tmp_path, imports_dir):
    content = write_csv(tmp_path / "a.csv", ACLED_COLUMNS, [acled_row(), acled_row(event_id="B", lat="99")]).read_bytes()
    at = _panel(imports_dir)
    assert not at.button  # nothing to import before a file is chosen
    at.file_uploader[0].upload("../../acled export.csv", content, "text/csv")
    at.text_input(key="dataset_import_name").input("acled_ui")
    at.run()
    at.button(key="dataset_import_go").click().run()
    assert not at.exception and not at.error
    assert at.session_state["imported"] == 1
    assert "Imported 1 of 2 rows" in at.success[0].value
    table = at.dataframe[0].value
    assert list(table["row"]) == [2] and list(table["field"]) == ["latitude"]
    assert sorted(p.name for p in imports_dir.iterdir()) == ["acled_ui.parquet"]


def test_panel_offers_guessed_column_pickers_for_generic_csv(tmp_path, imports_dir):
    content = b"Y,X,when,headline\n38.5,68.7,2021-09-01,Drill\n"
    at = _panel(imports_dir)
    at.file_uploader[0].upload("g.csv", content, "text/csv")
    at.selectbox(key="dataset_import_format").set_value("csv")
    at.text_input(key="dataset_import_name").input("generic")
    at.run()
    assert at.selectbox(key="dataset_import_lat").value == "Y"
    assert at.selectbox(key="dataset_import_lon").value == "X"
    assert at.selectbox(key="dataset_import_title").value == "headline"
    assert at.selectbox(key="dataset_import_date").value == "Y"  # no guess: the user must choose
    at.selectbox(key="dataset_import_date").set_value("when")
    at.button(key="dataset_import_go").click().run()
    assert not at.error and at.session_state["imported"] == 1
    assert stored(imports_dir, "generic")[0]["title"] == "Drill"


def test_panel_shows_errors_without_raising_and_keeps_existing_layers(tmp_path, imports_dir):
    good = write_csv(tmp_path / "a.csv", ACLED_COLUMNS, [acled_row()])
    import_dataset(good, format="acled", name="kept")
    before = (imports_dir / "kept.parquet").read_bytes()
    at = _panel(imports_dir, max_bytes=50)
    at.file_uploader[0].upload("<img src=x onerror=alert(1)>.csv", good.read_bytes(), "text/csv")
    at.text_input(key="dataset_import_name").input("kept")
    at.run()
    at.button(key="dataset_import_go").click().run()
    assert not at.exception and at.session_state["imported"] is None
    message = at.error[0].value
    assert "over the 0.0 MB import limit" in message.replace("\\", "")
    assert "<img" in message.replace("\\", "") and re.search(r"(?<!\\)[<>\[\]()]", message) is None  # shown as text
    at.text_input(key="dataset_import_name").input("../Bad").run()
    at.button(key="dataset_import_go").click().run()
    assert "is not allowed" in at.error[0].value.replace("\\", "")
    assert (imports_dir / "kept.parquet").read_bytes() == before


def test_an_upload_packed_in_a_zip_or_gz_is_detected_and_imported(tmp_path, imports_dir):
    """ACLED and UCDP ship as .zip; the app's panel passes the upload's bytes as they are."""
    import gzip
    import io
    import zipfile

    text = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [acled_row()]).read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("acled_2021.csv", text)
    for name, packed in (("z", buffer.getvalue()), ("g", gzip.compress(text))):
        assert detect_format(packed, "upload") == "acled"
        assert "event_type" in read_csv_header(packed, "upload")
        report = import_dataset(packed, name=name, imports_dir=imports_dir, source_label="upload")
        assert report.imported == 1 and report.format == "acled"


def test_a_date_with_a_timezone_offset_beside_other_formats_is_read_as_its_local_day(tmp_path, imports_dir):
    """Mixed formats send the column through the one-by-one fallback, which choked on a tz-aware value."""
    source = write_csv(tmp_path / "acled_tz.csv", ACLED_COLUMNS, [
        acled_row(event_id="AFG1", date="2021-08-03T10:00:00+05:00"),
        acled_row(event_id="AFG2", date="04 August 2021"),
        acled_row(event_id="AFG3", date="2021-08-05T23:30:00-03:00"),  # a second offset: one value at a time
    ])
    report = import_dataset(source, format="acled", name="acled_tz")
    assert report.imported == 3 and not report.rejected
    assert [row["date_start"] for row in stored(imports_dir, "acled_tz")] == ["2021-08-03", "2021-08-04", "2021-08-05"]


def test_a_year_0_date_beside_mixed_offsets_is_a_rejected_row_not_a_crash(tmp_path, imports_dir):
    """Mixed offsets send the column through the one-by-one fallback, whose year-0 value overflowed."""
    source = write_csv(tmp_path / "mixed.csv", ["lat", "lon", "date"], [
        ["36.7", "68.8", "2021-08-03T10:00:00+05:00"],
        ["36.7", "68.8", "2021-08-04T23:30:00-03:00"],
        ["36.7", "68.8", "0000-01-01"],
    ])
    report = import_dataset(source, format="csv", name="mixed")
    assert report.imported == 2
    assert [(r.row, r.field, r.reason) for r in report.rejected] == [
        (3, "date", "date '0000-01-01' is outside 1800–2100")]
    assert [row["date_start"] for row in stored(imports_dir, "mixed")] == ["2021-08-03", "2021-08-04"]
