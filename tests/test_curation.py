"""audit, suggest and merge: the labeling loop."""

from __future__ import annotations

import csv
import random
from dataclasses import replace

import numpy as np
import pytest
from conftest import LABELS, REPO

from dimtag.learn.curation import audit, merge, pick_uncertain
from dimtag.dimensions import LABELS as ALLOWED
from dimtag.learn.labels import LabelsError, read_labels
from dimtag.linear_model import from_pipeline
from dimtag.tagger import Tagger
from dimtag.learn.training import Config, build_pipeline

CONFIG = Config("char13", 10.0, "balanced", "lr")


def test_audit_ranks_flipped_labels_first(items):
    rng = random.Random(0)
    subset = [it for i, it in enumerate(items) if it.origin == "seed" or i % 2 == 0]
    flipped = set(rng.sample(range(len(subset)), len(subset) // 20))  # 5%
    noisy = [
        replace(it, dimension=rng.choice([d for d in ALLOWED if d != it.dimension])) if i in flipped else it
        for i, it in enumerate(subset)
    ]
    ranked = audit(noisy, CONFIG)
    flipped_texts = {subset[i].text for i in flipped}
    top = [r.item.text for r in ranked[: len(flipped)]]
    precision = sum(t in flipped_texts for t in top) / len(flipped)
    assert precision >= 0.6, precision
    # The suggested label is the original one for most of the caught flips.
    original = {subset[i].text: subset[i].dimension for i in flipped}
    caught = [r for r in ranked[: len(flipped)] if r.item.text in original]
    assert np.mean([r.suggested == original[r.item.text] for r in caught]) >= 0.7


def _fit(train):
    pipeline = build_pipeline(CONFIG, len(train)).fit([i.text for i in train], [i.dimension for i in train])
    return Tagger(from_pipeline(pipeline))


def test_suggested_items_teach_more_than_random_ones(items):
    """On grouped folds (one seed document held out), 40 suggested seed
    sentences from the other documents beat 40 random ones, seeds fixed."""
    from sklearn.metrics import f1_score

    authored = [it for it in items if it.origin == "authored"]
    base = [it for k, it in enumerate(authored) if random.Random(k).random() < 0.3]
    seeds = sorted({it.source for it in items if it.origin == "seed"})
    gains = []
    for held_out in seeds:
        test = [it for it in items if it.source == held_out and it.dimension != "none"]
        pool = [it for it in items if it.origin == "seed" and it.source != held_out]
        by_text = {it.text: it for it in pool}
        rows = [{"text": it.text, "source": it.source} for it in pool]
        suggested = [by_text[r["text"]] for r in pick_uncertain(rows, 40, base, _fit(base))]
        randomly = random.Random(0).sample(pool, len(suggested))
        truth = [it.dimension for it in test]
        f1 = [
            f1_score(truth, [str(d) for d in _fit(base + extra).tag([it.text for it in test])], average="macro")
            for extra in (suggested, randomly)
        ]
        gains.append(f1[0] - f1[1])
    assert np.mean(gains) > 0, gains


def test_pick_uncertain_spreads_and_skips_known_and_near_duplicates(tagger, items):
    rows = [{"text": it.text, "source": it.source} for it in items if it.origin == "seed"]
    rows.append({"text": rows[0]["text"] + "。", "source": "copy.txt"})  # near-duplicate
    picked = pick_uncertain(rows, 30, items[:5], tagger)
    texts = [r["text"] for r in picked]
    assert len(picked) == 30 and len(set(texts)) == 30
    assert not set(texts) & {it.text for it in items[:5]}
    assert len({r["dimension"] for r in picked}) >= 5, "spread across dimensions"
    assert len({r["source"] for r in picked}) >= 4, "spread across documents"
    assert all(r["confirmed"] == "" for r in picked)


def test_suggest_cli_writes_labels_rows(tmp_path, capsys):
    from dimtag.cli import main

    out = tmp_path / "suggest.csv"
    assert main(["suggest", str(REPO / "examples" / "sample.txt"), "-n", "5", "--labels", str(LABELS), "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 5 and {"text", "dimension", "source", "origin", "confirmed"} <= set(rows[0])


def _write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_merge_appends_confirmed_and_relabels(tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_bytes(LABELS.read_bytes())
    first = read_labels(labels)[0]
    updates = tmp_path / "u.csv"
    _write(updates, ["text", "dimension", "source", "origin", "confirmed"], [
        ["一条全新的句子：调研不够深入。", "work_style", "new.txt", "seed", "yes"],
        ["不确认的句子不合并。", "theory", "new.txt", "seed", ""],
        [first.text, "integrity", first.source, first.origin, "x"],
    ])
    counts = merge(labels, updates)
    assert counts == {"appended": 1, "relabeled": 1, "unchanged": 0}
    merged = {it.text: it for it in read_labels(labels)}
    assert merged["一条全新的句子：调研不够深入。"].source == "new.txt"
    assert "不确认的句子不合并。" not in merged
    assert merged[first.text].dimension == "integrity"


@pytest.mark.parametrize(
    "row, message",
    [
        (["新句子。", "morals", "a.txt", "seed", "yes"], "unknown dimension"),
        (["新句子。", "theory", "", "seed", "yes"], "empty source"),
        (["新句子。", "theory", "a.txt", "invented", "yes"], "unknown origin"),
    ],
)
def test_merge_validates_and_leaves_labels_untouched(tmp_path, row, message):
    labels = tmp_path / "labels.csv"
    labels.write_bytes(LABELS.read_bytes())
    before = labels.read_bytes()
    updates = tmp_path / "u.csv"
    _write(updates, ["text", "dimension", "source", "origin", "confirmed"], [row])
    with pytest.raises(LabelsError, match=message):
        merge(labels, updates)
    assert labels.read_bytes() == before


def test_merge_refuses_a_text_confirmed_twice(tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_bytes(LABELS.read_bytes())
    updates = tmp_path / "u.csv"
    _write(updates, ["text", "dimension", "confirmed"], [["同一句。", "theory", "yes"], ["同一句。", "politics", "yes"]])
    with pytest.raises(LabelsError, match="confirmed twice"):
        merge(labels, updates)


def test_suggest_cli_reports_unreadable_files_and_goes_on(tmp_path, capsys):
    from dimtag.cli import main

    (tmp_path / "ok.txt").write_text("学习不够深入。调研不深入。廉洁自律不严。", encoding="utf-8")
    (tmp_path / "bad.bin").write_bytes(bytes(range(256)))
    out = tmp_path / "s.csv"
    assert main(["suggest", str(tmp_path), "-n", "2", "--labels", str(LABELS), "-o", str(out)]) == 1
    assert "bad.bin" in capsys.readouterr().err
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 2
