"""LiteralMacroElement: a macro's output reaches the page once, as it is (no second template pass)."""

from __future__ import annotations

import folium

from dashboard.elements import LiteralMacroElement


class _RawScript(LiteralMacroElement):
    _template = folium.elements.Template("{% macro script(this, kwargs) %}var note = '{{ this.text }}';{% endmacro %}")

    def __init__(self, text: str):
        super().__init__()
        self.text = text


class _PlainRawScript(folium.MacroElement):
    _template = _RawScript._template

    def __init__(self, text: str):
        super().__init__()
        self.text = text


def _page(element: folium.MacroElement) -> str:
    m = folium.Map(tiles=None)
    element.add_to(m)
    return m.get_root().render()


def test_braces_in_rendered_output_are_printed_not_run():
    html = _page(_RawScript("{{ 7 * 7 }}"))
    assert "var note = '{{ 7 * 7 }}';" in html
    assert "'49'" not in html


def test_plain_macro_element_would_run_them():
    """The reason for the class: branca compiles each macro's output as a new template."""
    assert "var note = '49';" in _page(_PlainRawScript("{{ 7 * 7 }}"))


def test_children_are_rendered_too():
    parent = _RawScript("parent")
    _RawScript("child").add_to(parent)
    html = _page(parent)
    assert "var note = 'parent';" in html and "var note = 'child';" in html
