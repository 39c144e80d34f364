"""The card's corroboration section: which imported rows match the selected event, or why none does.

A curated or candidate event lists, per dataset shown, the rows that corroborate it (each a
button that selects the row), or says honestly why nothing matches: too imprecise to compare,
or no row within the dates and the distance (with the nearest rows in place and in time). An
imported row lists the events it corroborates. Every string from data goes through
``markdown_text`` (Streamlit renders button labels and captions as markdown).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.corroboration import (
    NEVER_CORROBORATING_PRECISIONS,
    Corroboration,
    days_text,
    near_miss,
    no_match_text,
    rules_text,
    why_not_compared,
)
from dashboard.formatting import markdown_text


def listed_rows(layers: dict) -> list[pd.DataFrame]:
    """The imported rows the table lists: those of layers drawn one by one with their cards.

    A layer with more matching rows (drawn as plain dots or grid counts) says so in its
    caption instead; narrowing the window brings its rows into the table.
    """
    return [layer.rows for layer in layers.values() if not layer.aggregated and not getattr(layer, "points_only", False)]


def unlisted_notes(layers: dict) -> list[str]:
    """A line for each imported layer whose rows are on the map but too many for the table."""
    return [f"{layer.name}: {layer.matching:,} rows in this view are on the map but too many to list here; "
            "narrow the window or the filters to list them." for layer in layers.values()
            if layer.aggregated or getattr(layer, "points_only", False)]


def imported_row(store, names, row_id: str) -> pd.Series | None:
    """An imported row by its id (``NAME:…``), read from the store even when outside the view."""
    name = row_id.split(":", 1)[0]
    if name not in names:
        return None
    found = store.rows_by_id(name, [row_id])
    return found.iloc[0] if len(found) else None


def _select(event_id: str) -> None:
    st.session_state.selected_event = event_id
    st.session_state._focus_map = True


def _button(label: str, target: str, key: str) -> None:
    st.button(markdown_text(label), key=key, on_click=_select, args=(target,), width="stretch")


def render_corroboration(event: dict, corroboration: Corroboration, store, titles: dict[str, str]) -> None:
    """Below the card: the selected event's corroboration (``titles``: event id -> title, for imported rows)."""
    if not corroboration.datasets:
        return
    if event.get("review_status") == "imported":
        _render_row(event, corroboration, titles)
    else:
        _render_event(event, corroboration, store)
    with st.expander("How corroboration is decided"):
        st.caption(markdown_text(rules_text()))


def _render_event(event: dict, corroboration: Corroboration, store) -> None:
    reason = why_not_compared(event)
    if reason:
        st.caption(markdown_text(f"Not compared with imported data: {reason}."))
        return
    for name in corroboration.datasets:
        matches = [m for m in corroboration.matches(event["id"]) if m["dataset"] == name]
        if matches:
            st.markdown(markdown_text(f"Corroborated by {len(matches)} row{'s' if len(matches) != 1 else ''} "
                                      f"in {name}"))
            for match in matches:
                _button(f"{match['id']} · {match['distance_km']:g} km · {days_text(match['days_apart'])}",
                        match["id"], key=f"corroborating-{match['id']}")
        else:
            st.caption(markdown_text(no_match_text(name, event, near_miss(store, name, event))))


def _render_row(event: dict, corroboration: Corroboration, titles: dict[str, str]) -> None:
    if event.get("location_precision") in NEVER_CORROBORATING_PRECISIONS:
        st.caption(markdown_text(f"This row is located only to the {event['location_precision']}: "
                                 "it never corroborates an event."))
        return
    corroborated = corroboration.by_row.get(event["id"], [])
    if not corroborated:
        st.caption("This row corroborates none of the articles' events.")
        return
    st.markdown(markdown_text(f"Corroborates {len(corroborated)} event{'s' if len(corroborated) != 1 else ''}"))
    for item in corroborated:
        title = titles.get(item["event"], item["event"])
        _button(f"{title} · {item['distance_km']:g} km · {days_text(item['days_apart'])}", item["event"],
                key=f"corroborated-{item['event']}")
