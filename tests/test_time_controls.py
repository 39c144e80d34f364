from datetime import date

from dashboard.time_controls import clip_window, era_bounds, era_for_window

FIRST, LAST = date(1979, 12, 24), date(2021, 12, 31)


def test_a_month_of_2021_is_a_twelfth_of_the_2021_slider():
    low, high = era_bounds("2021", FIRST, LAST)
    assert (low, high) == (date(2021, 1, 1), date(2021, 12, 31))
    assert (date(2021, 8, 31) - date(2021, 8, 1)).days / (high - low).days > 0.08


def test_the_era_follows_the_window():
    assert era_for_window(date(2021, 8, 1), date(2021, 8, 31), FIRST, LAST) == "2021"
    assert era_for_window(date(1985, 1, 1), date(1989, 12, 31), FIRST, LAST) == "1979–2000"
    assert era_for_window(date(2020, 6, 1), date(2021, 8, 31), FIRST, LAST) == "All years"
    assert era_bounds("All years", FIRST, LAST) == (FIRST, LAST)


def test_windows_are_clipped_into_the_slider():
    bounds = (date(2021, 1, 1), date(2021, 12, 31))
    assert clip_window((date(2020, 1, 1), date(2021, 3, 1)), bounds) == (date(2021, 1, 1), date(2021, 3, 1))
    assert clip_window((date(1980, 1, 1), date(1990, 1, 1)), bounds) == (date(2021, 1, 1), date(2021, 1, 1))


def test_a_brushed_interval_becomes_the_window():
    from dashboard.timeline import window_from_brush

    aug = {"selection": {"brush": {"yearmonth_period": [1627776000000, 1630368000000]}}}
    assert window_from_brush(aug) == (date(2021, 8, 1), date(2021, 8, 31))
    iso = {"selection": {"brush": {"period": ["2021-09-30T00:00:00", "2021-09-01T00:00:00"]}}}
    assert window_from_brush(iso) == (date(2021, 9, 1), date(2021, 9, 30))
    assert window_from_brush({"selection": {"brush": {}}}) is None and window_from_brush(None) is None


def test_the_selected_event_is_marked_on_the_counts_timeline():
    from dashboard.data import load_curated_events
    from dashboard.timeline import counts_chart

    events, _ = load_curated_events()
    spec = counts_chart(events, date(2021, 1, 1), events["date_start"].iloc[0]).to_dict()
    assert any(layer.get("mark", {}).get("type") == "rule" for layer in spec["layer"])
    assert spec["params"][0]["name"] == "brush" or spec["layer"][0]["params"][0]["name"] == "brush"
    assert len(counts_chart(events, date(2021, 1, 1)).to_dict()["layer"]) == 1


def test_the_selected_row_is_highlighted():
    import pandas as pd

    from dashboard.formatting import SELECTED_ROW_STYLE, highlight_row

    table = pd.DataFrame({"id": ["a", "b"], "title": ["A", "B"]}, index=[7, 3])
    html = highlight_row(table, "b").to_html()
    assert html.count(SELECTED_ROW_STYLE.split(";")[0]) >= 1
    assert "id" not in highlight_row(table, None).data.columns


def test_the_table_prints_distances_as_people_read_them():
    import pandas as pd

    from dashboard.formatting import highlight_row

    table = pd.DataFrame({"id": ["a", "b", "c"], "± km": [250.0, 0.5, 8.0], "to border, km": [2752.0, None, 124.0]})
    html = highlight_row(table, None).to_html()
    for shown in (">250<", ">0.5<", ">8<", ">2,752<", ">124<"):
        assert shown in html
    assert "000000" not in html and "None" not in html and "nan" not in html


def test_the_counts_timeline_legend_names_the_categories_drawn_as_words_in_their_map_colours():
    import pandas as pd

    from dashboard.symbology import CATEGORY_COLORS
    from dashboard.timeline import counts_chart

    events = pd.DataFrame({"date_start": pd.to_datetime(["2021-08-01", "2021-08-15", "2021-09-01"]),
                           "date_end": pd.to_datetime(["2021-08-01", "2021-08-15", "2021-09-30"]),
                           "category": ["military_exercise", "attack", "military_exercise"]})
    scale = counts_chart(events).to_dict()["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["military exercise", "attack"] or scale["domain"] == ["attack", "military exercise"]
    assert dict(zip(scale["domain"], scale["range"])) == {
        "military exercise": CATEGORY_COLORS["military_exercise"], "attack": CATEGORY_COLORS["attack"]}
