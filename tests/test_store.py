"""The store: imported datasets written in chunks, read back exactly, filtered in SQL, migrated."""

from __future__ import annotations

import json
from datetime import date

import geopandas
import pandas as pd
import pytest

from dashboard.filters import ViewState, filter_events
from dashboard.imports import import_dataset, reading
from dashboard.store import imported_datasets
from test_imports import ACLED_COLUMNS, acled_row, write_csv


def _rows(count: int, bad_every: int = 0) -> list[list[str]]:
    rows = []
    for i in range(1, count + 1):
        lat = "100" if bad_every and i % bad_every == 0 else f"{36 + (i % 10) / 10:.2f}"
        rows.append(acled_row(event_id=f"E{i}", date=f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}", lat=lat,
                              actor1=["Taliban", "ISKP"][i % 2], notes=f"Row {i} text"))
    return rows


def test_a_chunked_import_numbers_rows_across_chunks_and_drops_duplicates_across_them(tmp_path, backend,
                                                                                        monkeypatch):
    monkeypatch.setattr(reading, "CHUNK_ROWS", 7)
    rows = _rows(30, bad_every=10)
    rows.append(acled_row(event_id="E3"))  # row 31 repeats row 3's id, several chunks later
    report = import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, rows), format="acled", name="chunked")
    assert report.rows_read == 31 and report.imported == 27
    assert [(r.row, r.field) for r in report.rejected] == [(10, "latitude"), (20, "latitude"), (30, "latitude"),
                                                           (31, "id")]
    features = imported_datasets().features("chunked")
    assert [f["properties"]["id"] for f in features][:4] == ["chunked:E1", "chunked:E2", "chunked:E3", "chunked:E4"]
    assert features[8]["properties"]["summary"] == "Row 9 text"  # row order and text kept


def test_sql_filters_select_what_filter_events_selects(tmp_path, backend):
    import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(60)), format="acled", name="f")
    store = imported_datasets()
    everything = store.rows("f", ViewState())
    views = [
        ViewState(start=date(2021, 3, 1), end=date(2021, 5, 31)),
        ViewState(actors=("ISKP",)),
        ViewState(categories=("armed_conflict", "diplomacy")),
        ViewState(q="ROW 1"),
        ViewState(review=("reviewed",)),
        ViewState(articles=("some-article",)),
        ViewState(start=date(2021, 6, 1), actors=("Taliban",), q="text"),
    ]
    for view in views:
        expected = list(filter_events(everything, view)["id"])
        assert list(store.rows("f", view)["id"]) == expected, view
        assert store.count("f", view) == len(expected)
    assert store.count("f", ViewState(actors=("ISKP",))) == 30


def test_grid_counts_add_up_to_the_rows_in_view(tmp_path, backend):
    import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(60)), format="acled", name="g")
    store = imported_datasets()
    view = ViewState(start=date(2021, 1, 1), end=date(2021, 6, 30))
    cells = store.grid("g", view, 0.25)
    assert cells["count"].sum() == store.count("g", view) > 0
    assert len(cells) == len(cells[["lon", "lat"]].drop_duplicates())
    assert store.extent("g", view)[1] >= 36.0
    assert store.count_and_extent("g", view) == (store.count("g", view), store.extent("g", view))
    assert store.count_and_extent("g", ViewState(q="no such text")) == (0, None)


def test_the_file_is_geoparquet(tmp_path, imports_dir):
    import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(5)), format="acled", name="geo")
    frame = geopandas.read_parquet(imports_dir / "geo.parquet")
    assert list(frame.geometry.x.round(2)) == [68.86] * 5
    assert list(frame.geometry.y) == list(frame["lat"])


def test_older_geojson_imports_are_migrated_without_loss(tmp_path, imports_dir):
    import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(12)), format="acled", name="old")
    features = imported_datasets().features("old")
    features[0]["properties"]["extra_field"] = {"nested": [1, "two", None]}  # anything a file may carry
    features[1]["properties"]["summary"] = "{{ 7*7 }} <script>x</script> ünïcode"
    (imports_dir / "old.parquet").unlink()
    original = {"type": "FeatureCollection", "features": features}
    (imports_dir / "old.geojson").write_text(json.dumps(original, ensure_ascii=False), encoding="utf-8")

    store = imported_datasets()
    assert store.names() == {"old": 12}
    assert store.features("old") == features  # every property and coordinate, exactly
    assert not (imports_dir / "old.geojson").exists()
    assert json.loads((imports_dir / "old.geojson.migrated").read_text(encoding="utf-8")) == original
    assert store.names() == {"old": 12}  # once only


def test_geojson_imports_from_before_location_basis_are_migrated_with_the_datasets_basis(tmp_path, imports_dir):
    from dashboard.placement import DATASET_BASIS

    import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(3)), format="acled", name="older")
    features = imported_datasets().features("older")
    for feature in features:
        del feature["properties"]["location_basis"]
    (imports_dir / "older.parquet").unlink()
    (imports_dir / "older.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                                               encoding="utf-8")
    assert imported_datasets().names() == {"older": 3}
    migrated = imported_datasets().features("older")
    assert [f["properties"].pop("location_basis") for f in migrated] == [DATASET_BASIS] * 3
    assert migrated == features  # nothing else changed


def test_a_new_import_is_not_overwritten_by_an_older_geojson_of_the_same_name(tmp_path, imports_dir):
    imports_dir.mkdir()
    (imports_dir / "same.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(3)), format="acled", name="same")
    assert imported_datasets().names() == {"same": 3}


def test_rows_frame_matches_prepared_events(tmp_path, backend):
    from dashboard.data import prepare_events

    import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(8)), format="acled", name="p")
    store = imported_datasets()
    frame = store.rows("p", ViewState())
    expected = prepare_events({"type": "FeatureCollection", "features": store.features("p")})
    pd.testing.assert_frame_equal(frame[expected.columns], expected)


def test_a_layer_with_more_matching_rows_than_the_limit_is_drawn_as_grid_counts(tmp_path, backend):
    from dashboard.aggregate import build_grid_group, cell_size, imported_layer

    import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(40)), format="acled", name="big")
    store = imported_datasets()
    small = imported_layer(store, "big", 40, ViewState(actors=("ISKP",)), limit=20)
    assert not small.aggregated and len(small.rows) == 20 and "grid" not in small.caption()
    large = imported_layer(store, "big", 40, ViewState(), limit=20)
    assert large.aggregated and large.rows is None and large.cells["count"].sum() == 40
    assert large.cell_deg == cell_size(store.extent("big", ViewState()))
    assert "40 of 40 imported events, shown as counts per" in large.caption()
    group = build_grid_group(large, "#ff7f0e")
    html = group._children[next(iter(group._children))].data
    assert len(html["features"]) == len(large.cells)
    assert {f["properties"]["tip"] for f in html["features"]} <= {f"{n:,} events" for n in large.cells["count"]}


def test_cell_size_is_a_round_number_giving_about_sixty_cells():
    from dashboard.aggregate import cell_size

    assert cell_size((60.0, 30.0, 75.0, 40.0)) == 0.25  # 15° / 60
    assert cell_size((68.0, 36.0, 68.5, 36.2)) == 0.01
    assert cell_size(None) == 1.0


# ----------------------------------------------------------------------------- export --imports


def test_export_command_line_includes_named_imported_datasets(tmp_path, backend, capsys):
    from dashboard.export import main

    import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(12)), format="acled", name="acled_x")
    out = tmp_path / "view.geojson"
    assert main(["--start", "2021-03-01", "--end", "2021-06-30", "--imports", "acled_x", "--out", str(out)]) == 0
    ids = [f["properties"]["id"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]]
    expected = list(imported_datasets().rows("acled_x", ViewState(start=date(2021, 3, 1), end=date(2021, 6, 30)))["id"])
    assert expected and set(expected) <= set(ids)
    assert f"+ {len(expected)} from acled_x" in capsys.readouterr().out

    assert main(["--imports", "acled_x,nope", "--out", str(tmp_path / "x.csv")]) == 2
    assert "--imports: no imported dataset 'nope'; available: acled_x" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_png_export_draws_a_large_imported_layer_as_grid_cells_and_says_so(tmp_path, backend, monkeypatch):
    import dashboard.aggregate
    from dashboard.aggregate import imported_layer
    from dashboard.export import build_snapshot_figure, main

    import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(30)), format="acled", name="dense")
    monkeypatch.setattr(dashboard.aggregate, "AGGREGATE_ABOVE", 10)
    out = tmp_path / "view.png"
    assert main(["--imports", "dense", "--out", str(out)]) == 0
    assert out.stat().st_size > 10_000
    layer = imported_layer(imported_datasets(), "dense", 30, ViewState(), limit=10)
    fig = build_snapshot_figure(imported_datasets().rows("dense", ViewState()).iloc[:0], {}, [], title="t",
                                grids=[(layer, "#ff7f0e")])
    cells = [a for a in fig.axes[0].collections if a.get_gid() == "snapshot-grid-cells"]
    assert len(cells) == 1 and len(cells[0].get_paths()) == len(layer.cells)
    note = " ".join(t.get_text().replace("\n", " ") for t in fig.texts if t.get_gid() == "snapshot-outside")
    assert f"dense: 30 events shown as counts per {layer.cell_deg:g}° cell" in note  # said under the map



def test_a_failed_import_leaves_the_dataset_as_it_was(tmp_path, backend, monkeypatch):
    from dashboard.imports import pipeline

    import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(5)), format="acled", name="kept")
    before = imported_datasets().features("kept")
    monkeypatch.setattr(reading, "CHUNK_ROWS", 4)
    mapper, calls = pipeline._FORMAT_MAPPERS["acled"], []

    def failing_on_the_second_chunk(*args):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return mapper(*args)

    monkeypatch.setitem(pipeline._FORMAT_MAPPERS, "acled", failing_on_the_second_chunk)
    with pytest.raises(Exception, match="disk full"):
        import_dataset(write_csv(tmp_path / "b.csv", ACLED_COLUMNS, _rows(9)), format="acled", name="kept")
    assert imported_datasets().names() == {"kept": 5}
    assert imported_datasets().features("kept") == before



def test_above_the_detailed_limit_only_the_points_are_read(tmp_path, backend, monkeypatch):
    import dashboard.mapping
    from dashboard.aggregate import imported_layer
    from dashboard.mapping import build_event_group

    monkeypatch.setattr(dashboard.mapping, "MAX_DETAILED_EVENTS", 10)
    import_dataset(write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(30)), format="acled", name="pts")
    store = imported_datasets()
    layer = imported_layer(store, "pts", 30, ViewState(actors=("ISKP",)), points_above=10)
    assert layer.points_only and not layer.aggregated
    full = store.rows("pts", ViewState(actors=("ISKP",)))
    assert list(layer.rows.columns) == ["id", "lon", "lat", "category"]
    pd.testing.assert_frame_equal(layer.rows, full[["id", "lon", "lat", "category"]].reset_index(drop=True))
    group = build_event_group(layer.rows, {}, color="#ff7f0e")  # enough for the compact cluster of a large layer
    assert [type(child).__name__ for child in group._children.values()] == ["_CompactCluster"]
    assert not imported_layer(store, "pts", 30, ViewState(actors=("ISKP",)), points_above=20).points_only


def test_an_unreachable_database_is_one_clear_error(tmp_path, monkeypatch, capsys):
    from dashboard.imports import main

    monkeypatch.setenv("DASHBOARD_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    source = write_csv(tmp_path / "a.csv", ACLED_COLUMNS, _rows(2))
    assert main([str(source), "--name", "x"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("imports: ") and "cannot connect to the database in DASHBOARD_DATABASE_URL" in error
    assert len(error.strip().splitlines()) == 1
