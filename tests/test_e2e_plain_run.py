"""`streamlit run dashboard/app.py` with no flags, as every Streamlit user types it, draws the map offline.

The app runs from a fresh copy of the repository without the copied Leaflet files, so both halves
are tested: .streamlit/config.toml switches static serving on, and the app itself copies Leaflet
from the PyPI packages after the server has started (nothing like dashboard/run.sh ran first).
"""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import ROOT, start_streamlit

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
COPIED = (".streamlit", "dashboard", "geodata", "seeds")


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory):
    clone = tmp_path_factory.mktemp("clone")
    for name in COPIED:
        shutil.copytree(ROOT / name, clone / name, ignore=shutil.ignore_patterns("__pycache__", "*.bak"))
    for user_data in ("geodata/imports", "geodata/candidates", "dashboard/static/vendor"):  # as in a fresh clone
        shutil.rmtree(clone / user_data, ignore_errors=True)
    vendor = clone / "dashboard" / "static" / "vendor"
    process, url = start_streamlit(clone)  # no --server.enableStaticServing, no other settings
    yield url, vendor
    process.terminate()
    process.wait(timeout=10)


def test_plain_streamlit_run_draws_the_map_offline(plain_app, offline_page, artifacts_dir):
    url, vendor = plain_app
    page = offline_page
    page.goto(f"{url}/?start=2021-08-01&end=2021-10-31")
    page.get_by_text(re.compile(r"^Showing \d+ of")).wait_for(timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.layer-border").first.wait_for(timeout=60_000)
    frame.locator("path.event-marker, .marker-cluster").locator("visible=true").first.wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts_dir / "plain_streamlit_run.png"))

    assert (vendor / "leaflet" / "leaflet.js").is_file()  # copied by the app, after the server started
    assert page.get_by_text("needs Streamlit's static file serving").count() == 0
    assert page.blocked_requests == [], page.blocked_requests

    # Markers are drawn inside the visible map, not merely present in the DOM.
    map_box = page.locator(MAP_FRAME).bounding_box()
    marker_box = frame.locator("path.event-marker, .marker-cluster").locator("visible=true").first.bounding_box()
    assert map_box and marker_box and marker_box["width"] > 0 and marker_box["height"] > 0
    assert map_box["x"] <= marker_box["x"] <= map_box["x"] + map_box["width"]
    assert map_box["y"] <= marker_box["y"] <= map_box["y"] + map_box["height"]

    # The rest of config.toml: no Deploy button, the sidebar in the basemap's land colour.
    assert page.get_by_role("button", name="Deploy").count() == 0
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(242, 239, 233)"
