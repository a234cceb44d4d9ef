"""Issue 11: headings at every level, points that group their sentences, scopes that end.

Every document here was written for this test. Each case of the issue's
"What goes wrong today" list has a test that failed on the code before it.
"""

from __future__ import annotations

import pytest

from dimtag import clean, segment, tag_document
from dimtag.lexicon import dimension_named, is_topic, role_of
from dimtag.segmentation import OutlineMark


def items(text: str):
    return [s for s in segment(clean(text)) if s.kind == "item"]


def headings(text: str):
    return [s for s in segment(clean(text)) if s.kind in ("part", "section")]


def item(text: str, start: str):
    """The item whose text starts with ``start``."""
    found = [s for s in items(text) if s.text.startswith(start)]
    assert len(found) == 1, [s.text for s in items(text)]
    return found[0]


# -- headings of every form name a dimension ------------------------------------


@pytest.mark.parametrize(
    "doc, under, dimension",
    [
        # part headings
        ("一、政治素质方面存在的差距\n1.对意识形态领域的新情况研判不够，部署少。\n2.执行请示报告制度不严格。", "2.执行", "politics"),
        ("二、学习教育方面（5条）\n1.读原著原文少，满足于看摘要。", "1.读原著", "theory"),
        # numbered titles on their own line: the title names the dimension of its paragraph
        ("3、工作作风还不够扎实。\n下基层时走马观花，和群众坐下来拉家常的时候少，对基层的难处了解不深。", "下基层", "work_style"),
        ("（3）作风不够严实。\n会议开得多，现场去得少，文件发得多，督促检查少，群众对此有意见。", "会议开得多", "work_style"),
        # inline colon headings
        ("（一）理论学习方面：学习的主动性不够，往往是上级要求学什么就学什么，缺乏系统的计划和安排。", "学习的主动性", "theory"),
        # a bare short line heads its paragraph
        ("宗旨意识淡薄。\n对群众的诉求回应不及时，有时候把群众的小事当作无关紧要的事来对待，群众满意度不高。", "对群众的诉求", "work_style"),
    ],
)
def test_headings_of_every_form_give_their_dimension(doc, under, dimension):
    s = item(doc, under)
    named = s.heading_dimension or s.point_dimension
    assert named is not None and named.value == dimension


def test_ordinal_topic_opens_its_own_scope():
    doc = "（一）理论学习方面\n第一，学习不够深入，满足于一般性了解。第二，在政治素质方面，对意识形态工作重视不够，研判不及时。"
    assert item(doc, "第一").heading_dimension.value == "theory"
    politics = item(doc, "对意识形态")
    assert politics.heading_dimension.value == "politics"
    assert politics.headings == ("（一）理论学习方面", "第二，在政治素质方面，")


def test_inline_colon_heading_is_split_from_its_body():
    doc = "（二）政治素质方面：对政治理论的学习停留在表面，讲政治的意识还不够强，在大是大非面前的定力有待提高。"
    assert [h.text for h in headings(doc)] == ["（二）政治素质方面："]
    assert items(doc)[0].text.startswith("对政治理论")


def test_numbered_line_without_punctuation_is_a_heading_and_numbered_problem_is_a_point():
    doc = "1.理论学习方面\n（1）读书少。\n（2）学用脱节。\n2.调查研究不深入。"
    assert [h.text for h in headings(doc)] == ["1.理论学习方面"]
    first, second, third = items(doc)
    assert first.heading_dimension.value == "theory" and second.heading_dimension.value == "theory"
    assert third.text == "2.调查研究不深入。" and third.heading is None  # a sibling numbered line ends the scope
    assert len({first.point, second.point, third.point}) == 3


def test_mixed_nesting_gives_each_item_its_chain():
    doc = (
        "一、存在的问题\n"
        "（一）担当作为方面\n"
        "1.攻坚克难的勇气不足。遇到矛盾绕着走。①怕得罪人；②怕担责任。\n"
        "2.干事劲头有所减退。\n"
        "二、原因分析\n"
        "宗旨意识有所淡化。"
    )
    segs = items(doc)
    assert segs[0].headings == ("一、存在的问题", "（一）担当作为方面")
    assert {s.section for s in segs[:4]} == {"problem"}
    # ① and ② inside point 1 belong to it: one problem, not three.
    assert segs[0].point == segs[1].point == segs[2].point
    assert segs[-1].section == "cause" and segs[-1].heading_dimension is None
    assert segs[-1].headings == ("二、原因分析",)


# -- points --------------------------------------------------------------------------


def test_all_sentences_of_a_long_point_share_its_id():
    body = "满足于完成规定动作，自学的时间少，" * 3 + "学习笔记也记得不全。"
    doc = f"一是理论学习的系统性不强。{body}对新理论新观点理解不深。\n二是学用结合不够紧密。"
    segs = items(doc)
    assert len(segs) >= 3
    first_point = [s for s in segs if not s.text.startswith("二是")]
    assert len({s.point for s in first_point}) == 1
    assert segs[-1].point != segs[0].point


def test_a_paragraph_after_a_point_title_continues_the_point():
    doc = "2.学习的主动性不够。\n平时忙于事务，学习往往是被动应付，缺少钻研的劲头。\n3.调查研究不深入。"
    title, body, other = items(doc)
    assert title.point == body.point != other.point


# -- scopes end ------------------------------------------------------------------------


def test_closing_formula_ends_the_scope_of_the_last_heading():
    doc = "（六）廉洁自律方面\n一是对家属子女要求不严。\n以上发言，请同志们批评指正。\n2024年1月10日"
    segs = items(doc)
    assert segs[0].heading_dimension.value == "integrity"
    for s in segs[1:]:
        assert s.heading is None and s.heading_dimension is None and s.role == "closing" and s.point is None


def test_a_heading_of_the_same_level_ends_the_previous_one():
    doc = "（一）理论学习方面\n一是读书少。\n（二）精神状态方面\n一是劲头不足。"
    first, second = items(doc)
    assert first.heading_dimension.value == "theory"
    assert second.heading == "（二）精神状态方面" and second.heading_dimension is None


# -- roles that never speak to a dimension ---------------------------------------------


@pytest.mark.parametrize(
    "sentence, role",
    [
        ("现将本人对照检查情况报告如下：", "intro"),
        ("对照这些要求，本人还存在以下问题：", "lead"),
        ("我单位现有干部职工56人，其中党员32名。", "fact"),
        ("所谓“四风”，是指形式主义、官僚主义、享乐主义和奢靡之风。", "definition"),
        ("以上是我的个人剖析，不妥之处请同志们批评帮助。", "closing"),
        ("我是2015年入党的党员，现在社区卫生服务中心从事护理工作。", "fact"),
        ("但对照上级要求和群众期待，自身还存在不少差距。", "lead"),
        ("认真反思，上述问题的根源主要在于思想上有所松懈。", "lead"),
        ("开展批评和自我批评不够经常。", "content"),
        ("对这次征求到的意见和相互批评帮助意见，逐条建立整改台账。", "content"),
    ],
)
def test_roles(sentence, role):
    assert role_of(sentence, before_first_heading=False) == role


# -- the lexicon: names, variants and precedence ------------------------------------------


@pytest.mark.parametrize(
    "heading, dimension",
    [
        ("（一）在提高政治能力方面", "politics"),  # not ability, through 能力方面
        ("（三）在业务学习方面", "ability"),  # not theory, through 学习方面
        ("二、学习教育方面（5条）", "theory"),
        ("一、政治素质方面存在的差距", "politics"),
        ("（五）纠治形式主义官僚主义方面", "work_style"),
        ("（四）担当作为方面", "responsibility"),
        ("（六）党风廉政建设方面", "integrity"),  # not work style through 作风
        ("（二）精神状态方面", None),
        ("（一）贯彻落实方面", None),
    ],
)
def test_lexicon_precedence(heading, dimension):
    named = dimension_named(heading)
    assert (named.value if named else None) == dimension


def test_topic_or_problem():
    assert is_topic("理论学习方面") and is_topic("在政治素质方面存在的问题：") and is_topic("存在的主要问题")
    assert not is_topic("学习的主动性不够。") and not is_topic("作风不够严实")


# -- outline from a file reader (Word styles, numbering, tables) --------------------------


def test_a_site_name_and_a_title_on_top_are_both_titles():
    segs = segment(clean("某某文稿网您身边的写作助手\n2024年度组织生活会个人对照检查材料\n一是读书少。"))
    assert [s.kind for s in segs] == ["title", "title", "item"]
    assert [s.kind for s in segment("个人对照检查材料\n存在的问题\n1.读书少。")][:2] == ["title", "part"]


def test_outline_marks_make_headings_points_and_rows():
    text = "存在的问题\n理论学习方面\n读原著少，学习不系统。\n问题；整改措施；完成时限\n学习不深入；制定学习计划；2024年6月\n谢谢。"
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    outline = {
        starts[0]: OutlineMark(starts[0], "heading", 1),
        starts[1]: OutlineMark(starts[1], "heading", 2),
        starts[2]: OutlineMark(starts[2], "list", 0),
        starts[3]: OutlineMark(starts[3], "header"),
        starts[4]: OutlineMark(starts[4], "row"),
    }
    segs = segment(text, outline)
    kinds = [(s.kind, s.text) for s in segs]
    assert kinds[:2] == [("part", "存在的问题"), ("section", "理论学习方面")]
    listed = segs[2]
    assert listed.kind == "item" and listed.heading_dimension.value == "theory" and listed.section == "problem"
    assert ("section", "问题；整改措施；完成时限") in kinds
    row = next(s for s in segs if s.text.startswith("学习不深入"))
    assert row.kind == "item" and row.text == "学习不深入；制定学习计划；2024年6月"
    assert row.heading == "问题；整改措施；完成时限"
    # The table's header governs its rows only.
    assert segs[-1].heading != "问题；整改措施；完成时限"


# -- one-line documents ------------------------------------------------------------------


def test_headings_are_found_when_line_breaks_are_lost():
    doc = "现报告如下：一、存在的问题（一）理论学习方面。一是学得不深。二是用得不够。（二）工作作风方面。一是调研少。以上发言，请批评指正。"
    segs = segment(clean(doc))
    assert [s.text for s in segs if s.kind != "item"] == ["一、存在的问题", "（一）理论学习方面。", "（二）工作作风方面。"]
    dims = {s.text: s.heading_dimension and s.heading_dimension.value for s in segs if s.kind == "item"}
    assert dims["二是用得不够。"] == "theory" and dims["一是调研少。"] == "work_style"
    assert dims["以上发言，请批评指正。"] is None


def test_a_point_right_after_a_heading_without_punctuation_opens_its_own_item():
    # A heading line without punctuation, its line break lost.
    segs = segment(clean("（一）理论学习方面一是学得不深。二是用得不够。（二）工作作风方面1.调研少。"))
    assert [(s.kind, s.text) for s in segs] == [
        ("section", "（一）理论学习方面"), ("item", "一是学得不深。"), ("item", "二是用得不够。"),
        ("section", "（二）工作作风方面"), ("item", "1.调研少。"),
    ]


def test_a_problem_word_in_a_cause_sub_heading_keeps_the_cause_part():
    doc = tag_document("一、存在的问题\n1.学习不深，今年只读了2本书。\n二、原因剖析\n（一）警力严重不足。\n所里只有8名民警，警情多。\n"
                       "三、整改措施\n（一）针对学习不足。\n2025年3月前读完3本书。")
    assert [s.section for s in doc] == ["problem", "cause", "cause", "measure", "measure"]
