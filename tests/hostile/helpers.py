"""Helpers of the hostile-input tests: a tiny labels file, a small document, running the CLI."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def _code_path() -> str:
    """Where the dimtag under test lives, so that subprocesses run the same code as in-process tests."""
    import dimtag

    return str(Path(dimtag.__file__).resolve().parents[1])

# Eight words per dimension; each item is one word inside one of eight frames, so
# every dimension has eight items, two from each of two seed documents and two
# writers: holding any one group out leaves six, above the five a fold needs.
WORDS = {
    "theory": ("理论学习", "原著原文", "学懂弄通", "学用结合", "中心组学习", "理论武装", "学习笔记", "读书计划"),
    "politics": ("政治站位", "党性修养", "意识形态", "组织生活", "三会一课", "民主集中制", "政治纪律", "政治判断力"),
    "ability": ("业务能力", "专业知识", "本领恐慌", "思维能力", "创新能力", "统筹能力", "专业素养", "知识结构"),
    "responsibility": ("担当意识", "攻坚克难", "干事劲头", "动真碰硬", "敢于负责", "进取精神", "斗争精神", "攻坚意识"),
    "work_style": ("调查研究", "联系群众", "形式主义", "官僚主义", "基层负担", "为民服务", "文山会海", "督查检查"),
    "integrity": ("八项规定", "廉洁自律", "一岗双责", "礼品礼金", "监督管理", "家风建设", "廉政教育", "从严治党"),
}
FRAMES = (
    "一是{}还不够到位。", "在{}方面做得不够。", "对{}重视程度不高。", "{}上存在明显差距。",
    "抓{}的力度有待加强。", "{}方面还有不足。", "{}工作缺乏长效机制。", "{}落实得不够扎实。",
)
# (origin, source, writer) of the eight frames.
GROUPS = (
    ("seed", "doc_a.txt", ""), ("seed", "doc_a.txt", ""), ("seed", "doc_b.txt", ""),
    ("seed", "doc_b.txt", ""), ("authored", "authored", "w1"), ("authored", "authored", "w1"),
    ("authored", "authored", "w2"), ("authored", "authored", "w2"),
)
HEADER = ("text", "dimension", "source", "origin", "writer", "section", "kind", "heading")


def tiny_rows() -> list[dict[str, str]]:
    """48 labels.csv rows: 6 dimensions × 8 items, from 2 seed documents and 2 writers."""
    rows = []
    for dimension, words in WORDS.items():
        for i, word in enumerate(words):
            origin, source, writer = GROUPS[i]
            rows.append({"text": FRAMES[i].format(word), "dimension": dimension, "source": source, "origin": origin,
                         "writer": writer, "section": "problem", "kind": "item", "heading": ""})
    return rows


def write_labels(path: Path, rows: list[dict[str, str]], header: tuple[str, ...] = HEADER, *, bom: bool = False) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(header), lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


#: A short document of this register, written for these tests.
DOC = (
    "一、存在的问题\n"
    "（一）在理论学习方面。一是学习不够系统，读原著原文少。二是学用结合不紧。\n"
    "（二）在工作作风方面。下基层调研少，听汇报多。\n"
    "（三）在廉洁自律方面。对八项规定精神的执行监督不够严格。\n"
)



def cli(capsys: Any, *argv: Any) -> tuple[int, str, str]:
    """Run ``dimtag`` in-process; return exit code, stdout and stderr."""
    from dimtag.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def console(*argv: Any, **kwargs: Any) -> subprocess.CompletedProcess:
    """Run ``python -m dimtag`` in a subprocess, with the code the tests import."""
    env = {**os.environ, "PYTHONPATH": _code_path(), **kwargs.pop("env", {})}
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "dimtag", *map(str, argv)], env=env, check=False, **kwargs)


def popen(*argv: Any, **kwargs: Any) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": _code_path(), **kwargs.pop("env", {})}
    return subprocess.Popen([sys.executable, "-m", "dimtag", *map(str, argv)], env=env, **kwargs)
