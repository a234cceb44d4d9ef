"""audit, suggest and merge: the labeling loop."""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest

from dimtag.fitting import Config
from dimtag.learn.curation import audit, merge, near_duplicate_pairs, pick_uncertain
from dimtag.learn.labels import LabeledItem, LabelsError, read_labels

from conftest import LABELS, REPO


def test_audit_flags_a_flipped_label_with_its_original_as_suggestion(small_items):
    # A clear theory sentence labeled integrity, among correctly labeled items.
    victim = next(i for i, it in enumerate(small_items) if it.dimension == "theory" and it.origin == "authored" and "学习" in it.text)
    noisy = [replace(it, dimension="integrity") if i == victim else it for i, it in enumerate(small_items)]
    ranked = audit(noisy, Config())
    flagged = {r.item.text: r for r in ranked}
    row = flagged.get(small_items[victim].text)
    assert row is not None and row.suggested == "theory" and row.p_label < row.p_suggested
    assert row.why, "the fold model's explain() terms are given"
    assert len(ranked) < len(small_items) / 4, "most correct labels are not flagged"


def test_audit_refuses_a_single_group():
    items = [LabeledItem(f"学习不够{i}。", "theory", "a.txt", "seed", "seed") for i in range(6)]
    with pytest.raises(LabelsError, match="needs at least two"):
        audit(items, Config())


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
        ["一条全新的句子：调研不够深入。", "work_style", "new.txt", "collected", "yes"],
        ["不确认的句子不合并。", "theory", "new.txt", "collected", ""],
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
        (["新句子。", "morals", "a.txt", "collected", "yes"], "unknown dimension"),
        (["新句子。", "theory", "", "collected", "yes"], "empty source"),
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
    _write(updates, ["text", "dimension", "source", "confirmed"], [["同一句。", "theory", "a.txt", "yes"], ["同一句。", "politics", "a.txt", "yes"]])
    with pytest.raises(LabelsError, match="confirmed twice"):
        merge(labels, updates)


def test_suggest_cli_reports_unreadable_files_and_goes_on(tmp_path, capsys):
    from dimtag.cli import main

    # Sentences specific enough to have no near-duplicate in labels.csv, which suggest would skip.
    (tmp_path / "ok.txt").write_text(
        "去年冬天只去了两趟联系的渔业合作社，冷库漏电的事拖到开春才报。"
        "给年轻干部改材料时常常嫌麻烦，退回去一句话也不讲清楚。"
        "老战友请吃饭在县城饭店坐了一桌，当时没有推掉。",
        encoding="utf-8",
    )
    (tmp_path / "bad.wps").write_bytes(bytes(range(256)))  # listed: a material dimtag cannot read
    out = tmp_path / "s.csv"
    assert main(["suggest", str(tmp_path), "-n", "2", "--labels", str(LABELS), "-o", str(out)]) == 1
    assert "bad.wps" in capsys.readouterr().err
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 2


def test_near_duplicate_pairs_finds_pairs_by_trigram_jaccard():
    texts = ["对基层调查研究不够深入细致。", "完全不同的一句话，讲廉洁。", "对基层调查研究不够深入细致！", "对基层调查研究不够。"]
    pairs = near_duplicate_pairs(texts)
    assert [(i, j) for i, j, _ in pairs] == [(0, 2)]
    assert all(0.6 <= s <= 1 for _, _, s in pairs)
