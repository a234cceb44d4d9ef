"""Folders of generated self-criticism materials with planted copied passages.

Used by tests/test_report_copying.py and benchmarks/copying.py. Every piece of
text here was written for this generator. A document is built from:

- formula phrases that most documents share (the intro, the part headings,
  the closing), each used by a document with probability ``formula_rate``;
- the document's own sentences, short pieces joined at random with a number
  and sometimes a place name, so that two documents share no long run of text
  by chance;
- planted passages: two to four consecutive own sentences of one document
  (60 to 250 characters), copied word for word into another document.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

FORMULAS = (
    "深入学习贯彻习近平新时代中国特色社会主义思想",
    "认真查摆问题，深刻剖析根源，明确整改方向",
    "广泛征求意见建议，开展谈心谈话",
    "紧扣会议主题，结合个人思想和工作实际",
    "现将个人对照检查情况报告如下",
    "以上发言，请批评指正",
    "坚持把学习作为首要任务",
    "进一步增强政治判断力、政治领悟力、政治执行力",
    "切实履行全面从严治党主体责任",
    "以更高标准、更严要求推进各项工作",
)
_HEADINGS = ("理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律")
# Short pieces (six characters at most) joined at random: any run of eight
# characters or more spans two or more pieces, so it is rare across
# documents unless it was copied.
_PIECES = (
    "学习", "不够深入", "调研", "台账", "督办", "群众", "反映", "意见", "较多", "落实", "不到位", "推进",
    "缓慢", "资金", "拨付", "滞后", "项目", "审批", "环节", "过多", "检查", "发现", "隐患", "整改",
    "不彻底", "会议", "文件", "偏多", "基层", "负担", "较重", "分管", "领域", "出现", "问题", "没有",
    "及时", "处理", "跟踪", "问效", "口头", "提醒", "制度", "执行", "走样", "班子", "讨论", "不充分",
    "职工", "诉求", "回应", "迟缓", "数据", "统计", "不准", "汛期", "值守", "脱岗", "采购", "比价",
    "手续", "补办", "考核", "流于", "形式", "培训", "覆盖", "不全", "档案", "缺失", "安全", "生产",
    "责任", "压得", "不实", "信访", "积案", "化解", "进度", "平台", "运用", "不熟", "经费", "使用",
    "把关", "不严", "服务", "窗口", "排队", "时间长", "道路", "养护", "农田", "水利", "校舍", "维修",
    "我", "本人", "亲自", "过问", "较少", "上级", "通报", "批评", "年底", "才", "解决", "拖延",
    "方案", "脱离", "实际", "宣传", "发动", "不足", "分工", "不清", "垃圾", "分类", "消防", "演练",
)
_TIMES = ("今年", "去年", "上半年", "下半年", "年初", "第三季度", "春节前后", "汛期")
_SYLLABLES = "青石河桥松柏东西南北梨枣云山塘湾溪岭坪林田沙丰安宁和顺兴隆平泉"
_SUFFIXES = ("村", "社区", "街道", "站", "所", "中心", "片区")


@dataclass(frozen=True)
class Plant:
    """A passage of document ``a`` copied into document ``b`` (offsets into the texts)."""

    a: int
    start_a: int
    end_a: int
    b: int
    start_b: int
    end_b: int


@dataclass
class Folder:
    texts: list[str]
    plants: list[Plant] = field(default_factory=list)


def _place(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(3)) + rng.choice(_SUFFIXES)


def _own_sentence(rng: random.Random) -> str:
    words = [rng.choice(_PIECES) for _ in range(rng.randint(6, 10))]
    words.insert(rng.randrange(len(words)), f"{rng.randint(2, 900)}{rng.choice('项次处户件名')}")
    if rng.random() < 0.5:
        words.insert(0, rng.choice(_TIMES) + _place(rng))
    cut = rng.randrange(2, len(words))
    return "".join(words[:cut]) + "，" + "".join(words[cut:]) + "。"


def _measure(rng: random.Random) -> str:
    return f"对{_place(rng)}的{rng.choice(_PIECES)}{rng.choice(_PIECES)}问题，{rng.randint(1, 12)}月底前整改到位。"


def _formula(rng: random.Random, rate: float, index: int) -> str:
    return FORMULAS[index] + "，" if rng.random() < rate else ""


def _document(rng: random.Random, rate: float, sections: int) -> list[list[str]]:
    """Paragraphs of sentences (a heading is a one-sentence paragraph)."""
    intro = (
        f"按照{_place(rng)}党委的统一部署，{_formula(rng, rate, 0)}{_formula(rng, rate, 2)}"
        f"{_formula(rng, rate, 3)}{_formula(rng, rate, 1)}共收集意见{rng.randint(5, 30)}条。"
        f"{FORMULAS[4] if rng.random() < rate else '对照检查如下'}。"
    )
    paragraphs = [[f"{_place(rng)}负责同志对照检查材料"], [intro], ["一、存在的问题"]]
    for s in range(sections):
        heading = f"（{'一二三四五六七八九十'[s % 10]}）在{_HEADINGS[s % 6]}方面。"
        paragraphs.append([heading] + [_own_sentence(rng) for _ in range(rng.randint(3, 5))])
    paragraphs.append(["二、原因剖析"])
    paragraphs.append([_own_sentence(rng) for _ in range(rng.randint(2, 3))])
    paragraphs.append(["三、整改措施"])
    lead = "".join(_formula(rng, rate, i) for i in (6, 7, 8, 9))
    paragraphs.append([lead + _measure(rng)] + [_measure(rng) for _ in range(rng.randint(2, 5))])
    paragraphs.append([FORMULAS[5] + "。" if rng.random() < rate else "请同志们批评。"])
    return paragraphs


def generate(
    n_docs: int,
    n_plants: int,
    *,
    seed: int = 0,
    formula_rate: float = 0.9,
    long_every: int = 0,
    sections: int = 6,
) -> Folder:
    """Generate ``n_docs`` documents with ``n_plants`` passages copied between pairs.

    Each document has ``sections`` problem sections (six: some 1,000
    characters; one: some 500). Every ``long_every``-th document (0: none)
    has 60 instead (some 10,000 characters), so that copies into long
    documents are tested too.
    """
    rng = random.Random(seed)
    docs = [
        _document(rng, formula_rate, 60 if long_every and i % long_every == long_every - 1 else sections)
        for i in range(n_docs)
    ]
    # The passages are taken before any is inserted, so a passage is always
    # a document's own text and never holds another planted passage.
    planned = []
    used: set[tuple[int, int]] = set()
    for _ in range(n_plants * 20):
        if len(planned) == n_plants:
            break
        a, b = rng.sample(range(n_docs), 2)
        where = (a, rng.randrange(3, 3 + min(sections, 6)))
        if where in used:  # two copies of one passage would make a third, unplanned pair
            continue
        used.add(where)
        section = docs[where[0]][where[1]]
        sentences = section[1:]
        first = rng.randrange(len(sentences))
        passage = ""
        for sentence in sentences[first:]:
            passage += sentence
            if len(passage) >= 60 and (len(passage) >= 120 or rng.random() < 0.5):
                break
        if len(passage) < 60:  # too close to the section's end: take from its start
            passage = "".join(sentences)
        passage = passage[:250]
        if len(passage) < 60:
            continue
        planned.append((a, b, passage))
    for _a, b, passage in planned:
        # A paragraph of its own, so that no insertion splits another passage.
        docs[b].insert(rng.randrange(3, 10), [passage])
    texts = ["\n".join("".join(p) for p in doc) for doc in docs]
    plants = []
    for a, b, passage in planned:
        start_a, start_b = texts[a].find(passage), texts[b].find(passage)
        plants.append(Plant(a, start_a, start_a + len(passage), b, start_b, start_b + len(passage)))
    return Folder(texts, plants)


def generate_groups(n_docs: int, group_size: int, *, seed: int = 0) -> list[str]:
    """``n_docs`` documents in groups of ``group_size`` that each share one passage of about 100 characters.

    The shape of issue 19's attack on copy detection: every pair inside a
    group shares the passage, so reporting pairs grows with the square of
    the group.
    """
    rng = random.Random(seed)
    texts = generate(n_docs, 0, seed=seed).texts
    out = []
    for i, text in enumerate(texts):
        group = random.Random(seed * 100_003 + i // group_size)
        passage = ""
        while len(passage) < 100:
            passage += _own_sentence(group)
        lines = text.split("\n")
        lines.insert(rng.randrange(3, len(lines)), passage)
        out.append("\n".join(lines))
    return out
