"""Streamlit panels: upload an article, then accept or reject its candidate events.

The app calls these with plain arguments; they read and write files only through
dashboard.ingest and dashboard.review. Buttons act in ``on_click`` callbacks, which run
before the script reruns, so the list the app loads next already reflects the change.
Every string from an article reaches the page as escaped Markdown text, never as HTML.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from dashboard.events import ARTICLES_PATH, CATEGORIES, EVENTS_PATH
from dashboard.formatting import format_event_date, markdown_text
from dashboard.ingest import IngestError, article_id_of, ingest_bytes, summary, write_candidates
from dashboard.review import ReviewError, accept_events, reject_events

def plain(text: object) -> str:
    """Text shown literally by st.markdown: Markdown and HTML characters are escaped."""
    return markdown_text(" ".join(str(text).split()))


def render_ingest_panel(
    candidates_dir: Path,
    *,
    known_articles: dict[str, dict] | None = None,
    today: date | None = None,
    key: str = "ingest",
    store=None,
) -> Path | None:
    """Upload a text article and write its candidate events to ``candidates_dir/<article id>.geojson``.

    Returns the written path on the run that wrote it, else None. Bad input shows st.error.
    """
    today = today or date.today()
    st.subheader("Add an article")
    upload = st.file_uploader("Article text (UTF-8 .txt)", type=["txt", "text", "md"], key=f"{key}-file")
    published = st.date_input("Published", value=None, max_value=today, format="YYYY-MM-DD", key=f"{key}-published")
    month_only = st.checkbox("Only the month of publication is known", key=f"{key}-month")
    title = st.text_input("Title", key=f"{key}-title")
    outlet = st.text_input("Outlet", key=f"{key}-outlet")
    url = st.text_input("URL", key=f"{key}-url")
    replace = st.checkbox("Replace existing candidates for this article", key=f"{key}-replace")
    if not st.button("Extract candidate events", key=f"{key}-run", type="primary"):
        return None
    if upload is None:
        st.error("Choose an article file first.")
        return None
    if published is None:
        st.error("Enter the publication date.")
        return None
    published_text = published.strftime("%Y-%m") if month_only else published.isoformat()
    try:
        collection = ingest_bytes(
            upload.getvalue(), upload.name, published_text, title=title or None, outlet=outlet or None,
            url=url or None, known_articles=known_articles, today=today,
        )
        path = Path(candidates_dir) / f"{article_id_of(collection)}.geojson"  # the id comes from the text
        if store is not None:  # dashboard.store.curated: a file on one machine, rows in PostGIS for a team
            store.add_candidates(path.stem, collection, overwrite=replace)
        else:
            Path(candidates_dir).mkdir(parents=True, exist_ok=True)
            write_candidates(collection, path, overwrite=replace)
    except IngestError as error:
        st.error(plain(str(error).replace(str(Path(candidates_dir)) + "/", "")))
        return None
    st.success(plain(summary(collection) + ". Review them below."))
    return path


def _describe(properties: dict) -> str:
    when = format_event_date(date.fromisoformat(str(properties["date_start"])),
                             date.fromisoformat(str(properties["date_end"])), properties["date_precision"])
    category = CATEGORIES.get(properties.get("category", ""), properties.get("category", ""))
    return (f"{when} ({properties['date_basis']}) · {properties['place']}, {properties['country']} "
            f"({properties['location_precision']}, ±{properties['uncertainty_km']:g} km) · {category}")


def render_review_panel(
    candidates: dict,
    *,
    candidates_path: Path,
    events_path: Path = EVENTS_PATH,
    articles_path: Path = ARTICLES_PATH,
    key: str = "review",
    store=None,
) -> None:
    """List the candidates of one file, each with its quote and Accept / Reject buttons.

    With ``store`` (dashboard.store.curated), accept and reject go through it, under the
    candidates' key ``candidates_path.stem``; otherwise straight to the files.
    """
    message_key = f"{key}-message"
    if message_key in st.session_state:
        kind, text = st.session_state.pop(message_key)
        (st.success if kind == "ok" else st.error)(plain(text))  # messages quote ids and file text

    features = candidates.get("features") or []
    article = candidates.get("article") or {}
    heading = f"{len(features)} candidate event{'s' if len(features) != 1 else ''} to review"
    if article.get("title"):
        heading += f" from “{article['title']}”"
    st.markdown(f"**{plain(heading)}**")
    if not features:
        st.caption("Nothing left to review in this file.")
        return

    def act(action: str, ids: list[str]) -> None:
        try:
            if action == "accept" and store is not None:
                done = store.accept(Path(candidates_path).stem, ids)
                st.session_state[message_key] = ("ok", f"Accepted {len(done)} event(s) into the curated dataset.")
            elif action == "accept":
                done = accept_events(candidates_path, ids, events_path=events_path, articles_path=articles_path)
                st.session_state[message_key] = ("ok", f"Accepted {len(done)} event(s) into the curated dataset.")
            else:
                done = store.reject(Path(candidates_path).stem, ids) if store is not None else reject_events(
                    candidates_path, ids)
                st.session_state[message_key] = ("ok", f"Rejected {len(done)} candidate(s).")
        except (ReviewError, OSError) as error:
            st.session_state[message_key] = ("error", str(error).splitlines()[0])

    all_ids = [f["properties"]["id"] for f in features]
    left, right = st.columns(2)
    left.button("Accept all", key=f"{key}-accept-all", on_click=act, args=("accept", all_ids))
    right.button("Reject all", key=f"{key}-reject-all", on_click=act, args=("reject", all_ids))

    for feature in features:
        properties = feature["properties"]
        event_id = properties["id"]
        with st.container(border=True):
            st.markdown(f"**{plain(properties['title'])}**")
            st.caption(plain(_describe(properties)))
            for source in properties.get("sources", []):
                st.markdown("> " + plain(source.get("quote", "")))
            read = properties.get("extraction") or {}
            notes = []
            if read:
                notes.append(f"read “{read.get('date_text')}” as the date and “{read.get('place_text')}” as the place")
            if properties.get("date_note"):
                notes.append(properties["date_note"])
            if notes:
                st.caption(plain("; ".join(notes)))
            accept_column, reject_column = st.columns(2)
            accept_column.button("Accept", key=f"{key}-accept-{event_id}", on_click=act, args=("accept", [event_id]))
            reject_column.button("Reject", key=f"{key}-reject-{event_id}", on_click=act, args=("reject", [event_id]))
