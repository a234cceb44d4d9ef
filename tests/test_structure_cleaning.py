"""Issue 11: cleaning never deletes a real sentence, removes page debris, and reports all it removes."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dimtag import clean, segment
from dimtag.cleaning import clean_document, is_advert_line

PROBLEM_WITH_PROMOTION_WORDS = (
    "（五）工作作风方面。一是习惯在微信群里布置工作，下载表格让基层填报的多，关注群众急难愁盼的少。"
    "二是通过公众号发布的信息多，面对面听取意见的少。"
)


def test_a_paragraph_with_a_problem_is_never_an_advert():
    cleaned = clean_document(f"一、存在的问题\n{PROBLEM_WITH_PROMOTION_WORDS}\n以上发言，请批评指正。")
    assert PROBLEM_WITH_PROMOTION_WORDS in cleaned.text
    assert cleaned.dropped == ()
    assert not is_advert_line("充分利用微信公众号、短视频等新方式宣传廉洁文化，关注受众反馈。")


def test_a_promotion_block_is_dropped_and_reported():
    advert = "【某某素材库】每日更新，关注公众号，添加客服微信即可下载全文"
    raw = f"一是调研不深入。\n{advert}\n二是联系群众不紧。"
    cleaned = clean_document(raw)
    assert cleaned.text == "一是调研不深入。\n二是联系群众不紧。"
    (d,) = cleaned.dropped
    assert d.reason == "advert" and raw[d.start : d.end] == advert == d.text


def test_page_debris_is_dropped_with_reasons():
    title = "某某局党组书记专题民主生活会对照检查材料"
    raw = (
        "某某范文网\n"
        f"{title}\n"
        "发布时间：2024-01-12 来源：某某范文网 作者：佚名\n"
        "分享到：微信 微博 QQ空间\n"
        f"{title}\n"
        "一、存在的问题\n"
        "一是学（xué）习（xí）的主动性不够，读原著少。\n"
        "二是调查研究不深入……登录后可阅读全文\n"
        "（本文由网友投稿整理，如有侵权请联系删除）\n"
        "上一篇：某某镇党委班子对照检查材料\n"
        "某某范文网\n"
    )
    cleaned = clean_document(raw)
    assert cleaned.text.split("\n") == [
        "某某范文网", title, "一、存在的问题", "一是学习的主动性不够，读原著少。", "二是调查研究不深入……",
    ]
    reasons = [d.reason for d in cleaned.dropped]
    assert reasons == [
        "page metadata", "page navigation", "repeated title", "pinyin annotation", "pinyin annotation",
        "login wall", "page notice", "page navigation", "repeated title",
    ]
    for d in cleaned.dropped:
        assert raw[d.start : d.end] == d.text
    assert cleaned.dropped[3].text == "（xué）"


def test_a_repeated_sentence_or_heading_is_not_a_repeated_title():
    raw = "一是学习不够。\n（一）理论学习方面\n一是学习不够。\n（一）理论学习方面"
    assert clean_document(raw).text == raw
    raw = "个人对照检查材料\n存在的主要问题\n一是学习不够。\n存在的主要问题\n二是作风不实。"
    assert clean_document(raw).text == raw


def test_raw_offsets_of_cleaned_characters():
    raw = "学习 不够 , 比如XXX单位.\r\n\r\n  ## paid end ##二是调研少"
    cleaned = clean_document(raw)
    assert cleaned.text == "学习不够，比如XXX单位。\n二是调研少"
    assert [raw[i] for i in cleaned.raw_index] == [c if c not in "，。" else {"，": ",", "。": "."}[c] for c in cleaned.text]
    assert cleaned.raw_span(0, 4) == (0, 5)  # the folded space inside is included
    assert [d.reason for d in cleaned.dropped] == ["paywall marker"]


# Text drawn from the alphabet of these documents and of page debris.
_ALPHABET = st.sampled_from(
    list("学习政治廉洁作风担当方面问题一二三是（）、。，；：！？“”\n\r 　\t,.;:!?()XX××1234ab#")
    + ["登录后可阅读全文", "发布时间：", "来源：", "作者：", "（xué）", "微信", "关注", "素材库", "客服", "上一篇：",
       "以上发言，请批评指正。", "##paidbegin##", "\u200b", "第二，", "①", "（一）", "1.",
       # web furniture and broken lines (issue 18), control characters (issue 19)
       "当前位置：", " > ", "打印", "【打印】", "阅读原文", "第一篇：", "本文由AI生成", "编辑丨", "A+ A-", "理论学习不够深入，读原著少",
       "\x07", "\x1b"]
)
_LAYOUT = re.compile(r"[\s\u200b\ufeff\u200c\u200d\u2060\u00ad\u200e\u200f\x00-\x08\x0e-\x1f\x7f]")


@settings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_every_raw_character_is_in_an_item_a_heading_or_dropped(raw):
    cleaned = clean_document(raw)
    covered = [False] * len(raw)
    for seg in segment(cleaned.text):
        a, b = cleaned.raw_span(seg.start, seg.end)
        covered[a:b] = [True] * (b - a)
    for d in cleaned.dropped:
        assert raw[d.start : d.end] == d.text and d.reason
        covered[d.start : d.end] = [True] * (d.end - d.start)
    lost = [(i, ch) for i, ch in enumerate(raw) if not covered[i] and not _LAYOUT.match(ch)]
    assert lost == []


@settings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_cleaning_with_debris_is_idempotent(raw):
    once = clean(raw)
    assert clean(once) == once


_WEB_COPY = """当前位置：首页 > 党建园地 > 学习资料
网站首页 > 组织生活 > 正文
某中学党支部班子对照检查材料
发布时间：2024-03-05 来源：本站 作者：党办 点击数：1024 浏览次数：88
字号：大 中 小
【打印本页】【关闭窗口】
朗读 | 打印 | 纠错 | 扫一扫 | 分享到
A+ A-
主动公开
扫码在手机上查看
一、存在的问题
一是理论学习不够深入，集体学习时打印的材料发下去多，
组织研讨少。
二是对青年教师的思想动态关注不够，谈心谈话流于形式。
点击蓝字关注我们
阅读原文
编辑：王某 审核：李某
来源：某某教育网
第一篇：某中学党支部班子对照检查材料
第二篇：党员个人对照检查材料
以上内容仅供参考，请根据实际情况修改。
本文由AI生成
"""


def test_web_furniture_is_dropped_with_its_reason_and_content_stays():
    cleaned = clean_document(_WEB_COPY)
    reasons = {d.text: d.reason for d in cleaned.dropped}
    assert reasons["当前位置：首页 > 党建园地 > 学习资料"] == "breadcrumb"
    assert reasons["字号：大 中 小"] == reasons["【打印本页】【关闭窗口】"] == reasons["A+ A-"] == "page button"
    assert reasons["朗读 | 打印 | 纠错 | 扫一扫 | 分享到"] in ("page button", "page navigation")
    assert reasons["主动公开"] == "page button"
    assert reasons["扫码在手机上查看"] == reasons["来源：某某教育网"] == reasons["编辑：王某 审核：李某"] == "page metadata"
    assert reasons["点击蓝字关注我们"] == reasons["阅读原文"] == "wechat furniture"
    assert reasons["第二篇：党员个人对照检查材料"] == "document list"
    assert reasons["以上内容仅供参考，请根据实际情况修改。"] == reasons["本文由AI生成"] == "generator note"
    assert cleaned.text.splitlines() == [
        "某中学党支部班子对照检查材料",
        "一、存在的问题",
        "一是理论学习不够深入，集体学习时打印的材料发下去多，组织研讨少。",  # 打印 in passing stays; the break is joined
        "二是对青年教师的思想动态关注不够，谈心谈话流于形式。",
    ]


def test_sentences_that_mention_furniture_words_stay():
    text = "阅读原文原著不够，学习不系统。\n打印文件多，调研少。\n关注我们身边群众的困难不够。\n来源：调查研究不够，原因是来源单一。"
    assert clean(text) == text


def test_lines_broken_mid_sentence_are_joined_with_raw_offsets():
    raw = "一是调查研究不够深入，听取汇报多、深入一线少、下\n基层少，对群众反映的热点难点问题回应得还不\n\n及时。\n二是作风不实。\n（三）工作作风方面\n对标先进找差距不够主动，工作标准不高满足于过得去\n（四）担当作为方面"
    cleaned = clean_document(raw)
    assert cleaned.text.splitlines() == [
        "一是调查研究不够深入，听取汇报多、深入一线少、下基层少，对群众反映的热点难点问题回应得还不及时。",
        "二是作风不实。",  # a line that opens a point is never joined to the one before
        "（三）工作作风方面",
        "对标先进找差距不够主动，工作标准不高满足于过得去",  # the next line is a heading
        "（四）担当作为方面",
    ]
    start = cleaned.text.index("下基层")
    a, b = cleaned.raw_span(start, start + 3)
    assert raw[a:b] == "下\n基层"
    assert clean(cleaned.text) == cleaned.text


def test_short_lines_and_titles_are_not_joined():
    text = "某局党组班子对照检查材料\n现将有关情况报告如下：\n宗旨意识淡薄\n对群众的难处体会不深，办事有时只图省事。\n2024年1月10日\n张某"
    assert clean(text) == text
