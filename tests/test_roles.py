"""Roles: the second axis. Every item says what it does; only items that speak about the writer or unit get a dimension."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

from dimtag import Role, Tagger, explain, role, tag, tag_document
from dimtag.decision import DIMENSION_FEATURES, ROLE_FEATURES, Stacker
from dimtag.errors import ModelError
from dimtag.model_file import load_model, save_model
from dimtag.roles import DIMENSION_ROLES, ROLES

from conftest import REPO

SAMPLE = (
    "2024年度民主生活会个人对照检查材料\n"
    "根据县委统一安排，我认真学习了规定篇目，广泛征求了意见，现将有关情况报告如下。\n"
    "一、存在的问题\n"
    "（一）理论学习方面。一是学习不够系统，满足于读文件、听报告，原著读得少。二是学用结合不紧，遇到问题不善于从理论上找办法。\n"
    "（二）廉洁自律方面。对分管领域干部八小时以外的监督不够，提醒谈话次数少。\n"
    "二、原因剖析\n"
    "放松了主观世界的改造，理想信念有所弱化。\n"
    "三、整改措施\n"
    "每月至少读一本原著，年底前撰写两篇调研报告。\n"
    "以上发言，请同志们批评指正。\n"
)


@pytest.fixture(scope="module")
def doc():
    return tag_document(SAMPLE)


def test_role_enum_and_the_roles_that_speak():
    assert ROLES == ("problem", "cause", "measure", "positive", "other")
    assert [r.value for r in Role] == list(ROLES)
    assert DIMENSION_ROLES == {"problem", "cause", "measure", "positive"}
    assert not Role.OTHER.speaks and Role.POSITIVE.speaks


def test_the_shipped_model_reads_roles(tagger):
    assert tagger.has_roles and tagger.stacker_ is not None


def test_dimension_is_none_exactly_when_role_is_other_or_the_item_abstains(doc):
    assert len(doc) >= 7
    for item in doc:
        assert isinstance(item.role, Role)
        if item.role is Role.OTHER:
            assert item.dimension is None, item
        elif item.dimension is None:
            # an abstention on score: only under the model's threshold
            assert item.score < Tagger.load().min_score, item
    # and the sample reads as a reader would
    roles = {s.text[:6]: str(s.role) for s in doc}
    assert roles["以上发言，请"] == "other"
    assert any(s.role is Role.PROBLEM and str(s.dimension) == "theory" for s in doc)
    assert any(s.role is Role.MEASURE for s in doc)
    assert any(s.role is Role.CAUSE for s in doc)


def test_records_carry_role_and_keep_the_rule(doc):
    for rec in doc.to_records():
        assert rec["role"] in ROLES and 0.0 <= rec["role_score"] <= 1.0
        assert (rec["role"] == "other") <= (rec["dimension"] is None)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_cli_outputs_have_role(tmp_path, fmt):
    path = tmp_path / "m.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "dimtag", "tag", str(path), "--format", fmt], capture_output=True, text=True, check=True).stdout
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
        assert all(r["role"] in ROLES for r in rows)
        assert all(r["dimension"] is None for r in rows if r["role"] == "other")
    else:
        header = out.splitlines()[0].split(",")
        assert "role" in header and header.index("role") < header.index("dimension")


def test_sentence_api_role_predict_role_and_explain():
    assert role("以上发言，请批评指正。") is Role.OTHER
    assert role(["今后每月到联系点调研两次。"]) == [Role.MEASURE]
    t = Tagger.load()
    p = t.predict_role_proba(["学习不够深入。", "原因是放松了学习。"])
    assert p.shape == (2, 5) and np.allclose(p.sum(axis=1), 1)
    assert list(t.predict_role(["学习不够深入。"])) == ["problem"]
    e = explain("原因在于理想信念有所弱化。", axis="role")
    assert e.dimension is Role.CAUSE and e.terms
    with pytest.raises(ValueError, match="axis"):
        explain("学习不够。", axis="both")


def test_tag_abstains_on_other_and_answers_otherwise():
    assert tag(["以上发言，请批评指正。", "理论学习不够深入系统。"], abstain=True)[0] is None
    assert str(tag("理论学习不够深入系统。", abstain=True)) == "theory"
    # without abstain the best dimension is always returned
    assert tag("以上发言，请批评指正。") is not None


def test_a_model_trained_without_roles_falls_back_to_parts(small_items):
    t = Tagger().fit([it.text for it in small_items], [it.dimension for it in small_items])
    assert not t.has_roles
    with pytest.raises(ModelError, match="without roles"):
        t.predict_role(["学习不够。"])
    doc = tag_document(SAMPLE, tagger=t)
    assert all((s.role is Role.OTHER) == (s.dimension is None) for s in doc)
    assert {str(s.role) for s in doc} <= set(ROLES)


@pytest.fixture(scope="module")
def role_items(items, small_items):
    """The small subset plus every fourth item of the roles it lacks (positive items come from the documents)."""
    have = {it.role for it in small_items}
    extra = [it for it in items if it.role not in have][::4]
    return list(small_items) + extra


def test_fit_with_roles_round_trips_through_save_and_load(role_items, tmp_path):
    texts = [it.text for it in role_items]
    t = Tagger().fit(texts, [it.dimension for it in role_items], roles=[it.role for it in role_items])
    assert t.has_roles and t.role_model_.blocks is t.model_.blocks, "one featurization serves both heads"
    weights = np.zeros(len(DIMENSION_FEATURES))
    weights[:3] = [1.0, 3, 3]  # own, heading, point title
    stacker = Stacker(np.zeros((5, len(ROLE_FEATURES))), np.zeros(5), weights)
    t.stacker_ = stacker
    t.save(tmp_path / "m")
    back = Tagger.load(tmp_path / "m")
    np.testing.assert_allclose(back.predict_role_proba(texts[:20]), t.predict_role_proba(texts[:20]))
    np.testing.assert_allclose(back.stacker_.dimension_weights, stacker.dimension_weights)


def test_fit_refuses_unknown_or_missing_roles(small_items):
    texts = [it.text for it in small_items]
    dims = [it.dimension for it in small_items]
    with pytest.raises(ValueError, match="unknown role"):
        Tagger().fit(texts, dims, roles=["praise"] * len(texts))
    with pytest.raises(ValueError, match="roles"):
        Tagger().fit(texts, dims, roles=["problem"] * (len(texts) - 1))
    with pytest.raises(ValueError, match="every role"):
        Tagger().fit(texts, dims, roles=[it.role for it in small_items])  # no positive items among them


def test_model_file_refuses_a_stacker_without_roles_and_foreign_stacker_features(tagger, tmp_path):
    loaded = load_model(REPO / "src" / "dimtag" / "model", require_metadata=True)
    with pytest.raises(ValueError, match="needs a role model"):
        save_model(loaded.model, loaded.metadata, tmp_path / "a", stacker=loaded.stacker)
    arrays = loaded.stacker.to_arrays()
    arrays["stack_role_features"] = np.array(list(ROLE_FEATURES)[:-1] + ["something_new"])
    with pytest.raises(ValueError, match="retrain"):
        Stacker.from_arrays(arrays)


def test_writer_evidence_is_kept_in_its_cache_and_reused_only_for_the_same_inputs(role_items, tmp_path, monkeypatch):
    from dimtag.learn.documents import parse_annotated
    from dimtag.learn.stacking import writer_evidence

    sources = REPO / "data" / "documents" / "src"
    docs = [parse_annotated(p.read_text(encoding="utf-8"), p.name, p.parent.name)
            for p in (sorted((sources / "w11").glob("*.txt"))[0], sorted((sources / "w12").glob("*.txt"))[0])]
    first = writer_evidence(role_items, docs, cache=tmp_path / "cache")
    assert any((tmp_path / "cache").rglob("*.pkl")), "each writer's result is written to the cache"

    def refit(*args, **kwargs):
        raise AssertionError("refitted")

    monkeypatch.setattr(Tagger, "fit", refit)
    import dimtag.learn.stacking as stacking

    read, reread = stacking.read_structure, []
    monkeypatch.setattr(stacking, "read_structure", lambda text: reread.append(text) or read(text))
    again = writer_evidence(role_items, docs, cache=tmp_path / "cache")
    # The cached taggers read the documents again: a change of the reading code shows without emptying the cache.
    assert sorted(reread) == sorted(d.text for d in docs)
    assert sorted(again) == sorted(first) == ["w11", "w12"]
    for writer, (_, evidence) in first.items():
        for a, b in zip(evidence, again[writer][1], strict=True):
            np.testing.assert_array_equal(a.full, b.full)
            np.testing.assert_array_equal(a.role_full, b.role_full)
    # Other items (or another configuration) are another key: the models are fitted again.
    with pytest.raises(AssertionError, match="refitted"):
        writer_evidence(role_items[:-1], docs, cache=tmp_path / "cache")


def test_held_out_stackers_are_the_other_writers_stackers_fitted_once(role_items):
    from dimtag.learn.documents import parse_annotated
    from dimtag.learn.stacking import fit_stacker, held_out_stackers, score_evidence, writer_evidence

    sources = REPO / "data" / "documents" / "src"
    docs = [parse_annotated(p.read_text(encoding="utf-8"), p.name, p.parent.name)
            for w in ("w11", "w12", "w13") for p in sorted((sources / w).glob("*.txt"))[:2]]
    evidence = writer_evidence(role_items, docs)
    stackers = held_out_stackers(evidence)
    assert sorted(stackers) == ["w11", "w12", "w13"]
    for writer, stacker in stackers.items():
        expected = fit_stacker([ev for w, (_, evs) in evidence.items() if w != writer for ev in evs])
        np.testing.assert_array_equal(stacker.role_coef, expected.role_coef)
        np.testing.assert_array_equal(stacker.role_intercept, expected.role_intercept)
        np.testing.assert_array_equal(stacker.dimension_weights, expected.dimension_weights)
    # Held out means held out: w11's stacker differs from the one fitted on everyone.
    everyone = fit_stacker([ev for _, evs in evidence.values() for ev in evs])
    assert not np.array_equal(stackers["w11"].role_coef, everyone.role_coef)
    assert score_evidence(evidence, 0.3, stackers) == score_evidence(evidence, 0.3)
    # A writer none of whose items align to gold adds no rows, and the others' stackers are fitted all the same.
    tagger, evs = evidence["w13"]
    silent = {**evidence, "w13": (tagger, [dataclasses.replace(ev, gold=[None] * len(ev.gold)) for ev in evs])}
    refitted = held_out_stackers(silent)
    np.testing.assert_array_equal(refitted["w13"].role_coef, stackers["w13"].role_coef)
    assert not np.array_equal(refitted["w11"].role_coef, stackers["w11"].role_coef)
