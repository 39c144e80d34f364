"""Template and script injection: every payload × every origin × every output, built in-process.

folium/branca compile some strings as Jinja templates (``{{ }}`` would run on the server),
Leaflet puts popups and tooltips in the page as HTML, folium writes tooltips into JavaScript
template literals, matplotlib reads ``$…$`` as maths and spreadsheets run ``=…`` cells. Each
origin below gets its own markers around the payload (``ZZ<origin>ZZ … ZZ<origin>endZZ``), so a
check can say where a value landed and what became of it: the text between the markers, as the
output shows it, is the payload itself, never its evaluation ("49", a pid, "x") nor markup.
Outputs are built once per payload (a few seconds for the whole matrix); the live app in
Chromium is tested in test_e2e_features.py.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser

import pandas as pd
import pytest
from matplotlib.text import Text

from dashboard.data import prepare_events
from dashboard.export import build_snapshot_figure, export_bytes, snapshot_title
from dashboard.filters import ViewState
from dashboard.imports import DatasetImportError, import_dataset
from dashboard.ingest import ingest_bytes
from dashboard.mapping import build_map, standalone_html
from dashboard.store import imported_datasets
from hostile import INJECTION_PAYLOADS

ORIGINS = ["q", "category", "actor", "title", "summary", "quote", "place", "eventactor", "articletitle", "outlet",
           "importvalue", "importcolumn", "filename"]
OUTPUTS = ["html", "map", "png", "pdf", "geojson", "csv"]
FIGURES = {"png", "pdf"}
EVENT_TEXT = {"html", "map", "geojson", "csv"}
# Where each origin must be seen; anywhere else it may be absent, but never other than literal.
SHOWN_IN = {
    "q": {"html", "png", "pdf"},
    "category": {"html", "png", "pdf"},
    "actor": {"html", "png", "pdf"},
    "title": EVENT_TEXT,
    "summary": EVENT_TEXT,
    "quote": EVENT_TEXT,
    "place": EVENT_TEXT,
    "eventactor": {"geojson", "csv"},
    "articletitle": {"html", "map", "png", "pdf", "csv"},
    "outlet": {"html", "map", "png", "pdf", "csv"},
    "importvalue": EVENT_TEXT,
    "importcolumn": {"geojson", "csv"},
    "filename": {"html", "map", "png", "pdf", "csv"},  # an uploaded file's name is its title when none is given
}
ARTICLE_TEXT = "On 5 August 2021 Russian and Tajik troops held drills at the Kharb-Maydon range near Dushanbe."
TODAY = date(2026, 1, 1)


def wrap(origin: str, payload: str) -> str:
    return f"ZZ{origin}ZZ{payload}ZZ{origin}endZZ"


def _event(event_id: str, lon: float, lat: float, **props) -> dict:
    base = {
        "id": event_id, "title": f"Event {event_id}", "summary": "", "category": "diplomacy",
        "actors": ["Russia"], "date_start": "2021-08-10", "date_end": "2021-08-10", "date_precision": "day",
        "date_basis": "explicit", "place": "Dushanbe", "country": "TJK", "location_precision": "city",
        "location_basis": "explicit",
        "uncertainty_km": 8.0, "sources": [{"article": "art-h", "quote": "A quote."}], "review_status": "reviewed",
    }
    return {"type": "Feature", "properties": {**base, **props}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def _imported_csv(payload: str, imports_dir) -> pd.DataFrame | str:
    """A generic CSV whose title and notes are the payload; the frame, or the refusal's message."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["lat", "lon", "date", "title", "notes"])
    writer.writerow(["36.7", "68.9", "2021-08-03", wrap("importvalue", payload), wrap("importvalue", payload)])
    try:
        import_dataset(buffer.getvalue().encode(), format="csv", name="hostile-csv", imports_dir=imports_dir)
    except DatasetImportError as error:
        return str(error)
    return imported_datasets(imports_dir).rows("hostile-csv", ViewState())


def _imported_geojson(payload: str, imports_dir) -> pd.DataFrame | str:
    """Event-shaped GeoJSON features with an extra property whose name is the payload."""
    feature = _event("g1", 69.0, 36.0, sources=[{"citation": "a dataset", "quote": "q"}], review_status="imported")
    feature["properties"][wrap("importcolumn", payload)] = "value"
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    try:
        import_dataset(data, format="geojson", name="hostile-geojson", imports_dir=imports_dir)
    except DatasetImportError as error:
        return str(error)
    return imported_datasets(imports_dir).rows("hostile-geojson", ViewState())


def filename_payload(payload: str) -> str:
    """An uploaded file's name carries no folders: '/' and '\\' cannot be part of it."""
    return payload.replace("/", "⁄").replace("\\", "⧵")


@lru_cache(maxsize=None)
def hostile_view(key: str):
    """(state, curated-like events, articles, imported frames, refusals) with the payload at every origin."""
    payload = INJECTION_PAYLOADS[key]
    state = ViewState(start=date(2021, 1, 1), end=date(2021, 12, 31), layers=("border",),
                      categories=(wrap("category", payload),), actors=(wrap("actor", payload),),
                      q=wrap("q", payload))
    articles = {"art-h": {"id": "art-h", "title": wrap("articletitle", payload), "outlet": wrap("outlet", payload),
                          "published": "2021-08-20"}}
    features = [_event("h1", 68.78, 38.54, title=wrap("title", payload), summary=wrap("summary", payload),
                       place=wrap("place", payload), actors=[wrap("eventactor", payload)],
                       sources=[{"article": "art-h", "quote": wrap("quote", payload)}])]
    refused = {}
    candidates = ingest_bytes(ARTICLE_TEXT.encode(), wrap("filename", filename_payload(payload)) + ".txt",
                              "2021-08-10", known_articles=dict(articles), today=TODAY)
    if "article" in candidates:
        articles[candidates["article"]["id"]] = candidates["article"]
    features += candidates["features"]
    events = prepare_events({"type": "FeatureCollection", "features": features})
    imports_dir = _tmp_dir(key)
    imports = {}
    for name, made in (("hostile-csv", _imported_csv(payload, imports_dir)),
                       ("hostile-geojson", _imported_geojson(payload, imports_dir))):
        if isinstance(made, str):
            refused[name] = made
        else:
            imports[name] = made
    return state, events, articles, imports, refused


def _tmp_dir(key: str):
    import tempfile  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    return Path(tempfile.mkdtemp(prefix=f"injection-{key}-"))


def all_events(key: str) -> pd.DataFrame:
    _state, events, _articles, imports, _refused = hostile_view(key)
    return pd.concat([events, *imports.values()], ignore_index=True)


# ------------------------------------------------------------------ reading each output back


class _Fragment(HTMLParser):
    """An HTML fragment as a browser would see it: its tags and attributes, and its text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


ALLOWED_TAGS = {"div", "b", "p", "blockquote", "br", "small", "span", "ol", "ul", "li", "code"}
URL_ATTRIBUTES = {"href", "src", "srcdoc", "action", "formaction", "xlink:href"}
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_TOOLTIPS = re.compile(r"bindTooltip\(\s*`((?:[^`\\]|\\.)*)`", re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def html_texts(page: str) -> list[str]:
    """The title and every popup, tooltip, card and label of a folium page that carries a
    marked value, as the reader sees it.

    Every string in the page's scripts that holds a marker is read as the HTML Leaflet makes of
    it; fails on any markup there beyond the cards' own plain tags (no script, img or svg, no
    event handler, no link) and on a '${' in a JavaScript template literal.
    """
    texts = [unescape(match) for match in _TITLE.findall(page)]
    fragments = [json.loads(literal) for literal in _STRINGS.findall(page) if "ZZ" in literal]
    for literal in _TOOLTIPS.findall(page):
        assert "${" not in literal, literal[:200]
        fragments.append(literal.replace("\\`", "`"))
    for fragment in fragments:
        parsed = _Fragment(fragment)
        for tag, attrs in parsed.tags:
            assert tag in ALLOWED_TAGS, f"<{tag}> in {fragment[:200]!r}"
            for name, _value in attrs:
                assert not name.startswith("on") and name not in URL_ATTRIBUTES, f"<{tag} {name}> in {fragment[:200]!r}"
        texts.append("".join(parsed.text))
    return texts


def figure_texts(figure) -> list[str]:
    """Every string matplotlib is given to draw; none of them may be read as mathtext."""
    texts = []
    for text in figure.findobj(Text):
        assert not text.get_usetex()
        assert not text.get_parse_math() or "$" not in text.get_text(), text.get_text()[:200]
        texts.append(text.get_text())
    return texts


def json_texts(value) -> list[str]:
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (str(key), *json_texts(item))]
    if isinstance(value, list):
        return [text for item in value for text in json_texts(item)]
    return [value] if isinstance(value, str) else []


@lru_cache(maxsize=None)
def output_texts(key: str, output: str) -> tuple[str, ...]:
    state, events, articles, imports, _refused = hostile_view(key)
    everything = all_events(key)
    if output == "html":
        return tuple(html_texts(export_bytes("html", everything, articles, state).decode("utf-8")))
    if output == "map":  # the live map's folium objects, curated events and imported layers apart
        page = standalone_html(build_map(events, articles, state.layers, imports=imports))
        return tuple(html_texts(page))
    if output in FIGURES:
        rendered = export_bytes(output, everything, articles, state, size="800x500")  # draws without error
        assert rendered.startswith(b"%PDF" if output == "pdf" else b"\x89PNG")
        return _figure_texts(key)
    if output == "geojson":
        return tuple(json_texts(json.loads(export_bytes("geojson", everything, articles, state))))
    if output == "csv":
        text = export_bytes("csv", everything, articles, state).decode("utf-8-sig")
        return tuple(cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row)
    raise AssertionError(output)


@lru_cache(maxsize=None)
def _figure_texts(key: str) -> tuple[str, ...]:
    """The strings of the slide-sized figure (PNG and PDF draw the same figure)."""
    state, _events, articles, _imports, _refused = hostile_view(key)
    figure = build_snapshot_figure(all_events(key), articles, state.layers, title=snapshot_title(state), size="slide")
    return tuple(figure_texts(figure))


def shown_as(payload: str, output: str, origin: str) -> str:
    """The payload as the output shows it: HTML cannot carry NUL (the encoder shows U+FFFD)."""
    if origin == "filename":
        payload = filename_payload(payload)
    return payload.replace("\x00", "\ufffd") if output in ("html", "map") else payload


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("key", list(INJECTION_PAYLOADS))
def test_payload_comes_out_literally(key, origin, output):
    payload = INJECTION_PAYLOADS[key]
    refused = hostile_view(key)[4]
    if origin in ("importvalue", "importcolumn") and refused:
        message = refused["hostile-csv" if origin == "importvalue" else "hostile-geojson"]
        assert "\n" not in message and len(message) < 500, message[:200]
        return
    start, end = f"ZZ{origin}ZZ", f"ZZ{origin}endZZ"
    expected = shown_as(payload, output, origin)
    found = 0
    for text in output_texts(key, output):
        for match in re.finditer(re.escape(start), text):
            rest = text[match.end():]
            if output in FIGURES:  # figure text is wrapped into lines and cut visibly when too long
                rest = _compact(rest)
                body = rest.split(end, 1)[0].removesuffix("…")
                assert _compact(expected).startswith(body), f"{origin} in {output}: {rest[:120]!r}"
                assert end in rest or "…" in rest or len(body) > 40, f"{origin} cut silently: {rest[:120]!r}"
            else:
                assert rest.startswith(expected + end), f"{origin} in {output}: {rest[:120]!r}"
            found += 1
    texts = output_texts(key, output)
    cut_title = output in FIGURES and any(t.startswith("Events,") and t.endswith("…") for t in texts)
    if output in SHOWN_IN[origin] and not (output in FIGURES and (len(payload) > 1000 or cut_title)):
        assert found, f"{origin} not shown in {output}"


def test_the_matrix_is_the_size_asked_for():
    """At least 12 payloads, every origin and every export format (a guard against a shrinking matrix)."""
    assert len(INJECTION_PAYLOADS) >= 12 and len(INJECTION_PAYLOADS["long"]) == 10_000
    assert {"q", "category", "actor", "title", "summary", "quote", "articletitle", "outlet", "importvalue",
            "importcolumn", "filename"} <= set(ORIGINS)
    assert {"html", "png", "pdf", "geojson", "csv"} <= set(OUTPUTS)


@pytest.mark.parametrize("key", list(INJECTION_PAYLOADS))
def test_a_dataset_name_that_is_not_a_plain_name_is_refused_with_one_line(key, tmp_path):
    data = b"lat,lon,date\n36.7,68.9,2021-08-03\n"
    with pytest.raises(DatasetImportError, match=r"^dataset name .* is not allowed") as raised:
        import_dataset(data, format="csv", name=INJECTION_PAYLOADS[key], imports_dir=tmp_path)
    assert "\n" not in str(raised.value)
    assert not list(tmp_path.iterdir())


def test_no_text_reaches_the_map_as_a_template():
    """The structural guard: every element compiled from a string is the app's own constant, so
    nothing from a user or a file is ever a Jinja template (folium.Element(text) would be one)."""
    state, events, articles, imports, _refused = hostile_view("jinja-python")
    m = build_map(events, articles, state.layers, imports=imports)
    m.get_root().title = "a title"

    def walk(element):
        yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    from dashboard.mapping import _MAP_CSS  # noqa: PLC0415

    compiled = [getattr(element, "_template_str", None) for element in walk(m.get_root())]
    assert [text for text in compiled if text is not None and text != _MAP_CSS] == []


def test_export_cli_writes_the_search_text_literally(tmp_path):
    """`python -m dashboard.export --q '{{7*7}}' --out x.html` shows {{7*7}}, it does not compute it."""
    from dashboard.export import main  # noqa: PLC0415

    out = tmp_path / "x.html"
    assert main(["--start", "2021-08-01", "--end", "2021-10-31", "--layers", "border", "--q", "{{7*7}}",
                 "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    (title,) = _TITLE.findall(page)
    assert "search: “{{7*7}}”" in unescape(title)
    assert "49" not in unescape(title)


def test_the_one_encoder_leaves_no_character_a_template_script_or_markdown_would_read():
    from dashboard.formatting import escape  # noqa: PLC0415

    encoded = escape("{{ x }} {% y %} `${z}` \\ $m$ <a href='j'>\"\n\n\x00")
    assert not set(encoded) & set("{}`$\\<>\"'\n\r\x00")
    assert unescape(encoded) == "{{ x }} {% y %} `${z}` \\ $m$ <a href='j'>\"\n\n\ufffd"


def test_csv_header_cells_from_imported_property_names_are_guarded():
    events = prepare_events({"type": "FeatureCollection", "features": [
        {**_event("c1", 68.8, 38.5), "properties": {**_event("c1", 68.8, 38.5)["properties"], "=HYPERLINK(1)": "v"}}]})
    text = export_bytes("csv", events, {"art-h": {"id": "art-h", "title": "t"}}, ViewState()).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert "'=HYPERLINK(1)" in header and "=HYPERLINK(1)" not in header


def test_basemap_names_reach_their_tooltips_encoded(monkeypatch):
    """Countries and rivers show their names through folium's GeoJsonTooltip, which writes them as HTML."""
    import dashboard.mapping as mapping  # noqa: PLC0415
    from dashboard.formatting import escape  # noqa: PLC0415

    name = "<img src=x onerror=window.__xss=1>{{7*7}}"
    hostile = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Point", "coordinates": [69.0, 37.0]}}]}
    monkeypatch.setattr(mapping, "load_context", lambda _name: hostile)
    (feature,) = mapping._display_copy.__wrapped__("context", "countries", 0.0)["features"]
    assert feature["properties"]["name"] == escape(name) and unescape(escape(name)) == name
