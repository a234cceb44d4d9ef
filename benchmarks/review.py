"""Score the reviewer's rubric on materials with known defects (tests/data/review, issue 20).

Four writers (r1-r4) wrote 64 materials blind, planting defects and recording them with the gold grade in
their gold.tsv; last year's materials of the recycled ones are in <writer>/prev/.

Each threshold of the rubric is chosen on two writers (the one value of a small grid that gives its own flag
the best F1 there; ties go to the value listed first, the shipped default) and scored on the other two, in
both directions. Reported: every flag's precision and recall, the grade's agreement with the gold grade, and
the false 缺 (missing_aspect on a material that covers every aspect).

    python benchmarks/review.py            # prints the tables (markdown)
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from dimtag import TaggedDocument, tag_file
from dimtag.reporting import report
from dimtag.reporting.rubric import Rubric, default_rubric, parse_rubric

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "review"
WRITERS = ("r1", "r2", "r3", "r4")
#: The defects of the writing brief, which are the rubric's flags of the same name.
SCORED = ("praise_heavy", "about_others", "disguised_praise", "objective_causes", "vague_measures", "missing_aspect",
          "vague_problems", "copied", "recycled")
#: Each threshold, the flag it governs, and the values tried (the shipped default first).
GRID = {
    ("proportion", "max_positive_ratio"): ("praise_heavy", (1.0, 0.5, 0.8, 1.5, 2.0)),
    ("subject", "min_self_share"): ("about_others", (0.6, 0.4, 0.5, 0.7)),
    ("measures", "max_vague_share"): ("vague_measures", (0.5, 0.3, 0.7)),
    ("concreteness", "min_concrete_share"): ("vague_problems", (0.2, 0.3, 0.4, 0.5)),
    ("recycling", "min_previous_share"): ("recycled", (0.4, 0.2, 0.6, 0.8)),
    ("aspects", "max_missing"): ("missing_aspect", (2, 0, 1)),
}


def gold() -> dict[str, dict[str, str]]:
    rows = {}
    for w in WRITERS:
        with open(DATA / w / "gold.tsv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                rows[row["file"]] = {**row, "writer": w}
    return rows


def tagged(writers: Sequence[str]) -> dict[str, list[TaggedDocument]]:
    return {w: [tag_file(p) for p in sorted((DATA / w).glob("*.txt"))] for w in writers}


def run(docs: Mapping[str, list[TaggedDocument]], rubric: Rubric) -> dict[str, tuple[set[str], str]]:
    """File name -> (flags raised, grade), each writer's folder reviewed on its own with its prev/ folder."""
    out = {}
    for w, group in docs.items():
        r = report(group, rubric=rubric, previous=DATA / w / "prev")
        flags: dict[str, set[str]] = {}
        for row in r["reasons"]:
            flags.setdefault(Path(row["file"]).name, set()).add(row["flag"])
        for row in r["grades"]:
            name = Path(row["file"]).name
            out[name] = (flags.get(name, set()), row["grade"])
    return out


def scores(result: Mapping[str, tuple[set[str], str]], truth: Mapping[str, dict[str, str]]) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for flag in SCORED:
        tp = sum(flag in got and flag in truth[f]["defects"].split(",") for f, (got, _) in result.items())
        fp = sum(flag in got and flag not in truth[f]["defects"].split(",") for f, (got, _) in result.items())
        fn = sum(flag not in got and flag in truth[f]["defects"].split(",") for f, (got, _) in result.items())
        p = tp / (tp + fp) if tp + fp else float("nan")
        r = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * p * r / (p + r) if tp else 0.0
        table[flag] = {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f1}
    agree = sum(grade == truth[f]["grade"] for f, (_, grade) in result.items())
    false_missing = sum("missing_aspect" in got and not truth[f]["missing"] for f, (got, _) in result.items())
    table["grade"] = {"agree": agree, "n": len(result), "agreement": agree / max(1, len(result)),
                      "false_missing": false_missing}
    return table


def with_value(rubric: Rubric, section: str, key: str, value: object) -> Rubric:
    return parse_rubric(f"[{section}]\n{key} = {value!r}", "grid", rubric)


def choose(docs: Mapping[str, list[TaggedDocument]], truth: Mapping[str, dict[str, str]]) -> Rubric:
    """Each threshold in turn, the value of GRID giving its own flag the best F1 on ``docs``."""
    rubric = default_rubric()
    for (section, key), (flag, values) in GRID.items():
        best = max(values, key=lambda v: (scores(run(docs, with_value(rubric, section, key, v)), truth)[flag]["f1"],
                                          -values.index(v)))
        rubric = with_value(rubric, section, key, best)
    return rubric


def markdown(title: str, table: Mapping[str, Mapping[str, float]]) -> str:
    lines = [f"**{title}**", "", "| flag | TP | FP | FN | precision | recall |", "|---|---|---|---|---|---|"]
    for flag in SCORED:
        s = table[flag]
        lines.append(f"| {flag} | {s['tp']} | {s['fp']} | {s['fn']} | {s['precision']:.2f} | {s['recall']:.2f} |")
    g = table["grade"]
    lines.append(f"\ngrade agreement {g['agree']}/{g['n']} = {g['agreement']:.2f}; false 缺 {g['false_missing']}\n")
    return "\n".join(lines)


def main() -> int:
    truth = gold()
    docs = tagged(WRITERS)
    chosen_values = {}
    for tune, test in ((("r1", "r2"), ("r3", "r4")), (("r3", "r4"), ("r1", "r2"))):
        rubric = choose({w: docs[w] for w in tune}, truth)
        chosen_values["+".join(tune)] = {f"{s}.{k}": rubric[s][k] for s, k in GRID}
        print(markdown(f"chosen on {'+'.join(tune)}, scored on {'+'.join(test)}", scores(run({w: docs[w] for w in test}, rubric), truth)))
    print(markdown("the shipped rubric on all 64", scores(run(docs, default_rubric()), truth)))
    for name, values in chosen_values.items():
        print(f"thresholds chosen on {name}: {values}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
