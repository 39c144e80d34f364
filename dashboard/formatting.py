"""Human-readable text for events: dates at their precision, escaped HTML cards."""

from __future__ import annotations

import re
from datetime import date
from html import escape as _html_escape

import pandas as pd

from dashboard.symbology import is_approximate
from dashboard.placement import basis_phrase, distance_is_meaningful, why_no_distance


# Beyond HTML's own five: braces (Jinja), backtick, dollar and backslash (JavaScript template
# literals such as folium's tooltips, and Streamlit's maths), line breaks (a blank line would
# end a Markdown HTML block) and NUL (which HTML cannot carry; shown as U+FFFD instead).
_ENTITIES = str.maketrans({
    "{": "&#123;", "}": "&#125;", "`": "&#96;", "$": "&#36;", "\\": "&#92;",
    "\n": "&#10;", "\r": "&#13;", "\x00": "\ufffd",
})


def escape(value: object) -> str:
    """Text from any source, made safe for every place the map puts it: the one encoder.

    HTML-escaped, and every character that means something to the layers the text passes
    through is an HTML entity too: braces (branca renders templates with Jinja), backtick,
    dollar and backslash (folium writes tooltips into JavaScript template literals;
    Streamlit's Markdown reads $…$ as maths) and line breaks (a blank line ends a Markdown
    HTML block). As entities they all still read as themselves in popups, tooltips, titles
    and cards.
    """
    return _html_escape(str(value)).translate(_ENTITIES)


def _as_date(value) -> date:
    return value.date() if isinstance(value, pd.Timestamp) else value


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")


def markdown_text(text: object) -> str:
    """Text shown literally by Streamlit's markdown (st.markdown, st.error, …): no links, HTML or maths."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def format_event_date(start, end, precision: str) -> str:
    """'3 Aug 1995', 'Aug 2021', '2015', '7–9 Sep 2021', '1979–1989' — never more precise than known."""
    start, end = _as_date(start), _as_date(end)
    if precision == "day":
        return f"{start.day} {start:%b %Y}"
    if precision == "month":
        return f"{start:%b %Y}"
    if precision == "year":
        return f"{start.year}"
    # A stated interval: write only the parts that differ.
    if start == end:
        return f"{start.day} {start:%b %Y}"
    whole_years = (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31)
    if whole_years:
        return f"{start.year}–{end.year}"
    whole_months = start.day == 1 and end == (pd.Timestamp(end) + pd.offsets.MonthEnd(0)).date()
    if whole_months:
        if start.year == end.year:
            return f"{start:%b}–{end:%b %Y}"
        return f"{start:%b %Y}–{end:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b}–{end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y}–{end.day} {end:%b %Y}"


def format_distance_km(km: float | None) -> str:
    if km is None or pd.isna(km):
        return "unknown"
    return f"{km:,.0f} km" if km >= 10 else f"{km:.1f} km"


def event_card_html(event: dict, articles: dict[str, dict], distance_km: float | None = None) -> str:
    """The popup/card for one event. Every string from data is escaped here, once."""
    e = {key: escape(str(value)) if isinstance(value, str) else value for key, value in event.items()}
    when = escape(format_event_date(event["date_start"], event["date_end"], event["date_precision"]))
    where = f"{e['place']} ({escape(event.get('country', ''))})"
    approx = ""
    if is_approximate(event.get("location_precision"), event.get("uncertainty_km")):
        approx = f" · approximate, ±{event.get('uncertainty_km', 0):,.0f} km"
    review = ""
    if event.get("review_status") and event["review_status"] != "reviewed":
        review = f'<div class="ev-review">{escape(event["review_status"])}</div>'
    parts = [
        '<div class="event-card">',
        review,
        f"<b>{e['title']}</b>",
        f'<div class="ev-meta">{when} · {escape(event.get("category", "")).replace("_", " ")}</div>',
        f'<div class="ev-meta">{where}{approx}</div>',
    ]
    if event.get("review_status") == "imported":
        parts.append(_imported_details(event))
    basis = basis_phrase(event)
    if basis:
        parts.append(f'<div class="ev-meta ev-place-basis">{escape(basis[:1].upper() + basis[1:])}</div>')
    if not distance_is_meaningful(event.get("location_precision")):
        parts.append(f'<div class="ev-meta ev-no-distance">{escape(why_no_distance(event))}</div>')
    elif distance_km is not None and not pd.isna(distance_km):
        parts.append(f'<div class="ev-meta">{format_distance_km(distance_km)} from the Tajik–Afghan border</div>')
    if event.get("summary"):
        parts.append(f"<p>{e['summary']}</p>")
    for source in event.get("sources", []):
        article = articles.get(source.get("article") or "", {})
        cite = ", ".join(
            escape(str(part)) for part in (article.get("title"), article.get("outlet"), article.get("published")) if part
        ) or escape(source.get("citation") or source.get("article") or "")
        parts.append(f'<blockquote>“{escape(source.get("quote", ""))}”<br><small>— {cite}</small></blockquote>')
    parts.append("</div>")
    return "".join(parts)


def _imported_details(event: dict) -> str:
    """An imported row's own facts: its dataset and row id, precision, actors and fatalities where given."""
    def present(value) -> bool:
        return value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value).strip() != ""

    lines = [f"Imported row <span class=\"ev-row-id\">{escape(event.get('id', ''))}</span> of dataset "
             f"<b>{escape(event.get('dataset') or str(event.get('id', '')).split(':')[0])}</b>"]
    precision = escape(event.get("location_precision", ""))
    if present(event.get("location_note")):
        precision += f" — {escape(event['location_note'])}"
    lines.append(f"Location precision: {precision}")
    if present(event.get("date_note")):
        lines.append(f"Dates: {escape(event['date_note'])}")
    actors = event.get("actors")
    if actors is not None and len(actors):
        lines.append("Actors: " + escape("; ".join(str(actor) for actor in actors)))
    for key, label in (("fatalities", "Fatalities"), ("best", "Deaths (best estimate)")):
        if present(event.get(key)):
            lines.append(f"{label}: {escape(event[key])}")
    return "".join(f'<div class="ev-meta ev-imported">{line}</div>' for line in lines)


def events_table(events: pd.DataFrame, articles: dict[str, dict]) -> pd.DataFrame:
    """The event table shown under the map: readable columns, one row per event, in date order.

    Streamlit draws dataframes as text (never HTML), so strings stay as the data gives them.
    """
    def cited(sources) -> str:
        names = []
        for source in sources:
            article = articles.get(source.get("article") or "")
            if article:
                names.append(article.get("outlet") or article.get("title") or source["article"])
            else:
                names.append(source.get("citation") or source.get("article") or "")
        return "; ".join(dict.fromkeys(names))

    ordered = events.sort_values(["date_start", "id"])
    return pd.DataFrame({
        "id": ordered["id"],
        "date": [format_event_date(s, e, p) for s, e, p in zip(ordered["date_start"], ordered["date_end"], ordered["date_precision"])],
        "title": ordered["title"],
        "category": ordered["category"].str.replace("_", " "),
        "place": ordered["place"],
        "country": ordered["country"],
        "± km": ordered["uncertainty_km"],
        "to border, km": (ordered["distance_to_border_km"].round(0).where(
            ordered["location_precision"].map(distance_is_meaningful))
            if "distance_to_border_km" in ordered else None),
        "location": ordered["location_precision"] + ", " + ordered.get("location_basis", pd.Series("", index=ordered.index)).fillna(""),
        "sources": ordered["sources"].map(cited),
        "status": ordered["review_status"],
        **({"dataset": ordered["dataset"].fillna("")} if "dataset" in ordered else {}),
        **({"corroborated by": ordered["corroborated_by"].map(_corroboration_cell)}
           if "corroborated_by" in ordered else {}),
    })


def _corroboration_cell(matches) -> str:
    """'2 rows (ged)' for an event, '' for an imported row (it has no such list)."""
    if not isinstance(matches, list):
        return ""
    if not matches:
        return "none"
    datasets = ", ".join(dict.fromkeys(m["dataset"] for m in matches))
    return f"{len(matches)} row{'s' if len(matches) != 1 else ''} ({datasets})"


SELECTED_ROW_STYLE = "background-color: #fff3b0; font-weight: 600"


def format_km(value) -> str:
    """A distance as people read it: '2,752', '25', '0.5'; blank when there is none."""
    if value is None or pd.isna(value):
        return ""
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:g}"


def highlight_row(table: pd.DataFrame, event_id: str | None):
    """The table without its id column, the selected event's row highlighted (a pandas Styler).

    Distances are formatted here: a Styler otherwise prints every float with six decimals.
    """
    selected = set(table.index[table["id"] == event_id])
    shown = table.drop(columns=["id"])
    distances = [column for column in ("± km", "to border, km") if column in shown]
    return (shown.style.apply(lambda row: [SELECTED_ROW_STYLE if row.name in selected else ""] * len(row), axis=1)
            .format(format_km, subset=distances))
