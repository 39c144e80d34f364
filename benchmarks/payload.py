"""How many bytes of map script a rerun sends, measured with folium's public API only.

streamlit-folium sends the base map once and the feature groups (layers, events) on each
rerun. A group's share is measured as the growth of a rendered folium map when the group is
added to it, so no private streamlit-folium function is needed.
"""

from __future__ import annotations

import folium


def base_map_script(base: folium.Map) -> str:
    """The map without its feature groups, rendered to HTML and script."""
    return base.get_root().render()


def feature_group_bytes(group: folium.FeatureGroup) -> int:
    """The bytes one feature group adds to a rendered map (UTF-8)."""
    empty = folium.Map(tiles=None)
    before = len(empty.get_root().render().encode())
    holder = folium.Map(tiles=None)
    group.add_to(holder)
    return len(holder.get_root().render().encode()) - before
