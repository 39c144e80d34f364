"""Label placement on the snapshot: no two labels overlap, none is cut by the frame, none covers a marker.

Labels are collected while the map is drawn (place names, country names, source numbers)
and placed once the map's scale is known, in rank order: each tries a few positions around
its anchor and takes the first that is inside the frame and clear of every marker, badge
and label already placed; a label with no free position is hidden (lower ranks give way).
Text keeps a white box behind it instead of a stroked halo, so PDF and SVG keep it as text.

A dense view (many events in the frame) draws its events as small dots, and there may be no
free place left for any name. Then the top-ranked names (capitals and cities, ``over_dots``)
may lie over those dots, never over another label, a badge, a layer's marker or a place's dot,
with a more opaque box so they read as a locator map's names do; the rest still give way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.text import Annotation, Text

MIN_FONT_PT = 9.0  # nothing on a 1600×1000 slide is smaller than this
LABEL_BOX = {"boxstyle": "square,pad=0.08", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}
OVER_DOTS_BOX_ALPHA = 0.9  # a name over density dots hides what lies under its box, not the name
# (dx, dy) in points from the anchor, with the alignment that keeps the text clear of it.
AROUND = [
    ((5, 0), "left", "center"), ((-5, 0), "right", "center"), ((0, 5), "center", "bottom"),
    ((0, -5), "center", "top"), ((4, 4), "left", "bottom"), ((-4, 4), "right", "bottom"),
    ((4, -4), "left", "top"), ((-4, -4), "right", "top"),
    ((11, 0), "left", "center"), ((-11, 0), "right", "center"), ((0, 11), "center", "bottom"),
    ((0, -11), "center", "top"),
]
CENTRED = [((0, 0), "center", "center")]


@dataclass
class Label:
    artist: Annotation
    rank: int  # lower is placed first
    positions: list = field(default_factory=lambda: AROUND)
    own_obstacle: int | None = None  # index of the anchor's own marker box (a label may not cover it either)
    over_dots: bool = False  # may lie over density dots when no clear position is left (top-ranked names)


@dataclass
class LabelLayer:
    """What the placer must keep clear: marker boxes (display pixels) and the labels to place."""

    markers: list[tuple[float, float, float]] = field(default_factory=list)  # x, y (data), radius in points
    dots: list[tuple[float, float, float]] = field(default_factory=list)  # a dense view's events: see over_dots
    labels: list[Label] = field(default_factory=list)
    fixed: list = field(default_factory=list)  # badges, scale bar, north arrow, inset: never covered
    hidden: int = 0

    def add_marker(self, x: float, y: float, radius_pt: float) -> None:
        self.markers.append((float(x), float(y), float(radius_pt)))

    def add_markers(self, x, y, radius_pt: float) -> None:
        self.markers.extend((float(a), float(b), float(radius_pt)) for a, b in zip(x, y))

    def add_dots(self, x, y, radius_pt: float) -> None:
        self.dots.extend((float(a), float(b), float(radius_pt)) for a, b in zip(x, y))

    def add_label(self, ax, text: str, xy: tuple[float, float], *, rank: int, positions=None, over_dots: bool = False,
                  **style) -> Label:
        style = {"fontsize": MIN_FONT_PT, "color": "#222222", "zorder": 9, "bbox": LABEL_BOX,
                 "annotation_clip": False, "clip_on": False, "parse_math": False, **style}
        artist = ax.annotate(text, xy, xytext=(0, 0), textcoords="offset points", **style)
        label = Label(artist, rank, positions or AROUND, over_dots=over_dots)
        self.labels.append(label)
        return label


def _boxes(artists, renderer) -> np.ndarray:
    boxes = []
    for artist in artists:
        extent = _extent(artist, renderer)
        boxes.append(extent)
    return np.array(boxes, float).reshape(-1, 4)


def _extent(text, renderer) -> tuple[float, float, float, float]:
    """The text's box in display pixels, with its background box, and the font's full ascent and
    descent (PDF readers such as pdftotext measure words by those, a little taller than the glyphs)."""
    box = text.get_window_extent(renderer)
    if not hasattr(text, "get_fontsize"):  # an axes or a scale bar
        return box.x0, box.y0, box.x1, box.y1
    em = text.get_fontsize() * text.figure.dpi / 72
    pad = em * (0.12 if text.get_bbox_patch() is not None else 0.0)
    return box.x0 - pad - 0.05 * em, box.y0 - pad - 0.15 * em, box.x1 + pad + 0.05 * em, box.y1 + pad + 0.15 * em


def _hits(box, boxes: np.ndarray) -> bool:
    if not len(boxes):
        return False
    return bool(np.any((box[0] < boxes[:, 2]) & (boxes[:, 0] < box[2]) & (box[1] < boxes[:, 3]) & (boxes[:, 1] < box[3])))


def _marker_boxes(ax, entries: list[tuple[float, float, float]], frame) -> np.ndarray:
    """Markers (x, y in data, radius in points) as display-pixel boxes, only those inside the frame."""
    if not entries:
        return np.zeros((0, 4))
    data = np.array(entries, float)
    centres = ax.transData.transform(data[:, :2])
    radius = data[:, 2] * ax.figure.dpi / 72
    boxes = np.column_stack([centres[:, 0] - radius, centres[:, 1] - radius,
                             centres[:, 0] + radius, centres[:, 1] + radius])
    return boxes[(boxes[:, 2] > frame.x0) & (boxes[:, 0] < frame.x1)
                 & (boxes[:, 3] > frame.y0) & (boxes[:, 1] < frame.y1)]


BADGE_GID = "snapshot-country-badge"


def _badges_inside(ax, layer: LabelLayer, renderer, frame, inset: float) -> None:
    """A country badge near the edge is moved in until its box fits the frame (it marks a country, not a
    point), and the labels anchored on it (its source numbers) move with it."""
    for artist in layer.fixed:
        if not (isinstance(artist, Text) and artist.get_gid() == BADGE_GID):
            continue
        box = _extent(artist, renderer)
        dx = max(0.0, frame.x0 + inset - box[0]) - max(0.0, box[2] - (frame.x1 - inset))
        dy = max(0.0, frame.y0 + inset - box[1]) - max(0.0, box[3] - (frame.y1 - inset))
        if not (dx or dy):
            continue
        old = np.array(artist.get_position(), float)
        new = ax.transData.inverted().transform(ax.transData.transform(old) + (dx, dy))
        artist.set_position(new)
        for label in layer.labels:
            if np.hypot(*(np.array(label.artist.xy, float) - old)) < 200:  # anchored on the badge (~100 m rounding)
                label.artist.xy = tuple(new)


def place_labels(ax, layer: LabelLayer, renderer) -> int:
    """Position every label (see the module docstring); returns how many had to be hidden."""
    ax.apply_aspect()
    frame = ax.get_window_extent(renderer)
    _badges_inside(ax, layer, renderer, frame, 1.0)
    markers = _marker_boxes(ax, layer.markers, frame)
    dots = _marker_boxes(ax, layer.dots, frame)
    everything = np.concatenate([markers, dots])
    placed = [*_boxes(layer.fixed, renderer)]
    hidden = 0
    inset = 1.0  # px kept clear of the frame line

    def first_free(artist, obstacles: np.ndarray, positions) -> tuple | None:
        for (dx, dy), ha, va in positions:
            artist.xyann = (dx, dy)
            artist.set_horizontalalignment(ha)
            artist.set_verticalalignment(va)
            box = _extent(artist, renderer)
            inside = (box[0] >= frame.x0 + inset and box[2] <= frame.x1 - inset
                      and box[1] >= frame.y0 + inset and box[3] <= frame.y1 - inset)
            if inside and not _hits(box, obstacles) and not _hits(box, np.array(placed).reshape(-1, 4)):
                return box
        return None

    for label in sorted(layer.labels, key=lambda item: item.rank):
        artist = label.artist
        box = first_free(artist, everything, label.positions)
        if box is None and label.over_dots and len(dots):
            box = first_free(artist, markers, label.positions)  # over the events' dots
            if box is not None and artist.get_bbox_patch() is not None:
                artist.get_bbox_patch().set_alpha(OVER_DOTS_BOX_ALPHA)
        if box is None:
            artist.set_visible(False)
            hidden += 1
        else:
            placed.append(box)
    layer.hidden = hidden
    return hidden
