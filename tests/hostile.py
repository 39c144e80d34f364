"""A hostile dataset for escaping tests: script-injection text in every text field.

Any of these strings reaching a popup, tooltip or table unescaped sets ``window.__xss`` or
opens a dialog. Used by the importer's browser test and by the live-app test.
"""

from __future__ import annotations

import csv
from pathlib import Path

HOSTILE_STRINGS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '<a href="javascript:window.__xss=1">x</a>',
    '"><svg onload=window.__xss=1>',
    "'><iframe src=\"javascript:window.__xss=1\"></iframe>",
    "</script><script>window.__xss=1;alert(1)</script>",
    "<details open ontoggle=window.__xss=1>",
    "<style>@import 'javascript:window.__xss=1'</style><b onmouseover=window.__xss=1>hover</b>",
]

# Template syntax: branca renders map scripts once more as Jinja templates, so unescaped braces
# would run on the server; kept apart so tests check storage and rendering separately.
TEMPLATE_STRINGS = [
    "{{ cycler.__init__.__globals__.os.getpid() }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{# unclosed comment",
    "{{constructor.constructor('window.__xss=1')()}}",
]

ACLED_HEADER = [
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
]


def hostile_rows(count: int | None = None) -> list[dict[str, str]]:
    """ACLED-shaped rows, one per hostile string (or ``count``), every text field hostile.

    Points sit around Kunduz, a little apart, so each marker can be clicked on its own.
    """
    count = count or len(HOSTILE_STRINGS)
    rows = []
    for i in range(count):
        text = HOSTILE_STRINGS[i % len(HOSTILE_STRINGS)]
        rows.append({
            "event_id_cnty": f"XSS{i}",
            "event_date": f"2021-08-{1 + i % 28:02d}",
            "time_precision": "1",
            "event_type": text,
            "sub_event_type": text,
            "actor1": text,
            "actor2": HOSTILE_STRINGS[(i + 1) % len(HOSTILE_STRINGS)],
            "country": text,  # unknown name: the country comes from the point (Afghanistan)
            "admin1": text,
            "location": text,
            "latitude": f"{36.0 + 0.25 * (i // 3):.4f}",
            "longitude": f"{67.5 + 0.5 * (i % 3):.4f}",
            "geo_precision": "1",
            "source": text,
            "notes": text,
            "fatalities": text,
        })
    return rows


def write_hostile_acled_csv(path: str | Path, count: int | None = None) -> Path:
    """Write the hostile rows as an ACLED export CSV and return its path."""
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_HEADER)
        writer.writeheader()
        writer.writerows(hostile_rows(count))
    return path


# The injection matrix (tests/test_injection.py): every payload must come out as the same literal
# text, or be refused with a clear message, wherever it enters and whatever the export format.
INJECTION_PAYLOADS = {
    "jinja-expression": "{{7*7}}",
    "jinja-statement": "{% if 1 %}x{% endif %}",
    "jinja-python": "{{ cycler.__init__.__globals__.os.getpid() }}",
    "jinja-comment": "{# an unclosed comment",
    "script": "<script>window.__xss=1</script>",
    "img-onerror": '<img src=x onerror="window.__xss=1">',
    "javascript-url": "javascript:window.__xss=1",
    "attribute-breakout": '"><svg onload=window.__xss=1>',
    "markdown-link": "[click me](javascript:window.__xss=1)",
    "markdown-after-blank-line": "end of block\n\n[click me](javascript:window.__xss=1)",
    "js-template-literal": "`${window.__xss=1}`",
    "backslashes": "C:\\new\\u0041 \\",
    "rtl-override": "invoice\u202egnp.exe\u202c",
    "long": "{{7*7}}" + "x" * 9_993,  # 10,000 characters
    "nul-byte": "nul\x00byte",
    "mathtext": "$x^2$ and $\\frac{",
}
