"""data/labels.csv stays honest: schema, labels, coverage, and agreement with extraction."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from dimtag.dimensions import LABELS as ALLOWED
from dimtag.dimensions import Dimension
from dimtag.learn.curation import near_duplicate_pairs
from dimtag.learn.extraction import extract_items
from dimtag.learn.labels import COLUMNS, ORIGINS, LabelsError, read_labels

from conftest import LABELS, REPO


def test_header_has_the_columns_dimtag_writes():
    with open(LABELS, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert tuple(header) == COLUMNS


def test_only_allowed_labels_origins_and_sources(items, seed_paths):
    assert {it.dimension for it in items} <= set(ALLOWED)
    assert {it.origin for it in items} <= set(ORIGINS)
    assert all((it.source == "authored") == (it.origin == "authored") for it in items)
    seeds = {p.name for p in seed_paths}
    assert all(it.source in seeds for it in items if it.origin == "seed")
    assert not any(it.source in seeds for it in items if it.origin == "collected"), "collected rows come from other documents"


def test_provenance_eight_writers_of_250_plus_seeds(items):
    assert all(it.writer == "seed" for it in items if it.origin == "seed")
    assert all(it.writer and it.writer != "seed" for it in items if it.origin == "authored")
    per_writer = Counter(it.writer for it in items if it.origin == "authored")
    big = [w for w, n in per_writer.items() if n >= 250]
    assert len(big) >= 8, per_writer


def test_none_items_know_real_debris(items):
    none = [it for it in items if it.dimension == "none"]
    assert len(none) >= 300
    assert len({it.writer for it in none}) >= 8, "written across the writers"


@pytest.mark.slow  # compares every pair of written items' shingles: about 3 s
def test_no_near_duplicates_across_writers(items):
    written = [it for it in items if it.origin != "collected"]
    pairs = near_duplicate_pairs([it.text for it in written])
    across = [(written[i].text, written[j].text) for i, j, _ in pairs if written[i].writer != written[j].writer]
    assert across == []


def test_no_text_twice(items):
    dupes = [t for t, n in Counter(it.text for it in items).items() if n > 1]
    assert dupes == []


def test_every_dimension_has_250_items(items):
    counts = Counter(it.dimension for it in items)
    for d in Dimension:
        assert counts[d.value] >= 250, (d, counts[d.value])


def test_at_least_250_seed_items_from_all_five(items, seed_paths):
    seed_items = [it for it in items if it.origin == "seed"]
    assert len(seed_items) >= 250
    assert {it.source for it in seed_items} == {p.name for p in seed_paths}


#: How a paywall or an advert of a document site asks for something; a writer's own 文稿素材库 is not one.
_ADVERT = re.compile(r"(素材库|范文|文库).{0,8}(会员|下载|微信|QQ|获取|访问|充值)|(联系|添加|咨询)客服|客服(微信|QQ|电话)")


def test_no_paywall_or_advert_text_in_what_is_said(items):
    # Web copies keep their furniture on purpose (issue 18), as `other` items; an advert inside an item that
    # states a problem, cause, measure or achievement would be a scrape.
    for it in items:
        assert "paid" not in it.text.lower()
        if it.role != "other":
            assert not _ADVERT.search(it.text), it.text
    assert _ADVERT.search("更多范文请访问素材库会员专区") and _ADVERT.search("下载全文请联系客服")


def test_extraction_of_each_seed_gives_back_its_items(items, seed_paths, tagger):
    """Every segment of every seed is labeled; repeated headings are labeled once, under the first seed."""
    labeled = {it.text: it for it in items}
    earlier: set[str] = set()
    for path in seed_paths:
        rows = extract_items(path, tagger=tagger)
        assert rows, path
        assert all(r["source"] == path.name for r in rows)
        texts = [r["text"] for r in rows]
        missing = [t for t in texts if t not in labeled]
        assert missing == [], f"{path.name}: segments not in labels.csv: {missing[:3]}"
        own = [t for t in texts if t not in earlier]
        in_file = [it.text for it in items if it.source == path.name]
        assert own == in_file, path.name
        earlier.update(texts)


def test_labeling_guide_examples_agree_with_labels(items):
    guide = (REPO / "docs" / "labeling.md").read_text(encoding="utf-8")
    examples = re.findall(r"^- `(\w+)` 「(.+?)」", guide, flags=re.M)
    assert len(examples) >= 12
    labeled = {it.text: it.dimension for it in items}
    for dimension, text in examples:
        assert labeled.get(text) == dimension, text


@pytest.mark.parametrize(
    "body, message",
    [
        ("text,dimension,source\nx,theory,authored\n", "missing column"),
        ("text,dimension,source,origin\nx,morals,authored,authored\n", "unknown dimension"),
        ("text,dimension,source,origin,writer\nx,theory,authored,authored,w1\nx,politics,authored,authored,w1\n", "already on line 2"),
        ("text,dimension,source,origin\nx,theory,authored,authored\n", "need a writer id"),
        ("text,dimension,source,origin\n ,theory,authored,authored\n", "empty text"),
        ("text,dimension,source,origin\nx,theory,a.txt,authored\n", "source 'authored'"),
    ],
)
def test_read_labels_rejects_bad_files(tmp_path, body, message):
    path = tmp_path / "labels.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(LabelsError, match=message):
        read_labels(path)
