"""The colours the report's pages give the aspects: one home for the overview and the material pages."""

from __future__ import annotations

__all__ = ["DIMENSION_COLORS", "PALETTE"]

#: The six dimensions' colours, and grey for none.
DIMENSION_COLORS = {
    "theory": "#4e79a7", "politics": "#e15759", "ability": "#f28e2b", "responsibility": "#59a14f",
    "work_style": "#b07aa1", "integrity": "#c9a227", None: "#9aa0a6",
}
#: Colours for the labels of a custom model, in label order.
PALETTE = ("#4e79a7", "#e15759", "#f28e2b", "#59a14f", "#b07aa1", "#c9a227", "#76b7b2", "#ff9da7", "#9c755f", "#8cd17d")
