"""Cleaning and segmentation of raw documents."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dimtag import clean, segment
from dimtag.features import prepare
from dimtag.segmentation import heading_dimension, section_of

# Text drawn from the alphabet these documents are made of, so that the
# properties meet headings, enumerations and punctuation often.
_ALPHABET = st.sampled_from(list("学习政治廉洁作风担当一二三是（）、。，；：！？“”\n 　\t,.;:!?()XX××xx**1234abc#"))
doc_text = st.text(_ALPHABET, max_size=300) | st.text(max_size=200)


def test_paywall_markers_are_removed(seed_paths):
    for path in seed_paths:
        cleaned = clean(path.read_text(encoding="utf-8"))
        assert "paidbegin" not in cleaned and "paidend" not in cleaned
        assert "##" not in cleaned


def test_advert_block_is_removed_and_body_kept(seed_paths):
    raw = seed_paths[2].read_text(encoding="utf-8")
    cleaned = clean(raw)
    for word in ("素材库", "客服", "代发布", "会员"):
        assert word in raw and word not in cleaned
    assert "廉政风险防控存在漏洞" in cleaned
    # One mention of 微信公众号 inside a real sentence is not an advert.
    assert "微信公众号等新方式" in clean(seed_paths[4].read_text(encoding="utf-8"))


def test_punctuation_and_space_are_normalized():
    assert clean("学习 不够 , 比如 :  调研少 ; 作风(形式主义) ?") == "学习不够，比如：调研少；作风（形式主义）？"
    assert clean("一是学习不深.二是\r\n\r\n\n用得少") == "一是学习不深。二是\n用得少"
    assert clean("ＡＢＣ１２３") == "ABC123"
    assert clean("1.学习 2.5 倍") == "1.学习2.5倍"


def test_a_full_stop_before_the_next_enumerator_ends_the_sentence():
    # A list written on one line in ASCII punctuation: "小时.2." is the end of point 1 and the start of point 2.
    raw = "1.加强学习,每周自学不少于3小时.2.严守纪律,不信谣不传谣.3.改进作风,每月调研2次."
    assert clean(raw) == "1.加强学习，每周自学不少于3小时。2.严守纪律，不信谣不传谣。3.改进作风，每月调研2次。"
    assert [s.text for s in segment(clean(raw))] == [
        "1.加强学习，每周自学不少于3小时。", "2.严守纪律，不信谣不传谣。", "3.改进作风，每月调研2次。"
    ]
    # Not before digits that enumerate nothing, nor after a Chinese numeral (an outline number).
    assert clean("增长了.5个百分点") == "增长了.5个百分点"
    assert clean("三.1.加强学习") == "三.1.加强学习"


def test_masks_are_kept_in_text_but_not_in_features():
    text = "对XXX同志和××单位、xx项目、**实际的情况了解不够。"
    assert clean(text) == text
    prepared = prepare(text)
    for mask in ("XXX", "××", "xx", "**"):
        assert mask not in prepared
    assert "同志" in prepared


@settings(max_examples=300, deadline=None)
@given(doc_text)
def test_clean_is_idempotent(text):
    once = clean(text)
    assert clean(once) == once


@settings(max_examples=300, deadline=None)
@given(doc_text)
def test_segmentation_loses_no_character(text):
    cleaned = clean(text)
    segments = segment(cleaned)
    covered = "".join(cleaned[s.start : s.end] for s in segments)
    assert all(cleaned[s.start : s.end] == s.text for s in segments)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", cleaned)
    starts = [s.start for s in segments]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(segments, segments[1:]))


def test_inline_heading_is_split_from_its_points():
    segs = segment("（一）在理论学习方面。一是学得不深。二是用得不够。")
    assert [(s.kind, s.text) for s in segs] == [
        ("section", "（一）在理论学习方面。"),
        ("item", "一是学得不深。"),
        ("item", "二是用得不够。"),
    ]


def test_long_point_is_split_into_sentences_short_point_kept_whole():
    short = "一是学习不够。读原著少。"
    assert [s.text for s in segment(short)] == [short]
    long_point = "一是学习不够。" + "对新思想的理解停留在表面，" * 6 + "没有深入思考。"
    assert [s.text for s in segment(long_point)] == ["一是学习不够。", long_point[len("一是学习不够。"):]]


def test_numbered_points_and_enumerations_after_colon():
    segs = segment("还存在一些不足：一是学得不深；二是用得不够。\n1.调研不深入。")
    assert [s.text for s in segs] == ["还存在一些不足：", "一是学得不深；", "二是用得不够。", "1.调研不深入。"]


def test_seed_headings_are_recovered(seed_paths):
    """Every （一）…（六） and 一、二、三、 line of the raw seeds comes back as a heading."""
    for path in seed_paths:
        raw_lines = [line.strip() for line in clean(path.read_text(encoding="utf-8")).split("\n")]
        expected = [re.match(r"[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）", line).group() for line in raw_lines if re.match(r"[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）", line)]
        found = [s.text for s in segment(clean(path.read_text(encoding="utf-8"))) if s.kind in ("part", "section")]
        assert [f[: len(e)] for f, e in zip(found, expected)] == expected and len(found) == len(expected), path.name


@pytest.mark.parametrize(
    "heading, dimension",
    [
        ("（一）在理论学习方面。", "theory"),
        ("（二）对照政治素质方面突出问题", "politics"),
        ("（三）能力本领方面存在的不足", "ability"),
        ("（四）在担当作为方面", "responsibility"),
        ("（五）工作作风方面", "work_style"),
        ("（六）廉洁自律方面", "integrity"),
        ("（六）清正廉洁方面", "integrity"),
        ("（二）精神状态方面", None),
        ("（一）提高政治素质，加强理论学习。", None),
    ],
)
def test_heading_dimension(heading, dimension):
    got = heading_dimension(heading)
    assert (got.value if got else None) == dimension


def test_sections_from_part_headings():
    assert [section_of(h) for h in ("一、存在的主要问题", "二、产生问题的原因剖析", "三、下一步整改措施", "附件")] == [
        "problem", "cause", "measure", "other",
    ]
