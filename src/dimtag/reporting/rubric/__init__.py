"""The reviewer's rubric: checks with their evidence, a grade and a review note per material.

Modules: :mod:`.rubric_file` (the TOML rubric a unit edits, and its
validation), :mod:`.checks` (proportion, subject, disguised praise, cause
roots, measures, missing aspects, vague problems), :mod:`.recycling`
(copies between members, last year's material, the ignore list),
:mod:`.review_note` (the grade and the 审阅意见), :mod:`.review` (the
review's tables, built from the report's reading) and :mod:`.pages` (the
review on the HTML page, one page per material).
"""

from __future__ import annotations

from .checks import Finding, Quote, material_kind, subject_of
from .review import REVIEW_TABLES, review_tables
from .review_note import GRADES, grade, note, reason
from .rubric_file import FLAGS, Rubric, default_rubric, load_rubric, parse_rubric

__all__ = [
    "FLAGS", "GRADES", "REVIEW_TABLES", "Finding", "Quote", "Rubric", "default_rubric", "grade", "load_rubric",
    "material_kind", "note", "parse_rubric", "reason", "review_tables", "subject_of",
]
