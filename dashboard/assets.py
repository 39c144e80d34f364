"""Leaflet served from this machine, so the map draws with no internet.

The JavaScript and CSS come from PyPI packages (XStatic-Leaflet, XStatic-Leaflet-MarkerCluster)
installed by requirements.txt; nothing third-party is committed. ``ensure_static_assets``
copies them into ``dashboard/static/vendor`` where Streamlit serves them at /app/static/.
"""

from __future__ import annotations

import re
import shutil
from functools import lru_cache
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
URL_PREFIX = "/app/static/vendor"  # Streamlit's static route (absolute: the map lives in an iframe)

# folium's asset names -> (package data folder, file name, folder under vendor/)
_ASSETS = {
    "leaflet": (xs_leaflet.BASE_DIR, "leaflet.js", "leaflet"),
    "leaflet_css": (xs_leaflet.BASE_DIR, "leaflet.css", "leaflet"),
    "markerclusterjs": (xs_cluster.BASE_DIR, "leaflet.markercluster.js", "markercluster"),
    "markerclustercss": (xs_cluster.BASE_DIR, "MarkerCluster.css", "markercluster"),
    "markerclusterdefaultcss": (xs_cluster.BASE_DIR, "MarkerCluster.Default.css", "markercluster"),
}
# Assets folium lists by default that this app never uses (Bootstrap, jQuery, Font Awesome,
# Awesome Markers): dropped so the page never waits for a CDN.
UNUSED_ASSETS = {
    "jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
    "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css",
}


def ensure_static_assets() -> Path:
    """Copy the packaged Leaflet files next to the app once (cheap when already there)."""
    for source_dir, name, folder in _ASSETS.values():
        target = VENDOR_DIR / folder / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(source_dir) / name, target)
    images = VENDOR_DIR / "leaflet" / "images"
    if not images.exists():
        shutil.copytree(Path(xs_leaflet.BASE_DIR) / "images", images)
    return VENDOR_DIR


def local_url(name: str) -> str:
    _source_dir, file_name, folder = _ASSETS[name]
    return f"{URL_PREFIX}/{folder}/{file_name}"


def asset_text(name: str) -> str:
    """The file's content, for standalone HTML exports that must work when opened offline."""
    source_dir, file_name, _folder = _ASSETS[name]
    return (Path(source_dir) / file_name).read_text(encoding="utf-8")


STYLESHEETS = ("leaflet_css", "markerclustercss", "markerclusterdefaultcss")


@lru_cache(maxsize=1)
def inline_stylesheets() -> str:
    """Leaflet's and the cluster plugin's CSS as one <style> block for the map's header.

    streamlit-folium fetches stylesheets only after the scripts, one by one, and runs the map
    script without waiting for them: markers were in the page ~0.25 s before the CSS that
    sizes them arrived (measured in Chromium). In the header, the CSS is there before the map.
    Image URLs point at the served copy; comments and indentation are dropped.
    """
    text = "\n".join(asset_text(name) for name in STYLESHEETS)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    text = re.sub(r"\s*\n\s*", "\n", text).strip()
    return "<style>\n" + text.replace("url(images/", f"url({URL_PREFIX}/leaflet/images/") + "\n</style>"


def localize(element, inline: bool = False) -> None:
    """Point every folium element under ``element`` at local assets (or inline markers for export).

    Stylesheets are dropped: the base map carries them in its header (``inline_stylesheets``).
    Raises ``KeyError`` for an asset this app does not ship, so a new plugin cannot
    silently bring back a CDN dependency.
    """
    for item in _walk(element):
        for attribute in ("default_js", "default_css"):
            links = getattr(item, attribute, None)
            if not links:
                continue
            urls = {name: local_url(name) for name, _url in links if name not in UNUSED_ASSETS}  # KeyError
            setattr(item, attribute, [(name, f"inline:{name}" if inline else url) for name, url in urls.items()
                                      if name not in STYLESHEETS])


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)
