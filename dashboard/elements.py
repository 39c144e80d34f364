"""Folium elements whose rendered text is printed as it is, never compiled again.

branca's ``MacroElement.render`` wraps each macro's output (header, html, script) in
``Element(text)``, which compiles that text as a new Jinja template: a second template pass
over every byte of data (the basemap alone is ~150 KB, ~40 ms per rerun), and a way for a
"{{ … }}" that reached the output to run on the server. These elements skip that pass.
"""

from __future__ import annotations

import folium


class LiteralHtml(folium.Element):
    """HTML put in the page as it is. ``folium.Element(text)`` would compile ``text`` as a
    Jinja template and run any "{{ … }}" in it on the server; this one only prints it."""

    _template = folium.elements.Template("{{ this.html }}")

    def __init__(self, html: str):
        super().__init__()
        self.html = html


class LiteralMacroElement(folium.MacroElement):
    """A MacroElement whose macros' output goes into the page as LiteralHtml."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        assert isinstance(figure, folium.Figure), "You cannot render this Element if it is not in a Figure."
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = macros.get(part)
            if macro is not None:
                getattr(figure, part).add_child(LiteralHtml(str(macro(self, kwargs))), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)
