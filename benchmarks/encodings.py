"""How well dimtag tells Chinese text from bytes in another encoding, against charset-normalizer.

Usage::

    python benchmarks/encodings.py                 # measure; writes benchmarks/ENCODINGS.md
    python benchmarks/encodings.py --write-common  # regenerate src/dimtag/resources/common_hanzi.txt

``common_hanzi.txt`` holds the 500 most frequent characters of the texts in
data/labels.csv. :func:`dimtag.reading.decode_bytes` accepts GB18030 bytes
only when enough of their ideographs are among them. Here the share is
measured per source document with the list rebuilt from the other sources
(held out), on every labeled item alone (short texts), on foreign-language
samples written for this benchmark, and compared with what
charset-normalizer (if installed) would decide for the same bytes.
"""

from __future__ import annotations

import argparse
import collections
import csv
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESOURCE = REPO / "src" / "dimtag" / "resources" / "common_hanzi.txt"
N_COMMON = 500
_IDEOGRAPH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Written for this benchmark (and the tests): the same kind of content in other languages and scripts.
SAMPLES = {
    "Japanese": ("shift_jis", "私たちは毎日の仕事の中で、学習の大切さを改めて感じています。会議では多くの意見が出されましたが、"
                 "実際の行動に結びつけることが課題です。今後は計画を立てて、一歩ずつ改善していきたいと考えています。"),
    "Korean": ("euc_kr", "우리는 매일 업무 속에서 학습의 중요성을 다시 느끼고 있습니다. 회의에서는 많은 의견이 나왔지만 "
               "실제 행동으로 연결하는 것이 과제입니다. 앞으로는 계획을 세우고 한 걸음씩 개선해 나가고자 합니다."),
    "traditional Chinese": ("big5", "在理論學習方面，本人對黨的創新理論學習不夠系統深入，往往滿足於參加會議、閱讀文件，"
                            "沒有做到學思用貫通。在工作作風方面，深入基層調查研究不夠，聽彙報多、實地察看少，"
                            "對群眾反映的問題解決不及時。今後要加強學習，改進作風，切實擔負起應有的責任。"),
    "German": ("latin-1", "Die Sitzung war sehr nützlich. Wir müssen unsere Arbeitsweise überprüfen und größere Fortschritte "
               "erzielen. Für die nächsten Monate planen wir Schulungen, Gespräche mit den Bürgern und eine Überprüfung."),
    "French": ("cp1252", "Nous avons étudié le problème à fond et la réunion a été très utile. Les membres ont exprimé leurs "
               "idées sur l'amélioration du travail quotidien, et chacun s'est engagé à réviser ses méthodes."),
    "everyday Chinese (GBK)": ("gbk", "周末我和家人去了郊外的公园，天气很好，阳光明媚。孩子们在草地上放风筝，老人坐在树下聊天。"
                               "中午我们在附近的小饭馆吃了饺子和面条，味道不错，价格也便宜。下午下了一场小雨，我们就早早回家了。"),
    "Chinese UTF-16 LE, no BOM": ("utf-16-le", "在理论学习方面，本人对党的创新理论学习不够系统深入，往往满足于参加会议、阅读文件。"),
}


def _rows() -> list[dict[str, str]]:
    with open(REPO / "data" / "labels.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def common(rows: list[dict[str, str]], n: int = N_COMMON) -> list[str]:
    counts = collections.Counter(ch for r in rows for ch in _IDEOGRAPH.findall(r["text"]))
    return [ch for ch, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def write_common() -> None:
    chars = common(_rows())
    lines = ["# The 500 most frequent characters of data/labels.csv (python benchmarks/encodings.py --write-common)."]
    lines += ["".join(chars[i : i + 50]) for i in range(0, len(chars), 50)]
    RESOURCE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written {RESOURCE}")


def _share(text: str, chars: set[str]) -> tuple[int, float]:
    found = _IDEOGRAPH.findall(text)
    return len(found), (sum(ch in chars for ch in found) / len(found) if found else 1.0)


def _cn(data: bytes) -> str:
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return "not installed"
    best = from_bytes(data).best()
    return f"{best.encoding} ({best.language})" if best else "no answer"


def _dimtag(data: bytes) -> str:
    from dimtag.errors import DocumentError
    from dimtag.reading import decode_bytes

    try:
        decode_bytes(data)
    except DocumentError as exc:
        return "refused: " + str(exc).split(": ", 1)[1].split(";")[0]
    return "accepted"


def measure() -> list[str]:
    from dimtag.reading import _MIN_COMMON_SHARE, _MIN_IDEOGRAPHS_TO_JUDGE

    rows = _rows()
    out = ["# Telling Chinese from other encodings", "", "Written by `python benchmarks/encodings.py`. dimtag does not use",
           "charset-normalizer; its answer for the same bytes is shown for comparison.", ""]
    out += ["## Share of common characters in real material (held out by source)", "",
            "| source | ideographs | share in the list built without it |", "| --- | --- | --- |"]
    sources = sorted({r["source"] for r in rows})
    item_total = item_refused = 0
    for source in sources:
        chars = set(common([r for r in rows if r["source"] != source]))
        held = [r["text"] for r in rows if r["source"] == source]
        n, share = _share("".join(held), chars)
        out.append(f"| {source} | {n:,} | {share:.3f} |")
        for text in held:
            n, share = _share(text, chars)
            if n >= _MIN_IDEOGRAPHS_TO_JUDGE:
                item_total += 1
                item_refused += share < _MIN_COMMON_SHARE
    out += ["", f"Items judged alone (at least {_MIN_IDEOGRAPHS_TO_JUDGE} ideographs), held out by source: "
            f"{item_refused} of {item_total:,} under the threshold {_MIN_COMMON_SHARE}.", ""]
    refused = [r["text"] for r in rows if _dimtag(r["text"].encode("gb18030")) != "accepted"]
    out += [f"Every labeled item alone, in GB18030, through `decode_bytes`: {len(refused)} of {len(rows):,} refused"
            + (f" ({', '.join(refused[:5])})" if refused else "") + ".", ""]
    seeds = sorted((REPO / "data" / "seeds").glob("*.txt"))
    out += ["## Decisions", "", "| input | bytes | GB18030 share | dimtag | charset-normalizer |", "| --- | --- | --- | --- | --- |"]
    chars = set(common(rows))
    cases = [(f"seed {p.name} (GB18030)", p.read_text(encoding="utf-8").encode("gb18030")) for p in seeds]
    cases += [(name, text.encode(codec)) for name, (codec, text) in SAMPLES.items()]
    for name, data in cases:
        try:
            n, share = _share(data.decode("gb18030"), chars)
            gb = f"{share:.2f} of {n}"
        except UnicodeDecodeError:
            gb = "does not decode"
        out.append(f"| {name} | {len(data):,} | {gb} | {_dimtag(data)} | {_cn(data)} |")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-common", action="store_true", help="regenerate the list of common characters")
    args = parser.parse_args(argv)
    if args.write_common:
        write_common()
        return 0
    lines = measure()
    (REPO / "benchmarks" / "ENCODINGS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
