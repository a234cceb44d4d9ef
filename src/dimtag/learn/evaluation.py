"""The evaluation report: grouped CV of every configuration under both schemes,
baselines on the same folds, confusion matrix, the learning curve by number of
writers, and calibration.

Folds come from :mod:`dimtag.learn.cv`: leave-one-seed-document-out (tested
on the seed items) and leave-one-writer-out (tested on the written items).
Run it with ``dimtag evaluate``; it writes ``evaluation.md`` and, when
matplotlib is installed, ``confusion.png`` and ``writer_curve.png``.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..decision import restrict
from ..dimensions import NONE_LABEL, Dimension
from ..features import jieba_words
from ..fitting import Config, fit_pipeline
from ..model_file import file_sha256
from . import cv
from .labels import LabeledItem, read_labels
from .training import DEFAULT_GRID, select_config

__all__ = ["evaluate", "KEYWORDS", "keyword_rule", "writer_curve", "WRITER_COUNTS"]

log = logging.getLogger(__name__)

DIMS = [d.value for d in Dimension]
#: Numbers of writers in the learning curve (the full set is added when larger).
WRITER_COUNTS = (1, 2, 4, 8)

#: The keyword-list baseline: the words a reader scans for first.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "theory": ("理论", "学习", "原著", "学懂弄通", "读书", "学用", "研读", "理论武装"),
    "politics": ("政治", "党性", "意识形态", "两个维护", "两个确立", "组织生活", "三会一课", "民主集中制", "忠诚", "党建"),
    "ability": ("能力", "本领", "知识", "专业", "思维", "素养", "创新", "方法", "水平"),
    "responsibility": ("担当", "作为", "斗志", "攻坚", "畏难", "魄力", "不敢", "怕", "进取", "劲头"),
    "work_style": ("作风", "形式主义", "官僚主义", "调研", "调查研究", "群众", "基层", "会议", "落实", "服务"),
    "integrity": ("廉洁", "廉政", "八项规定", "从严治党", "一岗双责", "监督", "纪律", "礼品", "吃喝", "家风"),
}


def keyword_rule(text: str, fallback: str) -> str:
    """The dimension whose keywords occur most often; ``fallback`` when none do."""
    hits = {d: sum(text.count(w) for w in words) for d, words in KEYWORDS.items()}
    best = max(hits.values())
    return fallback if best == 0 else next(d for d in DIMS if hits[d] == best)


def _seed_folds(items: Sequence[LabeledItem]) -> list[cv.Fold]:
    seed = cv.tested_by(items, "seed")
    return [f for f in cv.folds(items) if seed[f.test].any()]


def _baseline(items: Sequence[LabeledItem], scheme: cv.Scheme, predict_fold: Callable[[list[LabeledItem], list[str]], list[str]]) -> dict[str, Any]:
    """Score a rule on the same folds as the model, under one scheme."""
    mask = cv.tested_by(items, scheme)
    truth: list[str] = []
    pred: list[str] = []
    for fold in cv.folds(items):
        test = [items[i] for i in fold.test if mask[i] and items[i].dimension != NONE_LABEL]
        if not test:
            continue
        train = [items[i] for i in fold.train if items[i].dimension != NONE_LABEL]
        pred += predict_fold(train, [it.text for it in test])
        truth += [it.dimension for it in test]
    return _scores(truth, pred)


def _scores(truth: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    if not truth:
        return {"accuracy": 0.0, "macro_f1": 0.0}
    return {
        "accuracy": round(float(accuracy_score(truth, pred)), 4),
        "macro_f1": round(float(f1_score(truth, pred, labels=DIMS, average="macro", zero_division=0)), 4),
    }


def _majority(train: list[LabeledItem], texts: list[str]) -> list[str]:
    top = Counter(it.dimension for it in train).most_common(1)[0][0]
    return [top] * len(texts)


def _keywords(train: list[LabeledItem], texts: list[str]) -> list[str]:
    top = Counter(it.dimension for it in train).most_common(1)[0][0]
    return [keyword_rule(t, top) for t in texts]


def _fasttext(train: list[LabeledItem], texts: list[str]) -> list[str]:
    import tempfile

    import fasttext

    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as fh:
        for it in train:
            fh.write(f"__label__{it.dimension} {' '.join(jieba_words(it.text))}\n")
        path = fh.name
    try:
        model = fasttext.train_supervised(path, epoch=25, lr=0.5, wordNgrams=2, dim=50, bucket=200_000, thread=1, seed=0, verbose=0)
    finally:
        Path(path).unlink()
    labels, _ = model.predict([" ".join(jieba_words(t)) or "。" for t in texts])
    return [lab[0].removeprefix("__label__") for lab in labels]


def writer_curve(
    items: Sequence[LabeledItem], config: Config, counts: Sequence[int] = WRITER_COUNTS, draws: int = 3, seed: int = 0
) -> list[dict[str, Any]]:
    """Macro-F1 on the held-out seed documents when training sees k of the writers.

    For each k, ``draws`` random sets of k writers (all of them once, when k
    is the total); each seed fold trains on the other seed documents plus
    those writers' items. Returns the mean and spread per k.
    """
    writers = sorted({it.writer for it in items if it.origin == "authored"})
    ks = sorted({k for k in counts if k < len(writers)} | {len(writers)}) if writers else []
    rng = random.Random(seed)
    rows = []
    for k in ks:
        scores = []
        for _ in range(1 if k == len(writers) else draws):
            chosen = set(rng.sample(writers, k))
            truth: list[str] = []
            pred: list[str] = []
            for fold in _seed_folds(items):
                train = [items[i] for i in fold.train if items[i].origin != "authored" or items[i].writer in chosen]
                model = fit_pipeline([it.text for it in train], [it.dimension for it in train], config)
                test = [items[i] for i in fold.test if items[i].dimension != NONE_LABEL]
                classes = [str(c) for c in model.classes_]
                cols = [i for i, c in enumerate(classes) if c != NONE_LABEL]
                best = restrict(model.predict_proba([it.text for it in test]), cols).argmax(axis=1)
                pred += [classes[cols[i]] for i in best]
                truth += [it.dimension for it in test]
            scores.append(_scores(truth, pred)["macro_f1"])
        rows.append({"writers": k, "draws": len(scores), "macro_f1": round(float(np.mean(scores)), 4), "sd": round(float(np.std(scores)), 4)})
        log.info("writer curve k=%d: %s", k, rows[-1])
    return rows


def _plots(out: Path, dims: list[str], confusion: np.ndarray, curve: list[dict[str, Any]]) -> list[str]:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        log.warning("matplotlib is not installed: no PNG plots (pip install 'dimtag[plots]')")
        return []
    # Figure() without pyplot: no global backend or state of the host changes.
    fig = Figure(figsize=(6, 5))
    ax = fig.subplots()
    ax.imshow(confusion, cmap="Blues")
    ax.set_xticks(range(len(dims)), dims, rotation=45, ha="right")
    ax.set_yticks(range(len(dims)), dims)
    ax.set_xlabel("predicted")
    ax.set_ylabel("labeled")
    for (i, j), v in np.ndenumerate(confusion):
        ax.text(j, i, str(v), ha="center", va="center", color="white" if v > confusion.max() / 2 else "black")
    ax.set_title("Leave-one-seed-document-out confusion matrix")
    fig.tight_layout()
    fig.savefig(out / "confusion.png", dpi=100)
    plots = ["confusion.png"]
    if curve:
        fig = Figure(figsize=(6, 4))
        ax = fig.subplots()
        ax.errorbar([r["writers"] for r in curve], [r["macro_f1"] for r in curve], yerr=[r["sd"] for r in curve], marker="o", capsize=3)
        ax.set_xlabel("writers in training (plus the other seed documents)")
        ax.set_ylabel("macro-F1 on held-out seed documents")
        ax.set_title("Learning curve by number of writers")
        ax.grid(True, alpha=0.3)
        fig.tight_layout()
        fig.savefig(out / "writer_curve.png", dpi=100)
        plots.append("writer_curve.png")
    return plots


def evaluate(
    labels_path: str | Path,
    out_dir: str | Path,
    grid: Sequence[Config] = DEFAULT_GRID,
    n_jobs: int = -1,
    fasttext_baseline: bool = True,
    writer_counts: Sequence[int] = WRITER_COUNTS,
) -> dict[str, Any]:
    """Run the whole evaluation and write ``evaluation.md`` (and plots) to ``out_dir``.

    Returns
    -------
    dict
        The best configuration, its scores per scheme and calibration, the
        comparison table, the baselines, the confusion matrix and the
        writer learning curve.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out_dir}: exists and is not a directory")
    items = read_labels(labels_path)
    out.mkdir(parents=True, exist_ok=True)
    selection = select_config(items, grid, n_jobs=n_jobs)
    best = selection.best
    dims, confusion = cv.confusion(selection.oof, cv.tested_by(items, "seed"))
    baselines: dict[str, dict[str, Any]] = {}
    rules: dict[str, Callable[[list[LabeledItem], list[str]], list[str]]] = {"majority class": _majority, "keyword list": _keywords}
    skipped = []
    if fasttext_baseline:
        try:
            import fasttext  # noqa: F401

            rules["jieba + fastText"] = _fasttext
        except ImportError:
            skipped.append("jieba + fastText (not installed: pip install 'dimtag[bench]')")
            log.warning("fastText is not installed: jieba + fastText baseline skipped (pip install 'dimtag[bench]')")
    for name, rule in rules.items():
        baselines[name] = {scheme: _baseline(items, scheme, rule) for scheme in cv.SCHEMES if scheme in selection.scores}
    curve = writer_curve(items, best, writer_counts)
    plots = _plots(out, dims, confusion, curve)
    result = {
        "best": best,
        "scores": selection.scores,
        "calibration": selection.calibration,
        "table": selection.table,
        "baselines": baselines,
        "skipped": skipped,
        "dims": dims,
        "confusion": confusion.tolist(),
        "curve": curve,
        "data_sha256": file_sha256(labels_path),
        "plots": plots,
        "n_seed_docs": len(_seed_folds(items)),
        "n_writers": len({it.writer for it in items if it.origin == "authored"}),
    }
    (out / "evaluation.md").write_text(render(result), encoding="utf-8")
    return result


def render(r: dict[str, Any]) -> str:
    """The Markdown report of :func:`evaluate`'s result."""
    schemes = {"seed": "leave-one-seed-document-out", "writer": "leave-one-writer-out"}
    lines = [
        "# Evaluation",
        "",
        "Written by `dimtag evaluate`.",
        f"Data: `data/labels.csv`, sha256 `{r['data_sha256'][:16]}…`; {r['n_seed_docs']} seed documents, {r['n_writers']} writers.",
        "Two schemes read the same out-of-fold predictions: **leave-one-seed-document-out** (tested on the seed sentences; "
        "training holds every writer and the other seed documents) and **leave-one-writer-out** (tested on each writer's "
        "items with that writer held out). Scores are six-way (the best dimension), on items labeled with a dimension.",
        "",
        "These figures are optimistic. The seed documents and the writers share the project's labeling guide, and real "
        "documents from other hands score lower (see README).",
        "",
        "## Headline",
        "",
        f"Best configuration: **{r['best'].label()}** (mean macro-F1 of the two schemes; ties within 0.005 to the lowest ECE).",
        "",
        "| system | " + " | ".join(f"{schemes[k]} accuracy | macro-F1" for k in r["scores"]) + " |",
        "|---|" + "---|---|" * len(r["scores"]),
        f"| dimtag ({r['best'].label()}) | " + " | ".join(f"{s['accuracy']:.3f} | {s['macro_f1']:.3f}" for s in r["scores"].values()) + " |",
    ]
    for name, by_scheme in r["baselines"].items():
        lines.append(f"| {name} | " + " | ".join(f"{by_scheme[k]['accuracy']:.3f} | {by_scheme[k]['macro_f1']:.3f}" for k in r["scores"]) + " |")
    for name in r["skipped"]:
        lines.append(f"| {name} | skipped |" + " |" * (2 * len(r["scores"]) - 1))
    lines += ["", "## Per dimension", "", "| dimension | " + " | ".join(f"{k}: P | R | F1 | n" for k in r["scores"]) + " |", "|---|" + "---|---|---|---|" * len(r["scores"])]
    for d in r["dims"]:
        cells = []
        for s in r["scores"].values():
            m = s["per_class"].get(d, {"precision": 0, "recall": 0, "f1": 0, "support": 0})
            cells.append(f"{m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']}")
        lines.append(f"| {d} | " + " | ".join(cells) + " |")
    for k, s in r["scores"].items():
        if "none" in s:
            n = s["none"]
            lines += ["", f"none detection, {schemes[k]} ({n['support']} none items held out): precision {n['precision']:.2f}, recall {n['recall']:.2f}."]
    dims = r["dims"]
    lines += ["", "## Confusion matrix, leave-one-seed-document-out (rows: label, columns: prediction)", "", "| | " + " | ".join(dims) + " |", "|---" * (len(dims) + 1) + "|"]
    for d, row in zip(dims, r["confusion"]):
        lines.append(f"| **{d}** | " + " | ".join(str(v) for v in row) + " |")
    if "confusion.png" in r["plots"]:
        lines += ["", "![confusion matrix](confusion.png)"]
    lines += ["", "## Learning curve by number of writers", "",
              "Macro-F1 on the held-out seed documents when training holds the other seed documents and the items of k writers "
              "(random draws of k writers; mean and standard deviation). A curve still rising at the right says another writer is worth it.",
              "", "| writers | draws | macro-F1 | sd |", "|---|---|---|---|"]
    for c in r["curve"]:
        lines.append(f"| {c['writers']} | {c['draws']} | {c['macro_f1']:.3f} | {c['sd']:.3f} |")
    if "writer_curve.png" in r["plots"]:
        lines += ["", "![writer learning curve](writer_curve.png)"]
    cal = r["calibration"]
    lines += ["", "## Calibration of the top score (both schemes' items)", "", f"Expected calibration error {cal['ece']:.3f}; abstention threshold for documents: {cal['min_score']}.", "", "| score bin | items | accuracy | mean score |", "|---|---|---|---|"]
    for b in cal["bins"]:
        lines.append(f"| {b['lo']:.1f}–{b['hi']:.1f} | {b['n']} | {b['accuracy']:.3f} | {b['confidence']:.3f} |")
    keys = [k for k in r["table"][0] if k.endswith("_macro_f1")] if r["table"] else []
    lines += ["", "## Model comparison", "", "Every configuration of the grid on the same folds, best selection score first.", "",
              "| configuration | " + " | ".join(keys) + " | selection | ECE |", "|---|" + "---|" * (len(keys) + 2)]
    for row in sorted(r["table"], key=lambda x: -x["selection"]):
        lines.append(f"| {row['config']} | " + " | ".join(f"{row[k]:.3f}" for k in keys) + f" | {row['selection']:.3f} | {row['ece']:.3f} |")
    return "\n".join(lines) + "\n"
