"""Map snapshots: what the user sees, as PNG, PDF, standalone HTML, GeoJSON and CSV.

The PNG and PDF are drawn on the server with geopandas/matplotlib (Agg, no internet) in
Web Mercator, so they look like the interactive map: the same layers and colours, the
same filtered events, the same extent. Every figure carries what a reader needs to trust
it: title with dates and filters, legend, scale bar, north arrow, data attribution and a
numbered list of the cited articles (markers carry those numbers).

Also a command line for automation (formats follow the --out extension)::

    python -m dashboard.export --start 2021-08-01 --end 2021-10-31 \\
        --layers border,panjshir,kharb_maydon,base_201 --size a4 --out figure.png

What lives where (import from ``dashboard.export``; the modules are for reading):

- ``formats``: the bytes of one view per format (``export_bytes``) and ``snapshot_html``;
- ``figure``: ``build_snapshot_figure``, which puts the map together, the size presets,
  and the PNG and PDF renders (``render_snapshot_png``, ``render_snapshot_pdf``) with the
  render lock;
- ``extent``: bboxes (``check_bbox``, ``parse_bbox``, ``bbox_from_bounds``), fitting and
  the Web Mercator projection;
- ``basemap``: countries, rivers, places and the toggled layers, read once and cached;
- ``markers``: the events on the map, their uncertainty rings and source numbers;
- ``furniture``: title, subtitle, legend, source list, scale bar and north arrow;
- ``sources``: the numbered cited articles and the map data credits;
- ``tables``: GeoJSON and CSV of the events, with the CSV formula-injection guard;
- ``naming``: titles and file names;
- ``cli`` (and ``__main__``): ``python -m dashboard.export``.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # server-side rendering, never a window; before any submodule is imported

from dashboard.export.basemap import BORDER_GREY, LAND, MIN_LABELLED_COUNTRY_SHARE, RIVER, SEA, mercator_frame  # noqa: E402
from dashboard.export.cli import main, state_from_args, write_atomically  # noqa: E402
from dashboard.export.extent import (  # noqa: E402
    DEFAULT_BBOX,
    FIT_MARGIN,
    MAX_MERCATOR_LAT,
    MIN_EXTENT_KM,
    BBox,
    bbox_from_bounds,
    check_bbox,
    parse_bbox,
)
from dashboard.export.figure import (  # noqa: E402
    MAX_LABELLED_EVENTS,
    SIZE_LABELS,
    SIZE_PRESETS,
    build_snapshot_figure,
    render_snapshot_pdf,
    render_snapshot_png,
    render_snapshot_svg,
)
from dashboard.export.formats import FORMATS, export_bytes, snapshot_html  # noqa: E402
from dashboard.export.furniture import nice_length_km  # noqa: E402
from dashboard.export.naming import export_filename, snapshot_title  # noqa: E402
from dashboard.export.sources import CitedSources, attributions, cited_sources  # noqa: E402
from dashboard.export.tables import (  # noqa: E402
    ACTOR_SEPARATOR,
    CSV_SOURCE_COLUMNS,
    FORMULA_PREFIXES,
    SEPARATOR,
    events_csv,
    events_geojson,
)

__all__ = [
    "ACTOR_SEPARATOR",
    "BBox",
    "BORDER_GREY",
    "CSV_SOURCE_COLUMNS",
    "CitedSources",
    "DEFAULT_BBOX",
    "FIT_MARGIN",
    "FORMATS",
    "FORMULA_PREFIXES",
    "LAND",
    "MAX_LABELLED_EVENTS",
    "MAX_MERCATOR_LAT",
    "MIN_EXTENT_KM",
    "MIN_LABELLED_COUNTRY_SHARE",
    "RIVER",
    "SEA",
    "SEPARATOR",
    "SIZE_LABELS",
    "SIZE_PRESETS",
    "attributions",
    "bbox_from_bounds",
    "build_snapshot_figure",
    "check_bbox",
    "cited_sources",
    "events_csv",
    "events_geojson",
    "export_bytes",
    "export_filename",
    "main",
    "mercator_frame",
    "nice_length_km",
    "parse_bbox",
    "render_snapshot_pdf",
    "render_snapshot_png",
    "render_snapshot_svg",
    "snapshot_html",
    "snapshot_title",
    "state_from_args",
    "write_atomically",
]
