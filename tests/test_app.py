"""The app script, run headless with Streamlit's AppTest: widgets → filters → caption and table.

AppTest cannot look inside the map component (see tests/test_e2e_app.py for that).
"""

from __future__ import annotations

import re
from datetime import date
from html import escape
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from dashboard.data import load_curated_events
from dashboard.filters import ViewState, filter_events

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture(scope="module")
def curated():
    return load_curated_events()


def run_app(**query) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def shown_count(app: AppTest) -> tuple[int, int]:
    caption = next(c.value for c in app.caption if c.value.startswith("Showing"))
    shown, total = re.match(r"Showing (\d+) of (\d+) events", caption).groups()
    return int(shown), int(total)


def test_default_view_shows_every_event(curated):
    events, _ = curated
    app = run_app()
    assert shown_count(app) == (len(events), len(events))
    assert len(app.dataframe[0].value) == len(events)


def test_url_restores_the_window_and_filters(curated):
    events, _ = curated
    app = run_app(start="2021-08-01", end="2021-08-31", categories="statement,diplomacy", layers="border,base_201")
    expected = filter_events(events, ViewState(start=date(2021, 8, 1), end=date(2021, 8, 31),
                                               categories=("statement", "diplomacy")))
    assert 0 < len(expected) < len(events)
    assert shown_count(app) == (len(expected), len(events))
    assert app.sidebar.slider(key="window").value == (date(2021, 8, 1), date(2021, 8, 31))
    assert app.sidebar.checkbox(key="layer_panjshir").value is False
    assert app.sidebar.checkbox(key="layer_border").value is True
    assert set(app.dataframe[0].value["title"]) == set(expected["title"])


def test_widgets_filter_the_caption_and_table_and_update_the_url(curated):
    events, _ = curated
    app = run_app()
    app.sidebar.button(key="preset_Aug–Oct 2021").click().run()
    window = ViewState(start=date(2021, 8, 1), end=min(date(2021, 10, 31), events["date_end"].max().date()))
    assert shown_count(app)[0] == len(filter_events(events, window))

    app.sidebar.multiselect(key="actors").set_value(["CSTO"]).run()
    expected = filter_events(events, ViewState(start=window.start, end=window.end, actors=("CSTO",)))
    assert 0 < len(expected) and shown_count(app)[0] == len(expected)
    assert len(app.dataframe[0].value) == len(expected)
    assert app.query_params["actors"] == "CSTO"
    assert app.query_params["start"] == "2021-08-01"

    app.sidebar.text_input(key="q").input("no event says this").run()
    assert shown_count(app)[0] == 0


def test_search_finds_words_inside_quotes(curated):
    events, _ = curated
    word = "Kharb-Maydon" if events["_search"].str.contains("kharb-maydon").any() else "Panjshir"
    app = run_app(q=word)
    assert shown_count(app)[0] == len(filter_events(events, ViewState(q=word))) > 0


def test_date_inputs_and_slider_stay_in_step():
    app = run_app()
    app.sidebar.date_input(key="start_input").set_value(date(2021, 9, 1)).run()
    app.sidebar.date_input(key="end_input").set_value(date(2021, 9, 30)).run()
    assert app.sidebar.slider(key="window").value == (date(2021, 9, 1), date(2021, 9, 30))
    assert app.query_params["end"] == "2021-09-30"


def test_a_bad_link_falls_back_to_the_default_view_with_a_warning(curated):
    events, _ = curated
    app = run_app(start="2021-99-01")
    assert any("could not be read" in w.value for w in app.warning)
    assert shown_count(app) == (len(events), len(events))


def test_an_event_in_the_url_opens_its_card(curated):
    events, _ = curated
    event = events[events["title"].str.contains("'")].iloc[0]  # a title that escaping changes
    app = run_app(event=event["id"])
    cards = [m.value for m in app.markdown if "event-card" in m.value]
    assert len(cards) == 1 and f"<b>{escape(event['title'], quote=True)}</b>" in cards[0]


def test_without_static_serving_the_app_says_how_to_start_it():
    switched_on = config.get_option("server.enableStaticServing")  # by .streamlit/config.toml
    config.set_option("server.enableStaticServing", False)  # as when started outside the repository root
    try:
        app = AppTest.from_file(APP, default_timeout=60)
        app.run()
    finally:
        config.set_option("server.enableStaticServing", switched_on)
    assert any("bash dashboard/run.sh" in e.value and ".streamlit/config.toml" in e.value for e in app.error)


def test_a_changed_events_file_shows_without_a_restart(tmp_path, monkeypatch, curated):
    """An accept rewrites events.geojson while the app runs; the next rerun must show it."""
    import json
    import os

    from dashboard.events import EVENTS_PATH

    copy = tmp_path / "events.geojson"
    collection = json.loads(EVENTS_PATH.read_text(encoding="utf-8"))
    copy.write_text(json.dumps(collection), encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_EVENTS_PATH", str(copy))
    app = run_app()
    total = shown_count(app)[1]
    collection["features"] = collection["features"][:-1]
    copy.write_text(json.dumps(collection), encoding="utf-8")
    os.utime(copy, (copy.stat().st_atime, copy.stat().st_mtime + 5))
    app.run()
    assert shown_count(app)[1] == total - 1
