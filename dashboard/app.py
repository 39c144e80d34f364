"""Streamlit app: Russia, the Taliban and Central Asia on one map.

UI wiring only. Loading, filtering, map building and export live in their own modules.
Run with `bash dashboard/run.sh` (sets up a virtual environment, then starts Streamlit), or with
`streamlit run dashboard/app.py` from the repository root (settings in .streamlit/config.toml).
DASHBOARD_EVENTS_PATH may name another curated events file (tests use it).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run dashboard/app.py`

import pandas as pd  # noqa: E402

from dashboard.aggregate import build_grid_group, imported_layer  # noqa: E402
from dashboard.assets import ensure_static_assets  # noqa: E402
from dashboard.corroboration import (  # noqa: E402
    CORROBORATION_FILTERS, cached_corroboration, filter_by_corroboration, with_corroboration,
)
from dashboard.events import CATEGORIES  # noqa: E402
from dashboard.filters import (  # noqa: E402
    PLAY_STEPS, ViewState, ViewStateError, date_presets, filter_events, state_from_query, state_to_query, step_window,
)
from dashboard.formatting import event_card_html, events_table, highlight_row, markdown_text  # noqa: E402
from dashboard.layers import LAYERS  # noqa: E402
from dashboard.map_overlays import VIEW_KEY, build_overlays, view_report_group  # noqa: E402
from dashboard.mapping import (  # noqa: E402
    MAX_DETAILED_EVENTS, build_base_map, build_event_group, build_layer_groups, event_id_from_tooltip,
)
from dashboard.symbology import import_color  # noqa: E402
from dashboard.review import CANDIDATES_DIR  # noqa: E402
from dashboard.store import StoreError, curated_store, imported_datasets  # noqa: E402
from dashboard.time_controls import ERAS, clip_window, era_bounds, era_for_window  # noqa: E402
from dashboard.timeline import BRUSH, PICK, is_span_view, picked_event, timeline_chart, window_from_brush  # noqa: E402
from dashboard.ui_export import follows_map_view, render_export_panel  # noqa: E402
from dashboard.ui_corroboration import imported_row, listed_rows, render_corroboration, unlisted_notes  # noqa: E402
from dashboard.ui_imports import render_import_panel  # noqa: E402
from dashboard.ui_review import render_ingest_panel, render_review_panel  # noqa: E402

st.set_page_config(page_title="Russia, the Taliban and Central Asia — event map", page_icon="🗺️", layout="wide")


@st.cache_resource
def _static_assets() -> Path:
    """Leaflet copied next to the app once per server, so a plain `streamlit run` draws the map too."""
    return ensure_static_assets()


def _init_from_url(first: date, last: date) -> None:
    """On a session's first run, copy the URL's view into the widgets' state."""
    if st.session_state.get("_initialised"):
        return
    st.session_state._initialised = True
    try:
        state = state_from_query(st.query_params.to_dict())
    except ViewStateError as error:
        st.session_state._url_error = str(error)
        state = ViewState()
    start = min(max(state.start or first, first), last)
    end = max(min(state.end or last, last), start)
    st.session_state.window = (start, end)
    st.session_state.start_input, st.session_state.end_input = start, end
    st.session_state.era = era_for_window(start, end, first, last)
    st.session_state._span = (first, last)
    for layer_id in LAYERS:
        st.session_state[f"layer_{layer_id}"] = layer_id in state.layers
    st.session_state.categories = [c for c in state.categories if c in CATEGORIES]
    st.session_state.actors = list(state.actors)
    st.session_state.articles = list(state.articles)
    st.session_state.review = list(state.review)
    st.session_state.q = state.q
    st.session_state.corroboration_filter = next(label for label, value in CORROBORATION_FILTERS.items()
                                                 if value == state.corroboration)
    st.session_state.selected_event = state.event
    st.session_state.online_tiles = False
    st.session_state.playing = False
    st.session_state.play_step = "1 month"


def _set_window(start: date, end: date) -> None:
    """Every way of choosing dates ends here; the era widens when the window leaves it."""
    first, last = st.session_state._span
    start, end = clip_window((start, end), (first, last))
    st.session_state.window = (start, end)
    st.session_state.start_input, st.session_state.end_input = start, end
    low, high = era_bounds(st.session_state.get("era") or "All years", first, last)
    if not (low <= start and end <= high):
        st.session_state.era = era_for_window(start, end, first, last)


def _on_era() -> None:
    first, last = st.session_state._span
    st.session_state.era = st.session_state.era or "All years"
    _set_window(*era_bounds(st.session_state.era, first, last))


def _timeline_key() -> str:
    """The chart's key; a new one after each brush or click, so the chart comes back with nothing selected.

    Kept, a brush would cover the whole new window (it was the window) and catch every later click
    and tooltip; a kept click would make a second click on the same mark change nothing.
    """
    return f"timeline_{st.session_state.get('_timeline_round', 0)}"


def _on_timeline() -> None:
    """A brushed interval sets the window; a click on an event's mark selects it.

    A drag that ends on the mark it began on is a click to the browser too: a pick counts
    only while nothing is brushed (a plain click clears the brush).
    """
    selection = st.session_state.get(_timeline_key())
    window, picked = window_from_brush(selection), picked_event(selection)
    if window:
        _set_window(*window)
    elif picked:
        st.session_state.selected_event = picked
        st.session_state._focus_map = True
    if window or picked:
        st.session_state._timeline_round = st.session_state.get("_timeline_round", 0) + 1


def _on_map_click() -> None:
    """A click on an event marker selects it everywhere (card, table, timeline, URL); a reported view is kept
    for the export of the current view (the map reports it only while that export is chosen)."""
    value = st.session_state.get("map") or {}
    if value.get(VIEW_KEY):  # a report of the view, not a click
        st.session_state._map_view = value[VIEW_KEY]
        return
    event_id = event_id_from_tooltip(value.get("last_object_clicked_tooltip"))
    if event_id:
        st.session_state.selected_event = event_id
        st.session_state._focus_map = False  # the user is looking at it already


def _on_slider() -> None:
    _set_window(*st.session_state.window)


def _on_date_inputs() -> None:
    start, end = st.session_state.start_input, st.session_state.end_input
    if start and end:
        _set_window(min(start, end), max(start, end))


def _slider_bounds(first: date, last: date) -> tuple[date, date]:
    """The era's span; a window that leaves the era (a typed date, a brush) widens it to all years."""
    low, high = era_bounds(st.session_state.era or "All years", first, last)
    if clip_window(st.session_state.window, (low, high)) != tuple(st.session_state.window):
        st.session_state.era = "All years"
        low, high = first, last
    return low, high


def _view_state(first: date, last: date) -> ViewState:
    """The view, read from the widgets' state, so the map can be drawn before the sidebar.

    On page open the sidebar's widgets come only with the second run (_first_browser_run):
    measured in Chromium, loading the code of some thirty widgets delayed the map's iframe by
    0.5 s or more. Every widget's key is set by _init_from_url, so their values are known
    before they are drawn.
    """
    _slider_bounds(first, last)
    start, end = st.session_state.window
    return ViewState(
        start=start, end=end, layers=tuple(layer_id for layer_id in LAYERS if st.session_state[f"layer_{layer_id}"]),
        categories=tuple(st.session_state.categories), actors=tuple(st.session_state.actors),
        articles=tuple(st.session_state.articles), review=tuple(st.session_state.review),
        q=st.session_state.q.strip(), event=st.session_state.get("selected_event"),
        corroboration=CORROBORATION_FILTERS[st.session_state.get("corroboration_filter", "all events")],
    )


def _sidebar(events, articles, first: date, last: date) -> None:
    sidebar = st.sidebar
    sidebar.header("Time")
    presets = date_presets(first, last)
    row = sidebar.container(horizontal=True, gap="small")  # buttons as wide as their labels (none cut to "Aug–…")
    for label, window in presets.items():
        row.button(label, key=f"preset_{label}", on_click=_set_window, args=window, width="content")
    sidebar.segmented_control("Era", list(ERAS), key="era", on_change=_on_era,
                              help="Zooms the slider to a period; the date boxes below reach every day")
    low, high = _slider_bounds(first, last)
    sidebar.slider("Date range", min_value=low, max_value=high, key="window", on_change=_on_slider,
                   format="D MMM YYYY")
    left, right = sidebar.columns(2)
    left.date_input("From", min_value=first, max_value=last, key="start_input", on_change=_on_date_inputs)
    right.date_input("To", min_value=first, max_value=last, key="end_input", on_change=_on_date_inputs)
    play_col, step_col = sidebar.columns([1, 1])
    play_col.toggle("▶ Play", key="playing", help="Step the window forward through time")
    step_col.selectbox("Step", list(PLAY_STEPS), key="play_step", label_visibility="collapsed")

    sidebar.header("Layers")
    for layer_id, layer in LAYERS.items():
        sidebar.checkbox(layer.label, key=f"layer_{layer_id}")
    for index, (name, count) in enumerate(st.session_state.get("_imports", {}).items()):
        color = import_color(index)
        sidebar.checkbox(f"Imported: {markdown_text(name)} ({count:,})", key=f"import_{name}", value=True,
                         help=f"Imported dataset, drawn in {color}")
    sidebar.toggle("Online map tiles", key="online_tiles",
                   help="OpenStreetMap tiles need internet; the vector basemap always works offline.")

    sidebar.header("Filters")
    all_actors = sorted({actor for actors in events["actors"] for actor in actors})
    sidebar.multiselect("Category", list(CATEGORIES), key="categories", format_func=lambda c: c.replace("_", " "))
    sidebar.multiselect("Actor", all_actors, key="actors")
    sidebar.multiselect("Article", list(articles), key="articles",
                        format_func=lambda a: f"{articles[a].get('outlet') or ''}: {articles[a].get('title') or a}"[:80])
    sidebar.multiselect("Review status", ["reviewed", "unreviewed", "imported"], key="review")
    sidebar.text_input("Search titles, summaries and quotes", key="q")


PLAY_INTERVAL_S = 1.5


@st.fragment(run_every=PLAY_INTERVAL_S)
def _playback(last: date) -> None:
    """While playing, move the window one step per tick and rerun the whole page.

    A full rerun also calls this fragment, so a step is taken only when a tick's worth
    of time has passed; otherwise each rerun would trigger the next at once.
    """
    now = time.monotonic()
    if now - st.session_state.get("_last_step", 0.0) < PLAY_INTERVAL_S * 0.9:
        return
    st.session_state._last_step = now
    start, end = st.session_state.window
    moved = step_window(start, end, st.session_state.play_step, last)
    if moved is None:
        st.session_state.playing = False
    else:
        _set_window(*moved)
    st.rerun()


def _on_table_select() -> None:
    rows = st.session_state.event_table["selection"]["rows"]
    if rows:
        st.session_state.selected_event = st.session_state._table_ids[rows[0]]
        st.session_state._focus_map = True


BELOW_MAP_DELAY_S = 1.2


def _first_browser_run() -> bool:
    """True once per browser session: its first run stops after the map, before the sidebar.

    Measured in headless Chromium: the browser built the map's iframe only after it had loaded
    and rendered the code of every other element (sidebar widgets, table, chart, upload and
    download widgets), 0.5–1.5 s later than on a page with the map alone. AppTest sends no
    headers, so it always gets the whole page in one run.
    """
    if st.session_state.get("_below_map_shown") or not st.context.headers.get("User-Agent"):
        st.session_state._below_map_shown = True
        return False
    st.session_state._below_map_shown = True
    return True


@st.fragment(run_every=BELOW_MAP_DELAY_S)
def _rerun_soon() -> None:
    """Rerun the whole page once, one tick after the first run drew the map."""
    if st.session_state.get("_below_map_tick"):
        st.rerun()
    st.session_state._below_map_tick = True


# The map is the hero: compact header, little padding, so it fills most of the first screen.
PAGE_CSS = """<style>
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 2.8rem; padding-bottom: 1rem;
  padding-left: 1.2rem; padding-right: 1.2rem; }
.app-title { font-size: 1.15rem; font-weight: 700; margin: 0; line-height: 1.6; }
</style>"""
MAP_HEIGHT = 700


@dataclass
class _Data:
    """Everything one run reads from the stores."""

    curated_store: object
    events: pd.DataFrame  # curated events and candidates awaiting review
    articles: dict
    candidate_sets: dict
    store: object  # the imported datasets
    imports: dict[str, int]  # dataset name -> rows
    import_errors: list[str]


def _load_data() -> _Data:
    try:
        curated_data = curated_store(os.environ.get("DASHBOARD_EVENTS_PATH"))  # files, or PostGIS for a team
        curated, articles = curated_data.events()
        candidates, candidate_sets = curated_data.candidate_events(), curated_data.candidate_sets()
        store = imported_datasets()
    except StoreError as error:
        st.error(markdown_text(str(error)))
        st.stop()
    events = curated if candidates is None else pd.concat([curated, candidates], ignore_index=True)
    import_errors: list[str] = []
    imports = store.names(errors=import_errors)
    return _Data(curated_data, events, articles, candidate_sets, store, imports, import_errors)


def _header(data: _Data, shown: pd.DataFrame, state: ViewState) -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    title_column, caption_column = st.columns([2, 3], vertical_alignment="center")
    title_column.markdown('<p class="app-title">Russia, the Taliban and Central Asia</p>', unsafe_allow_html=True)
    if st.session_state.pop("_url_error", None):
        st.warning("The link had a value that could not be read; showing the default view instead.")
    for error in data.import_errors:
        st.warning(markdown_text(f"An imported dataset could not be loaded: {error}"))
    caption_column.caption(f"Showing {len(shown)} of {len(data.events)} events · "
                           f"{state.start:%d %b %Y} – {state.end:%d %b %Y}")


def _imported_layers(data: _Data, import_names: list[str], state: ViewState) -> tuple[dict, dict, list]:
    """The imported datasets in view: their layers, colours and map groups (a click opens the card)."""
    shown_imports, import_colors, groups = {}, {}, []
    for index, (name, total) in enumerate(data.imports.items()):
        if name in import_names:
            layer = shown_imports[name] = imported_layer(data.store, name, total, state,
                                                         points_above=MAX_DETAILED_EVENTS)
            import_colors[name] = import_color(index)
            groups.append(build_grid_group(layer, import_colors[name]) if layer.aggregated else
                          build_event_group(layer.rows, {}, name=name, color=import_colors[name],
                                            selected=state.event, popups=False))
    return shown_imports, import_colors, groups


def _selected_item(data: _Data, listed: pd.DataFrame, import_names: list[str], state: ViewState):
    """The selected event or imported row; an event outside the filters still opens (a corroboration link may lead there)."""
    if not state.event:
        return None
    for frame in (listed, data.events):
        found = frame.loc[frame["id"] == state.event]
        if len(found):
            return found.iloc[0]
    return imported_row(data.store, import_names, state.event)


def _map_and_card(data: _Data, groups: list, selected, corroboration, caption: str | None) -> None:
    base = build_base_map(st.session_state.online_tiles)
    focus = selected is not None and st.session_state.get("_focus_map", True)
    center = (float(selected["lat"]), float(selected["lon"])) if focus else None
    zoom = (8 if selected["uncertainty_km"] < 50 else 5) if focus else None
    # The card column is (almost) nothing until an event is selected: the map gets the width.
    map_column, card_column = st.columns([3, 1] if selected is not None else [1, 0.001])
    with map_column:
        # No rerun on pan or zoom: only a click (its tooltip names the event), or the map's view while the
        # user exports the current view (view_report_group).
        st_folium(base, key="map", height=MAP_HEIGHT, use_container_width=True,
                  returned_objects=["last_object_clicked_tooltip"], feature_group_to_add=groups, center=center,
                  zoom=zoom, on_change=_on_map_click)
        if caption:
            st.caption(markdown_text(caption))
    with card_column:
        if selected is not None:
            st.markdown(event_card_html(selected.to_dict(), data.articles, selected["distance_to_border_km"]),
                        unsafe_allow_html=True)  # every string is escaped by event_card_html
            render_corroboration(selected.to_dict(), corroboration, data.store,
                                 dict(zip(data.events["id"], data.events["title"])))
            if st.button("Clear selection"):
                st.session_state.selected_event = None
                st.rerun()
    if selected is None:
        st.caption("Click a marker, or select a row in the table, to read an event's sources. "
                   "Country badges list the events placed only by country.")


def _below_map(data: _Data, state: ViewState, shown: pd.DataFrame, listed: pd.DataFrame, selected,
               shown_imports: dict, import_colors: dict[str, str]) -> None:
    """Timeline, table and the export, article and import panels."""
    st.subheader("Timeline")
    span_view = is_span_view(listed)
    st.caption("Drag across the chart to choose a date window"
               + ("; click an event to select it." if span_view else "."))
    st.vega_lite_chart(spec=timeline_chart(listed, state.start, selected["date_start"] if selected is not None else None,
                                           window_end=state.end, selected_id=state.event, import_colors=import_colors),
                       width="stretch", key=_timeline_key(), on_select=_on_timeline,
                       selection_mode=[BRUSH, PICK] if span_view else BRUSH)

    st.subheader("Events")
    table = events_table(listed, data.articles)
    for note in unlisted_notes(shown_imports):
        st.caption(markdown_text(note))
    st.session_state._table_ids = table["id"].tolist()
    st.dataframe(highlight_row(table, state.event), key="event_table", hide_index=True, width="stretch",
                 on_select=_on_table_select, selection_mode="single-row")

    export_tab, article_tab, import_tab = st.tabs(["Export this view", "Add an article", "Import a dataset"])
    with export_tab:
        render_export_panel(shown, data.articles, state,
                            st.session_state.get("_map_view") if follows_map_view() else None,
                            imported=list(shown_imports))
    with article_tab:
        render_ingest_panel(CANDIDATES_DIR, known_articles=data.articles, store=data.curated_store)
        for set_key, collection in data.candidate_sets.items():
            render_review_panel(collection, candidates_path=CANDIDATES_DIR / f"{set_key}.geojson",
                                key=f"review-{set_key}", store=data.curated_store)
    with import_tab:
        render_import_panel()


def main() -> None:
    _static_assets()
    if not st.get_option("server.enableStaticServing"):
        st.error("The map needs Streamlit's static file serving to load Leaflet offline. Start the app with "
                 "`bash dashboard/run.sh` or `streamlit run dashboard/app.py` from the repository root, where "
                 ".streamlit/config.toml switches it on.")
    data = _load_data()
    st.session_state._imports = data.imports
    first, last = data.events["date_start"].min().date(), data.events["date_end"].max().date()
    _init_from_url(first, last)
    state = _view_state(first, last)
    if st.session_state.playing:
        _playback(last)
    else:
        st.session_state._last_step = time.monotonic()  # the first step comes one tick after Play
    st.query_params.from_dict(state_to_query(state))

    # Imported datasets whose layer is on: their rows join the table, timeline and exports, and
    # each event carries the rows that corroborate it (one store join per dataset, cached).
    import_names = [name for name in data.imports if st.session_state.get(f"import_{name}", True)]
    corroboration = cached_corroboration(data.store, import_names, data.events)
    shown = with_corroboration(filter_by_corroboration(filter_events(data.events, state), corroboration,
                                                       state.corroboration), corroboration)
    _header(data, shown, state)

    shown_imports, import_colors, import_groups = _imported_layers(data, import_names, state)
    listed = pd.concat([shown, *listed_rows(shown_imports)], ignore_index=True)  # events and imported rows
    selected = _selected_item(data, listed, import_names, state)
    groups = [*build_layer_groups(state.layers), *import_groups, build_overlays(shown, state.layers, import_colors),
              view_report_group(follows_map_view()),  # pans rerun the page only while exporting the view
              # Last (tests fit the map to it); no popups: a click selects the event and its card shows beside it.
              build_event_group(shown, data.articles, selected=state.event, popups=False)]
    _map_and_card(data, groups, selected, corroboration,
                  " · ".join(layer.caption() for layer in shown_imports.values()) or None)

    if _first_browser_run():
        st.sidebar.caption("Loading the controls…")
        _rerun_soon()  # the controls, timeline, table and panels come with the next run, a moment later
        return
    _sidebar(data.events, data.articles, first, last)  # after the map: see _view_state
    if corroboration.datasets:
        st.sidebar.radio("Corroboration by imported data", list(CORROBORATION_FILTERS), key="corroboration_filter")
    _below_map(data, state, shown, listed, selected, shown_imports, import_colors)

main()
