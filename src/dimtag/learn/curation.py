"""Growing labels.csv: audit suspicious labels, suggest what to label next, merge.

- :func:`audit` finds labels the model finds unlikely, by confident learning
  on out-of-fold probabilities (one fold per seed document and per writer,
  from :mod:`dimtag.learn.cv`).
- :func:`suggest` picks the sentences of new documents that the model is
  least sure of, spread across dimensions and documents, without near-duplicates.
- :func:`merge` appends confirmed rows and applies confirmed relabels, with
  validation.

Implemented with numpy and scikit-learn only (no cleanlab, which is AGPL).
"""

from __future__ import annotations

import csv
import logging
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from .._atomic import atomic_write, remove_stale_temps
from .._escape import csv_escape, csv_escape_row
from ..dimensions import LABELS, NONE_LABEL
from ..errors import DocumentError
from ..export import from_pipeline
from ..fitting import Config
from ..roles import DIMENSION_ROLES, OTHER, ROLES, Role
from ..tagger import Tagger, default_tagger
from . import cv
from .extraction import extract_items
from .labels import COLUMNS, CsvTable, LabeledItem, LabelsError, check_item, items_of, read_table

__all__ = [
    "AuditRow", "audit", "suggest", "pick_uncertain", "merge", "near_duplicate", "near_duplicate_pairs", "NEAR_DUPLICATE",
    "write_csv", "CONFIRMED_VALUES", "UPDATE_ENCODINGS", "LOCK_TIMEOUT", "lock_path", "merge_rows", "rename_label",
]

log = logging.getLogger(__name__)

#: Character-trigram Jaccard at which two texts count as near-duplicates.
NEAR_DUPLICATE = 0.6
#: Values of the ``confirmed`` column that mean yes.
CONFIRMED_VALUES = {"1", "y", "yes", "x", "true", "ok", "✓", "是", "对"}


@dataclass(frozen=True)
class AuditRow:
    """A label the model finds unlikely."""

    item: LabeledItem
    suggested: str
    p_label: float
    p_suggested: float
    why: str


def audit(items: Sequence[LabeledItem], config: Config | None = None, top: int | None = None) -> list[AuditRow]:
    """Rank the labels that are probably wrong (confident learning).

    Per-class thresholds are the mean out-of-fold probability of each class
    over the items labeled with it. An item is flagged when its given label
    falls below that label's threshold while another class reaches its own;
    the suggested label is the most probable such class. Flags are ranked by
    the probability of the given label, lowest first.
    """
    config = config or Config.from_dict(default_tagger().metadata_.config)
    result = cv.oof(items, config, keep_models=True)
    proba, classes = result.proba, result.classes
    fold_taggers = [Tagger.from_model(from_pipeline(m)) for m in result.models]
    given = np.array([classes.index(it.dimension) for it in items])
    thresholds = np.array([proba[given == k, k].mean() if (given == k).any() else 1.0 for k in range(len(classes))])
    rows = []
    for i, it in enumerate(items):
        k = given[i]
        confident = [j for j in range(len(classes)) if j != k and proba[i, j] >= thresholds[j]]
        if proba[i, k] >= thresholds[k] or not confident:
            continue
        j = max(confident, key=lambda c: proba[i, c])
        why = _why(fold_taggers[result.fold_of[i]], it.text)
        rows.append(AuditRow(it, classes[j], float(proba[i, k]), float(proba[i, j]), why))
    rows.sort(key=lambda r: (r.p_label, -r.p_suggested))
    return rows[:top] if top else rows


def _why(tagger: Tagger, text: str) -> str:
    if not text.strip():
        return ""
    e = tagger.explain(text, top=4)
    return " ".join(f"{t}({w:+.2f})" for t, w in e.terms)


def _grams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(max(len(text) - 2, 1))}


def near_duplicate(a: set[str], b: set[str], threshold: float = NEAR_DUPLICATE) -> bool:
    """Character-trigram Jaccard similarity at or above ``threshold``."""
    return bool(a and b) and len(a & b) / len(a | b) >= threshold


def near_duplicate_pairs(texts: Sequence[str], threshold: float = NEAR_DUPLICATE) -> list[tuple[int, int, float]]:
    """All pairs ``(i, j, jaccard)`` with ``i < j`` whose character-trigram Jaccard is at least ``threshold``.

    An inverted index of trigrams finds the candidates, so the cost follows
    the pairs that share trigrams, not the square of the list.
    """
    grams = [_grams(t) for t in texts]
    index: dict[str, list[int]] = defaultdict(list)
    pairs = []
    for j, g in enumerate(grams):
        shared: dict[int, int] = defaultdict(int)
        for gram in g:
            for i in index[gram]:
                shared[i] += 1
            index[gram].append(j)
        for i, n in shared.items():
            # |A ∩ B| / |A ∪ B| ≥ t needs |A ∩ B| ≥ t * max(|A|, |B|).
            if n >= threshold * max(len(grams[i]), len(g)):
                score = n / (len(grams[i]) + len(g) - n)
                if score >= threshold:
                    pairs.append((i, j, round(score, 4)))
    return sorted(pairs)


def suggest(
    sources: Iterable[str | os.PathLike[str]],
    n: int = 50,
    known: Sequence[LabeledItem] = (),
    tagger: Tagger | None = None,
    errors: list[str] | None = None,
) -> list[dict[str, str]]:
    """Pick the ``n`` items of new documents the model is least sure of.

    A document that cannot be read raises :class:`DocumentError`, unless an
    ``errors`` list is given: then its message is appended and it is skipped.

    Returns rows in the labels.csv format, with ``dimension`` pre-filled by
    the model's guess, an empty ``confirmed`` column and the ``entropy``
    (see :func:`pick_uncertain`).
    """
    tagger = tagger or default_tagger()
    rows: list[dict[str, str]] = []
    for source in sources:
        try:
            rows += [r for r in extract_items(Path(source), tagger=tagger, origin="collected") if r["kind"] == "item"]
        except DocumentError as exc:
            if errors is None:
                raise
            errors.append(str(exc))
    return pick_uncertain(rows, n, known, tagger)


def pick_uncertain(
    rows: Sequence[dict[str, str]], n: int, known: Sequence[LabeledItem] = (), tagger: Tagger | None = None
) -> list[dict[str, str]]:
    """Uncertainty sampling spread across dimensions and documents.

    Uncertainty is the entropy of the predicted distribution (``none``
    included); it beat the top-two margin and random picks in a grouped
    experiment (benchmarks/labeling_loop.py). Picks go round-robin over the predicted dimensions, and within
    a dimension to the document whose next candidate is least certain; items
    already labeled, and near-duplicates (character-trigram Jaccard ≥ 0.6) of
    a pick or of a labeled item, are skipped.
    """
    tagger = tagger or default_tagger()
    if not rows:
        return []
    full = tagger.predict_proba([r["text"] for r in rows])
    entropy = -(full * np.log(np.clip(full, 1e-12, 1.0))).sum(axis=1)
    queues: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for i in np.argsort(-entropy, kind="stable"):
        guess = tagger.classes_[int(full[i].argmax())]
        row = {**rows[i], "dimension": guess, "confirmed": "", "entropy": f"{entropy[i]:.4f}"}
        queues[guess][row.get("source", "")].append(row)
    labeled = {it.text for it in known}
    known_grams = [_grams(it.text) for it in known]
    picked: list[dict[str, str]] = []
    picked_grams: list[set[str]] = []
    while len(picked) < n and any(q for docs in queues.values() for q in docs.values()):
        for dim in sorted(queues):
            docs = queues[dim]
            live = [s for s in docs if docs[s]]
            if not live:
                continue
            source = max(live, key=lambda s: float(docs[s][0]["entropy"]))
            while docs[source]:
                row = docs[source].pop(0)
                grams = _grams(row["text"])
                if row["text"] in labeled or any(near_duplicate(grams, g) for g in picked_grams + known_grams):
                    continue
                picked.append(row)
                picked_grams.append(grams)
                break
            if len(picked) >= n:
                break
    return picked


def write_csv(rows: Sequence[dict[str, Any]], path: str | os.PathLike[str] | None, columns: Sequence[str]) -> None:
    """Write rows atomically (temp file, then rename); ``None`` writes to stdout.

    Cells that a spreadsheet would run as a formula are escaped (see
    :func:`dimtag._escape.csv_escape`); :func:`merge` reads them back exactly.
    """
    with atomic_write(path) if path is not None else nullcontext(sys.stdout) as fh:
        _write_rows(fh, columns, rows, "\n")


def _write_rows(fh: IO[str], columns: Sequence[str], rows: Iterable[dict[str, Any]], newline: str) -> None:
    writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator=newline, extrasaction="ignore")
    writer.writerow({c: csv_escape(c) for c in columns})
    writer.writerows(csv_escape_row(r) for r in rows)


#: Encodings of the update files merge accepts, after UTF-8 with a BOM: what
#: Excel saves as "CSV UTF-8" and as plain "CSV" on Chinese Windows (GBK ⊂ GB18030).
UPDATE_ENCODINGS = ("utf-8", "gb18030")
#: Seconds merge waits for another merge of the same labels file before giving up.
LOCK_TIMEOUT = 30.0


def lock_path(labels_path: str | os.PathLike[str]) -> Path:
    """The lock file that serialises merges of ``labels_path``: ``.<name>.lock`` beside it."""
    target = Path(os.path.realpath(labels_path))
    return target.parent / f".{target.name}.lock"


@contextmanager
def _exclusive(labels_path: Path, timeout: float) -> Iterator[None]:
    """Hold the exclusive lock of ``labels_path``, waiting up to ``timeout`` seconds for it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not Unix: no lock
        yield
        return
    path = lock_path(labels_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise LabelsError(f"{labels_path}: cannot create the lock file {path}: {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LabelsError(
                        f"{labels_path}: another dimtag merge is still writing it (lock {path} held for {timeout:g} s); "
                        "try again when it has finished"
                    ) from None
                if not waited:
                    log.warning("%s: waiting for another dimtag merge to finish", labels_path)
                    waited = True
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def merge(
    labels_path: str | os.PathLike[str], updates_path: str | os.PathLike[str], *, lock_timeout: float = LOCK_TIMEOUT
) -> dict[str, int]:
    """Apply the confirmed rows of an audit or suggest CSV to labels.csv.

    A confirmed row whose text is already labeled sets its ``dimension``
    (a relabel from ``dimtag audit``); any other confirmed row is appended
    (a new item from ``dimtag suggest``) with origin ``collected`` unless
    the row says otherwise. Rows without a confirmation are ignored.

    Every column of labels.csv is kept, its own and any others (a ``note``
    column), and so are its line ends and BOM. The update file may be UTF-8
    with or without a BOM, or GB18030/GBK. Everything is validated before
    labels.csv is rewritten, atomically; a merge that changes nothing does
    not rewrite it. Merges of the same file take turns (an exclusive lock
    on ``.labels.csv.lock`` beside it), and temporary files left by a
    killed merge are removed.

    Parameters
    ----------
    labels_path, updates_path : str or Path
    lock_timeout : float
        Seconds to wait for another merge of the same labels file.

    Returns
    -------
    dict
        Counts of ``appended``, ``relabeled`` and ``unchanged`` rows.

    Raises
    ------
    LabelsError
        A file that cannot be read or parsed, a missing column, an unknown
        label or origin, an empty text, a text confirmed twice, or another
        merge holding the lock past ``lock_timeout``. The message names the
        file and the line; labels.csv is untouched.
    """
    updates = read_table(updates_path, UPDATE_ENCODINGS, what="update file")
    missing = [c for c in ("text", "dimension", "confirmed") if c not in updates.fieldnames]
    if missing:
        raise LabelsError(f"{updates_path}: missing column(s) {', '.join(missing)}")
    confirmed = [(line, row) for line, row in updates.rows if row.get("confirmed", "").strip().lower() in CONFIRMED_VALUES]
    return merge_rows(labels_path, confirmed, updates_path, lock_timeout=lock_timeout)


def merge_rows(
    labels_path: str | os.PathLike[str], confirmed: Sequence[tuple[int, dict[str, str]]], source: str | os.PathLike[str],
    *, lock_timeout: float = LOCK_TIMEOUT,
) -> dict[str, int]:
    """Apply confirmed update rows to labels.csv under its lock: the work of :func:`merge`, for rows from anywhere.

    ``confirmed`` holds ``(line, row)`` pairs, ``line`` being where the row
    is in ``source`` (for messages). A row whose text is labeled already
    relabels it: its ``dimension``, and its ``role`` when the row has one;
    the other columns of that row (``writer``, ``origin``, …) are kept. Any
    other row is appended with all its columns.
    """
    labels_path = Path(labels_path)
    with _exclusive(labels_path, lock_timeout):
        for stale in remove_stale_temps(labels_path):
            log.warning("%s: removed %s, left by an interrupted write", labels_path, stale.name)
        table = read_table(labels_path)
        items = items_of(table)
        counts, appended = _apply(table, items, confirmed, Path(source))
        if not counts["relabeled"] and not counts["appended"]:
            return counts
        _rewrite(labels_path, table, table.rows, appended)
    return counts


def _rewrite(labels_path: Path, table: CsvTable, rows: Sequence[tuple[int, dict[str, str]]], appended: Sequence[dict[str, str]],
             validate: bool = True) -> None:
    """Write labels.csv atomically with its own BOM and line ends; with ``validate``, only if it reads back as labels.

    Its columns are kept, and dimtag's are added when rows are appended.
    """
    # A file without a role column keeps its header byte for byte (roles are optional in labels files).
    columns = table.fieldnames + [c for c in COLUMNS if c not in table.fieldnames and appended and c != "role"]

    def check(tmp: str) -> None:
        # The whole file must read back and validate before it replaces labels.csv.
        items_of(read_table(tmp), name=labels_path)

    with atomic_write(labels_path, check=check if validate else None) as fh:
        if table.bom:
            fh.write("\ufeff")
        _write_rows(fh, columns, [row for _, row in rows] + list(appended), table.newline)


def rename_label(
    labels_path: str | os.PathLike[str], old: str, new: str, *, column: str = "dimension", into_existing: bool = False,
    dry_run: bool = False, lock_timeout: float = LOCK_TIMEOUT,
) -> int:
    """Rename the label ``old`` to ``new`` in one column of labels.csv, or merge ``old`` into ``new``; return the rows changed.

    A rename (``into_existing=False``) refuses a ``new`` that some row has
    already (that would merge two labels: say so with ``into_existing``);
    a merge refuses a ``new`` that no row has (a typo would rename). A
    file that is valid labels must stay valid (a dimension of dimtag's set,
    ``none`` exactly where the role is ``other``); a CSV of another label
    set only needs the column. Nothing is written with ``dry_run``, or when
    no row changes; writes hold the lock of :func:`merge`.

    Raises
    ------
    LabelsError
        An unknown column, ``old`` on no row, the rename/merge check, or a
        result that would not validate; the file is untouched.
    """
    labels_path = Path(labels_path)
    old, new = old.strip(), new.strip()
    if not old or not new or old == new:
        raise LabelsError(f"{labels_path}: give two different, non-empty labels (got {old!r} and {new!r})")
    with _exclusive(labels_path, lock_timeout):
        table = read_table(labels_path)
        if column not in table.fieldnames:
            raise LabelsError(f"{labels_path}: no column {column!r} (columns: {', '.join(table.fieldnames)})")
        try:
            items_of(table)
            valid = True
        except LabelsError:
            valid = False  # another label set: only the structure is kept
        values = {row.get(column, "").strip() for _, row in table.rows}
        if old not in values:
            raise LabelsError(f"{labels_path}: no row has {column} {old!r}")
        if new in values and not into_existing:
            raise LabelsError(f"{labels_path}: {column} {new!r} is in use already; to merge {old!r} into it, use labels merge")
        if new not in values and into_existing:
            raise LabelsError(f"{labels_path}: no row has {column} {new!r} to merge into; to rename, use labels rename")
        changed = [(line, {**row, column: new} if row.get(column, "").strip() == old else row) for line, row in table.rows]
        count = sum(row.get(column, "").strip() == old for _, row in table.rows)
        if valid:
            items_of(CsvTable(labels_path, table.fieldnames, changed))  # refuse before writing, with the line
        if not dry_run:
            for stale in remove_stale_temps(labels_path):
                log.warning("%s: removed %s, left by an interrupted write", labels_path, stale.name)
            _rewrite(labels_path, table, changed, (), validate=valid)
    return count


def _role_for(dimension: str, given: str, row: dict[str, str]) -> str:
    """The role a merged row gets: the one given, else one that keeps the rule (none exactly when other).

    A row relabeled to ``none`` becomes ``other``; one relabeled from ``none`` to a dimension takes its
    part (``section``) when that is a role that speaks, else ``problem``.
    """
    if given:
        return given
    if dimension == NONE_LABEL:
        return OTHER
    current = row.get("role", "").strip()
    if current and current != OTHER:
        return current
    section = row.get("section", "").strip()
    return section if section in DIMENSION_ROLES else Role.PROBLEM.value


def _apply(
    table: CsvTable, items: Sequence[LabeledItem], confirmed: Sequence[tuple[int, dict[str, str]]], updates_path: Path
) -> tuple[dict[str, int], list[dict[str, str]]]:
    """Relabel ``table``'s rows in place; return the counts and the validated rows to append."""
    by_text = {it.text: i for i, it in enumerate(items)}
    seen: set[str] = set()
    counts = {"relabeled": 0, "unchanged": 0, "appended": 0}
    appended: list[dict[str, str]] = []
    for line, row in confirmed:
        text, dimension = row.get("text", "").strip(), row.get("dimension", "").strip()
        if not text:
            raise LabelsError(f"{updates_path}:{line}: empty text")
        if dimension not in LABELS:
            raise LabelsError(f"{updates_path}:{line}: unknown dimension {dimension!r} (allowed: {', '.join(LABELS)})")
        if text in seen:
            raise LabelsError(f"{updates_path}:{line}: text confirmed twice: {text[:40]!r}")
        seen.add(text)
        given_role = row.get("role", "").strip()
        if given_role and given_role not in ROLES:
            raise LabelsError(f"{updates_path}:{line}: unknown role {given_role!r} (allowed: {', '.join(ROLES)})")
        if text in by_text:
            target = table.rows[by_text[text]][1]
            role = _role_for(dimension, given_role, target) if "role" in table.fieldnames else ""
            changed = target["dimension"].strip() != dimension or (bool(role) and target.get("role", "").strip() != role)
            counts["relabeled" if changed else "unchanged"] += 1
            if changed:
                target["dimension"] = dimension
                if role:
                    target["role"] = role
            continue
        origin = row.get("origin", "").strip() or "collected"
        new = {c: row.get(c, "").strip() for c in (*table.fieldnames, *COLUMNS)}
        new.update(
            text=text, dimension=dimension, origin=origin, kind=new["kind"] or "item",
            source=new["source"] or ("authored" if origin == "authored" else ""),
            role=_role_for(dimension, given_role, new) if "role" in table.fieldnames else "",
        )
        check_item(new, updates_path, line)
        appended.append(new)
        counts["appended"] += 1
    return counts, appended
