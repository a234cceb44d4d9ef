"""Labeling tools' formats: tasks for Label Studio and doccano out, their exports back in.

- :func:`export_tasks` turns documents (or a labels CSV) into tasks with the
  model's answer as a prediction with its score, and a stable item id
  ``file:point:index``; :func:`write_tasks` writes them as Label Studio JSON
  or doccano JSONL.
- :func:`prediction` is the one shape of a Label Studio prediction, used by
  the export and by the ML backend of ``dimtag serve``.
- :func:`read_export` reads a Label Studio export (JSON or JSON-MIN) or a
  doccano JSONL export into update rows; :func:`import_labels` applies them
  to labels.csv through :func:`dimtag.learn.curation.merge_rows`, the locked
  merge of ``dimtag merge``.

Needs the core only (no scikit-learn).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from ..dimensions import NONE_LABEL, Dimension
from ..document import TaggedDocument, tag_file
from ..errors import LabelsError
from ..roles import OTHER, Role
from ..tagger import Tagger, default_tagger

__all__ = [
    "DIMENSION_CONTROL", "ROLE_CONTROL", "DIMENSION_NAMES", "ROLE_NAMES", "TEXT_OBJECT", "TASK_FORMATS", "label_config", "model_version", "item_id", "prediction",
    "export_tasks", "write_tasks", "read_export", "import_labels",
]

#: Names in the Label Studio labeling config: the text shown, and the two choice controls.
TEXT_OBJECT, DIMENSION_CONTROL, ROLE_CONTROL = "text", "dimension", "role"
#: ``--format`` values of ``dimtag export-tasks``.
TASK_FORMATS = ("label-studio", "doccano")
# The columns of labels.csv a task carries in its data, so that an import keeps them.
_CARRIED = ("source", "origin", "writer", "role", "section", "kind", "heading")

#: Label values a labeling tool may use, to dimtag's ids: the ids themselves and the Chinese names.
DIMENSION_NAMES = {d.value: d.value for d in Dimension} | {d.zh: d.value for d in Dimension} | {NONE_LABEL: NONE_LABEL, "无维度": NONE_LABEL}
ROLE_NAMES = {r.value: r.value for r in Role} | {r.zh: r.value for r in Role}


def label_config() -> str:
    """A Label Studio labeling config whose names match the predictions: one dimension and one role per item."""
    dims = "".join(f'<Choice value="{d.value}" hint="{d.zh}"/>' for d in Dimension) + f'<Choice value="{NONE_LABEL}" hint="无维度"/>'
    roles = "".join(f'<Choice value="{r.value}" hint="{r.zh}"/>' for r in Role)
    return (
        f'<View><Header value="$item_id"/><Text name="{TEXT_OBJECT}" value="$text"/>'
        f'<Choices name="{DIMENSION_CONTROL}" toName="{TEXT_OBJECT}" choice="single" showInline="true">{dims}</Choices>'
        f'<Choices name="{ROLE_CONTROL}" toName="{TEXT_OBJECT}" choice="single" showInline="true">{roles}</Choices></View>'
    )


def model_version(tagger: Tagger) -> str:
    """``dimtag-<version>-<first 12 hex of the model's sha256>``: it changes whenever the answers can."""
    from .._version import __version__

    return f"dimtag-{__version__}-{tagger.metadata_.model_sha256[:12]}"


def item_id(file: str, point: int | None, index: int) -> str:
    """The stable id of an item: its file, its point (``-`` for none) and its index.

    >>> item_id("01_county.txt", 3, 12), item_id("a.txt", None, 0)
    ('01_county.txt:3:12', 'a.txt:-:0')
    """
    return f"{file}:{'-' if point is None else point}:{index}"


def prediction(
    dimension: str | None, score: float, model_version: str, role: str | None = None, role_score: float | None = None,
    *, dimension_control: str = DIMENSION_CONTROL, role_control: str | None = ROLE_CONTROL, to_name: str = TEXT_OBJECT,
    values: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One Label Studio prediction: a choice for the dimension (and the role), each with its score.

    ``dimension`` None is an abstention: the choice is ``none``, scored one
    minus the best dimension's ``score`` (how sure the model is that none
    fits). The prediction's own ``score`` is the dimension choice's: Label
    Studio sorts and filters tasks by it. ``values`` maps dimtag's ids to
    the labeling config's choice values (Chinese names, say).

    >>> p = prediction("theory", 0.91, "m1", "problem", 0.8)
    >>> p["score"], [(r["from_name"], r["value"]["choices"]) for r in p["result"]]
    (0.91, [('dimension', ['theory']), ('role', ['problem'])])
    """
    values = values or {}
    if dimension is None:
        dimension, score = NONE_LABEL, 1.0 - score
    result = [{"id": "dimension", "from_name": dimension_control, "to_name": to_name, "type": "choices",
               "value": {"choices": [values.get(dimension, dimension)]}, "score": round(score, 4)}]
    if role is not None and role_control is not None:
        result.append({"id": "role", "from_name": role_control, "to_name": to_name, "type": "choices",
                       "value": {"choices": [values.get(role, role)]}, "score": round(role_score or 0.0, 4)})
    return {"model_version": model_version, "score": round(score, 4), "result": result}


def _tasks_of_document(doc: TaggedDocument, version: str) -> Iterator[dict[str, Any]]:
    for record in doc.to_records():
        data = {
            TEXT_OBJECT: record["text"], "item_id": item_id(record["file"], record["point"], record["index"]),
            "file": record["file"], "point": record["point"], "index": record["index"], "source": Path(record["file"]).name,
            "origin": "collected", "section": record["section"], "kind": "item", "heading": record["heading"] or "",
        }
        yield {"data": data, "predictions": [prediction(record["dimension"], record["score"], version, record["role"], record["role_score"])]}


def _tasks_of_labels(path: Path, tagger: Tagger, version: str) -> Iterator[dict[str, Any]]:
    """Tasks for the rows of a labels CSV, to review them: each keeps its columns, and the model's reading is the prediction."""
    from .labels import read_labels

    items = read_labels(path)
    name = path.name
    for start in range(0, len(items), 1024):
        chunk = items[start : start + 1024]
        decisions = tagger.decide([it.text for it in chunk])
        for k, it in enumerate(chunk):
            best = decisions.best[k]
            dimension = None if decisions.abstain[k] else str(tagger.labels_[best])
            score = float(decisions.score[k])
            role = str(decisions.role[k]) if len(decisions.role) else None
            role_score = float(decisions.role_score[k]) if len(decisions.role_score) else None
            data = {TEXT_OBJECT: it.text, "item_id": item_id(name, None, it.line), "file": name, "point": None, "index": it.line,
                    **{c: getattr(it, c) for c in _CARRIED}, "current_dimension": it.dimension}
            yield {"data": data, "predictions": [prediction(dimension, score, version, role, role_score)]}


def export_tasks(sources: Iterable[str | os.PathLike[str]], tagger: Tagger | None = None,
                 errors: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Label Studio tasks, one per item of each document (or per row of a ``.csv`` labels file), with predictions.

    A document that cannot be read raises :class:`~dimtag.DocumentError`,
    unless ``errors`` is given: then its message goes there and it is skipped.
    """
    from ..errors import DocumentError

    tagger = tagger or default_tagger()
    version = model_version(tagger)
    for source in sources:
        path = Path(source)
        if path.suffix.lower() == ".csv":
            yield from _tasks_of_labels(path, tagger, version)
            continue
        try:
            doc = tag_file(path, tagger=tagger)
        except DocumentError as exc:
            if errors is None:
                raise
            errors.append(str(exc))
            continue
        yield from _tasks_of_document(doc, version)


def write_tasks(tasks: Iterable[dict[str, Any]], out: IO[str], fmt: str = "label-studio") -> int:
    """Write tasks as a Label Studio JSON list or as doccano JSONL (one object a line); return how many.

    doccano has no predictions: the model's answer is the pre-filled
    ``label`` (dimension, and role when there is one) and its scores are
    fields beside the text, which doccano keeps as metadata.
    """
    if fmt not in TASK_FORMATS:
        raise ValueError(f"format must be one of {', '.join(TASK_FORMATS)}")
    n = 0
    if fmt == "label-studio":
        out.write("[")
    for task in tasks:
        if fmt == "label-studio":
            out.write(("\n" if n == 0 else ",\n") + json.dumps(task, ensure_ascii=False))
        else:
            data, pred = task["data"], task["predictions"][0]
            choices = {r["from_name"]: (r["value"]["choices"][0], r["score"]) for r in pred["result"]}
            line = {**{k: v for k, v in data.items() if k != TEXT_OBJECT}, "text": data[TEXT_OBJECT],
                    "label": [c for c, _ in choices.values()], "prediction": choices[DIMENSION_CONTROL][0],
                    "score": pred["score"], "model_version": pred["model_version"]}
            if ROLE_CONTROL in choices:
                line["role_prediction"], line["role_score"] = choices[ROLE_CONTROL]
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        n += 1
    if fmt == "label-studio":
        out.write("\n]\n")
    return n


def _choose(values: Iterable[str], where: str) -> tuple[str | None, str | None]:
    """The dimension and the role among chosen label values (ids or Chinese names)."""
    dimension = role = None
    for value in values:
        value = str(value).strip()
        if value in DIMENSION_NAMES:
            if dimension is not None and DIMENSION_NAMES[value] != dimension:
                raise LabelsError(f"{where}: two dimensions chosen ({dimension}, {value}); an item has one")
            dimension = DIMENSION_NAMES[value]
        elif value in ROLE_NAMES:
            role = ROLE_NAMES[value]
        else:
            raise LabelsError(f"{where}: unknown label {value!r} (dimensions: {', '.join(DIMENSION_NAMES)}; roles: {', '.join(ROLE_NAMES)})")
    return dimension, role


def _row(data: dict[str, Any], dimension: str, role: str | None, where: str) -> dict[str, str]:
    text = data.get(TEXT_OBJECT)
    if not isinstance(text, str) or not text.strip():
        raise LabelsError(f"{where}: no text")
    row = {c: "" if data.get(c) is None else str(data[c]) for c in _CARRIED}
    row["source"] = row["source"] or Path(str(data.get("file") or "")).name
    # The task's own role is kept unless the annotator chose one; it must agree with the dimension (none exactly for other).
    kept = role or row["role"]
    row["role"] = kept if kept and (kept == OTHER) == (dimension == NONE_LABEL) else ""
    return {**row, "text": text.strip(), "dimension": dimension, "confirmed": "1"}


def _latest(annotations: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    done = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled") and a.get("result")]
    return max(done, key=lambda a: str(a.get("updated_at") or a.get("created_at") or "")) if done else None


def read_export(path: str | os.PathLike[str]) -> list[tuple[int, dict[str, str]]]:
    """Update rows ``(position, row)`` from a Label Studio export (JSON or JSON-MIN) or a doccano JSONL export.

    Only what a person labeled is taken: a Label Studio task's latest
    annotation that was not cancelled (predictions never), a doccano line's
    ``label``. Positions count tasks (lines for JSONL) from 1.

    Raises
    ------
    LabelsError
        A file that is not such an export, or a task whose labels are not
        dimtag's dimensions and roles (by id or Chinese name).
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelsError(f"{path}: cannot read the export: {exc}") from None
    try:
        tasks = json.loads(raw) if raw.lstrip().startswith("[") else [json.loads(line) for line in raw.splitlines() if line.strip()]
    except ValueError as exc:
        raise LabelsError(f"{path}: not a Label Studio JSON or doccano JSONL export ({exc})") from None
    rows = []
    for n, task in enumerate(tasks, 1):
        where = f"{path}:{n}"
        if not isinstance(task, dict):
            raise LabelsError(f"{where}: a task must be an object")
        if "annotations" in task or "data" in task:  # Label Studio JSON
            annotation = _latest(task.get("annotations") or [])
            if annotation is None:
                continue
            values = [c for r in annotation["result"] if r.get("type") == "choices" for c in r.get("value", {}).get("choices", [])]
            data = task.get("data") or {}
        elif "label" in task or "labels" in task:  # doccano JSONL
            labels = task.get("label", task.get("labels"))
            values = [labels] if isinstance(labels, str) else list(labels or [])
            values = [v[-1] if isinstance(v, list) else v for v in values]  # span-style [start, end, label]
            data = task
        else:  # Label Studio JSON-MIN: the data fields and one field per control
            values = [task[k] for k in (DIMENSION_CONTROL, ROLE_CONTROL) if task.get(k)]
            data = task
        if not values:
            continue
        dimension, role = _choose(values, where)
        if dimension is None:
            raise LabelsError(f"{where}: a role but no dimension chosen")
        rows.append((n, _row(data, dimension, role, where)))
    return _once(rows, path)


def _once(rows: list[tuple[int, dict[str, str]]], path: Path) -> list[tuple[int, dict[str, str]]]:
    """One row per text: the same sentence in two documents, labeled alike, is one label; labeled apart, an error."""
    first: dict[str, tuple[int, dict[str, str]]] = {}
    for n, row in rows:
        seen = first.setdefault(row["text"], (n, row))
        if seen[1]["dimension"] != row["dimension"] or (seen[1]["role"] and row["role"] and seen[1]["role"] != row["role"]):
            raise LabelsError(f"{path}:{n}: {row['text'][:40]!r} is labeled {row['dimension']} here and {seen[1]['dimension']} "
                              f"in task {seen[0]}; settle it in the labeling tool")
    return list(first.values())


def import_labels(labels_path: str | os.PathLike[str], export_path: str | os.PathLike[str], **merge_options: Any) -> dict[str, int]:
    """Apply a labeling tool's export to labels.csv with the locked, validated merge of ``dimtag merge``.

    Returns the merge's counts (``appended``, ``relabeled``, ``unchanged``).
    """
    from .curation import merge_rows

    return merge_rows(labels_path, read_export(export_path), export_path, **merge_options)
