"""Issue 11: heading evidence combined with each item's probabilities, in decision.py."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from dimtag.decision import Context, Prior, decide

# Three dimensions (columns 0-2) and none (column 3).
DIMS, NONE = [0, 1, 2], 3


def context(n, heading=None, point_title=None, point=None, section=None, no_dimension=None, heading_proba=None):
    def arr(values, fill):
        return np.array(values if values is not None else [fill] * n)

    return Context(
        heading=arr(heading, -1), point_title=arr(point_title, -1), point=arr(point, -1),
        section=arr(section, -1), no_dimension=arr(no_dimension, False).astype(bool), heading_proba=heading_proba,
    )


def test_a_heading_is_evidence_not_an_override():
    full = np.array([
        [0.30, 0.60, 0.05, 0.05],  # unsure: the heading's dimension 0 wins
        [0.001, 0.989, 0.005, 0.005],  # sure of 1: it keeps it
    ])
    d = decide(full, DIMS, NONE, 0.0, context=context(2, heading=[0, 0]), prior=Prior(heading=3))
    assert d.best.tolist() == [0, 1] and d.by.tolist() == ["heading", "model"]
    assert d.model_best.tolist() == [1, 1]
    assert d.score[0] > full[0, 0] / full[0, :3].sum()  # the combined probability, not the model's
    # A strong enough prior does override: the weight is the whole difference.
    d = decide(full, DIMS, NONE, 0.0, context=context(2, heading=[0, 0]), prior=Prior(heading=8))
    assert d.best.tolist() == [0, 0]


def test_the_other_items_of_a_point_and_of_a_section_are_evidence_the_item_itself_is_not():
    full = np.array([
        [0.05, 0.90, 0.03, 0.02],
        [0.05, 0.85, 0.05, 0.05],
        [0.45, 0.40, 0.10, 0.05],  # leans to 0, in the point of the two above
        [0.45, 0.40, 0.10, 0.05],  # the same, alone in its point
    ])
    prior = Prior(heading=0, point=0, point_items=1.0, section_items=0, heading_reading=0)
    d = decide(full, DIMS, NONE, 0.0, context=context(4, point=[7, 7, 7, 8]), prior=prior)
    assert d.best.tolist() == [1, 1, 1, 0]
    assert d.by.tolist()[2:] == ["point", "model"]  # a point of one item has no other evidence
    prior = Prior(heading=0, point=0, point_items=0, section_items=1.0, heading_reading=0)
    d = decide(full, DIMS, NONE, 0.0, context=context(4, section=[3, 3, 3, 3]), prior=prior)
    assert d.best[3] == 1 and d.by[3] == "section"


def test_role_abstains_and_min_score_filters_the_combined_score():
    full = np.array([[0.1, 0.8, 0.05, 0.05], [0.5, 0.3, 0.15, 0.05]])
    ctx = context(2, heading=[1, 1], no_dimension=[True, False])
    d = decide(full, DIMS, NONE, 0.0, context=ctx, prior=Prior(heading=3))
    assert d.abstain.tolist() == [True, False] and d.by[0] == "section"
    threshold = float(d.score[1]) + 1e-6
    assert decide(full, DIMS, NONE, threshold, context=ctx, prior=Prior(heading=3)).abstain.tolist() == [True, True]


def test_without_context_the_decision_is_the_models():
    full = np.array([[0.1, 0.2, 0.6, 0.1], [0.1, 0.1, 0.1, 0.7]])
    d = decide(full, DIMS, NONE, 0.0)
    assert d.best[0] == 2
    assert d.abstain.tolist() == [False, True]
    assert d.by.tolist() == ["model", "model"]
    assert d.score[0] == pytest.approx(0.6 / 0.9)


def test_a_short_item_leans_on_its_point_and_a_long_one_on_itself():
    from dimtag.decision import DIMENSION_FEATURES, ROLE_FEATURES, SHORT_HALF, Stacker, decide_roles, dimension_features

    # Five items of one point: four sure of dimension 0, and one (row 2) that reads 1 alone.
    full = np.array([[0.90, 0.05, 0.03, 0.02]] * 5)
    full[2] = [0.20, 0.70, 0.08, 0.02]
    role_full = np.tile([0.9, 0.025, 0.025, 0.025, 0.025], (5, 1))  # problem
    point = [1] * 5

    def ctx(length):
        return dataclasses.replace(context(5, point=point), length=np.array(length))

    features = dimension_features(full[:, :3] / full[:, :3].sum(axis=1, keepdims=True), ctx([40, 40, 4, 40, 40]))
    half = len(DIMENSION_FEATURES) // 2
    assert features.shape == (5, 3, len(DIMENSION_FEATURES))
    np.testing.assert_allclose(features[2, :, half:], features[2, :, :half] * SHORT_HALF / (4 + SHORT_HALF))
    # Without lengths every item is read as a long one: the short copies are 0.
    assert not dimension_features(np.full((5, 3), 1 / 3), context(5, point=point))[:, :, half:].any()

    # Own reading for long items; for short ones the point's other items instead.
    weights = np.zeros(len(DIMENSION_FEATURES))
    names = list(DIMENSION_FEATURES)
    weights[names.index("own")], weights[names.index("short:own")] = 1.0, -1.0
    weights[names.index("short:point_items")] = 1.5
    stacker = Stacker(np.eye(5, len(ROLE_FEATURES)), np.zeros(5), weights)
    short = decide_roles(full, role_full, DIMS, NONE, 0.0, context=ctx([40, 40, 4, 40, 40]), stacker=stacker)
    long = decide_roles(full, role_full, DIMS, NONE, 0.0, context=ctx([40] * 5), stacker=stacker)
    assert short.best[2] == 0 and short.by[2] == "point"
    assert long.best[2] == 1 and long.by[2] == "model"
