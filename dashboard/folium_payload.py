"""The JavaScript that streamlit-folium sends to the browser, measured outside a running app.

The benchmarks use streamlit-folium's own (private) string builders, so their byte counts are
what ``st_folium`` really sends. Importing streamlit_folium registers its component, which asks
Streamlit for the current script run; outside ``streamlit run`` there is none and Streamlit logs
"missing ScriptRunContext!". That lookup is harmless here (nothing is rendered), so that one
message, from that one logger, is dropped while streamlit_folium is imported.
"""

from __future__ import annotations

import logging

import folium
from streamlit.runtime.scriptrunner_utils import script_run_context


def _no_missing_context(record: logging.LogRecord) -> bool:
    return "missing ScriptRunContext" not in record.getMessage()


def _import_streamlit_folium():
    logger = logging.getLogger(script_run_context.__name__)  # the logger Streamlit warns with
    logger.addFilter(_no_missing_context)
    try:
        import streamlit_folium
    finally:
        logger.removeFilter(_no_missing_context)
    return streamlit_folium


_streamlit_folium = _import_streamlit_folium()


def base_map_script(base: folium.Map) -> str:
    """The map without its feature groups (st_folium sends the groups separately)."""
    base.get_root().render()
    return _streamlit_folium._get_map_string(base)


def feature_group_script(group: folium.FeatureGroup, base: folium.Map, index: int = 0) -> str:
    """One feature group (a layer or the events) as st_folium sends it."""
    return _streamlit_folium._get_feature_group_string(group, base, index)
