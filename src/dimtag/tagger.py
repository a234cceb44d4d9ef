"""The Tagger object and the module-level functions that use the shipped model."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence, overload

import numpy as np

from .dimensions import NONE_LABEL, Dimension
from .labels import file_sha256
from .linear_model import LinearTextModel

__all__ = [
    "Tagger",
    "Explanation",
    "ModelError",
    "tag",
    "scores",
    "explain",
    "default_tagger",
    "MODEL_FILE",
    "METADATA_FILE",
]

MODEL_FILE = "dimtag.npz"
METADATA_FILE = "metadata.json"
# Texts are featurized and scored this many at a time, so that memory stays
# bounded for batches of any length (about 10 MB of temporaries a chunk).
_CHUNK = 1024


class ModelError(RuntimeError):
    """A model file that is missing, corrupt, truncated or not the one recorded."""


@dataclass(frozen=True)
class Explanation:
    """Why a text got its dimension.

    Attributes
    ----------
    dimension : Dimension
        The predicted dimension.
    score : float
        Its probability.
    terms : list of (str, float)
        The character n-grams (or words) that pushed the decision most
        towards ``dimension`` and away from the others, with their weights
        (contribution to the dimension's linear score minus the mean over all six).
    """

    dimension: Dimension
    score: float
    terms: list[tuple[str, float]]


def _check_texts(texts: Any) -> tuple[list[str], bool]:
    """Validate input; return the texts as a list and whether one str was given."""
    if isinstance(texts, str):
        if not texts.strip():
            raise ValueError("cannot tag an empty or blank string")
        return [texts], True
    if texts is None or isinstance(texts, (bytes, bytearray, memoryview)) or not isinstance(texts, Iterable):
        raise TypeError(f"expected a str or a list of str, got {type(texts).__name__}")
    items = list(texts)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(f"item {i} is {type(item).__name__}, not str: {item!r:.60}")
        if not item.strip():
            raise ValueError(f"item {i} is an empty or blank string")
    return items, False


class Tagger:
    """Tags sentences with one of the six dimensions.

    Parameters
    ----------
    model : LinearTextModel
        The fitted model.
    metadata : dict, optional
        What training recorded about it (data hash, versions, CV scores).

    Examples
    --------
    >>> from dimtag import Tagger
    >>> t = Tagger.load()
    >>> t.tag("对干部违规收受礼品礼金问题监督不够。")
    <Dimension.INTEGRITY: 'integrity'>
    """

    def __init__(self, model: LinearTextModel, metadata: dict[str, Any] | None = None):
        dims = [c for c in model.classes if c != NONE_LABEL]
        if sorted(dims) != sorted(d.value for d in Dimension):
            raise ModelError(f"model classes {model.classes} are not the six dimensions (and optionally none)")
        self.model = model
        self.metadata = dict(metadata or {})
        self._dimensions = list(Dimension)
        self._dim_cols = np.array([model.classes.index(d.value) for d in Dimension])
        # A model trained with `none` items can tell sentences that speak to
        # no dimension (intros, procedure); tag() still answers the best of six.
        self._none_col = model.classes.index(NONE_LABEL) if NONE_LABEL in model.classes else None

    # -- loading and saving ----------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> "Tagger":
        """Load a model: the shipped one, or the ``.npz`` file or directory given.

        The model format is a plain numpy ``.npz`` archive read with
        ``allow_pickle=False``: loading it cannot execute code, and it does
        not depend on the installed scikit-learn. dimtag never loads joblib
        or pickle model files, which can execute arbitrary code when loaded;
        do not unpickle model files from sources you do not trust. If a ``metadata.json``
        sits beside it, the file's sha256 must match the one recorded there.

        Parameters
        ----------
        path : str or Path, optional
            A model file, or a directory holding ``dimtag.npz``. Only this
            path is read. Default: the model shipped inside the package.

        Raises
        ------
        ModelError
            The file is missing, unreadable, corrupt, truncated, or differs
            from the recorded hash. The message names the file.
        """
        if path is None:
            with resources.as_file(resources.files("dimtag").joinpath("model")) as shipped:
                return cls._load_file(Path(shipped) / MODEL_FILE, require_metadata=True)
        path = Path(path)
        return cls._load_file(path / MODEL_FILE if path.is_dir() else path, require_metadata=False)

    @classmethod
    def _load_file(cls, model_path: Path, require_metadata: bool) -> "Tagger":
        meta_path = model_path.with_name(METADATA_FILE)
        metadata: dict[str, Any] = {}
        if meta_path.exists():
            try:
                metadata = json.loads(meta_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ModelError(f"{meta_path}: unreadable model metadata ({exc})") from None
        elif require_metadata:
            raise ModelError(f"{meta_path}: model metadata missing")
        if not model_path.is_file():
            raise ModelError(f"{model_path}: model file not found")
        expected = metadata.get("model_sha256")
        if expected:
            actual = file_sha256(model_path)
            if actual != expected:
                raise ModelError(
                    f"{model_path}: sha256 {actual[:12]}… does not match {expected[:12]}… recorded in "
                    f"{meta_path.name}; the file is corrupt or was replaced"
                )
        try:
            model = LinearTextModel.load(model_path)
        except Exception as exc:  # numpy raises several types for a bad archive
            raise ModelError(f"{model_path}: not a readable dimtag model ({type(exc).__name__}: {exc})") from None
        return cls(model, metadata)

    def save(self, path: str | Path) -> Path:
        """Write the model to a directory (``dimtag.npz`` + ``metadata.json``).

        Returns
        -------
        Path
            The model file written.
        """
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        model_path = out / MODEL_FILE
        tmp = out / (MODEL_FILE + ".tmp")
        self.model.save(tmp)
        tmp.replace(model_path)
        self.metadata.update(model_file=MODEL_FILE, model_sha256=file_sha256(model_path))
        meta_text = json.dumps(self.metadata, ensure_ascii=False, indent=2) + "\n"
        (out / METADATA_FILE).write_text(meta_text, encoding="utf-8")
        return model_path

    # -- inference ---------------------------------------------------------
    @property
    def min_score(self) -> float:
        """Default abstention threshold chosen from the model's calibration."""
        return float(self.metadata.get("min_score", 0.0))

    def _full_proba(self, texts: list[str], n_jobs: int | None = 1) -> np.ndarray:
        """Probabilities over every model class, computed chunk by chunk.

        With ``n_jobs`` other than 1, contiguous parts of the batch go to
        joblib worker processes (one copy of the model per part).
        """
        if not texts:
            return np.zeros((0, len(self.model.classes)))
        if n_jobs not in (None, 1) and len(texts) > _CHUNK:
            from joblib import Parallel, delayed, effective_n_jobs

            workers = effective_n_jobs(n_jobs)
            size = max(_CHUNK, -(-len(texts) // (workers * 2)))
            parts = Parallel(n_jobs=n_jobs)(
                delayed(_chunked_proba)(self.model, texts[i : i + size]) for i in range(0, len(texts), size)
            )
            return np.vstack(parts)
        return _chunked_proba(self.model, texts)

    def _six(self, full: np.ndarray) -> np.ndarray:
        p = full[:, self._dim_cols]
        return p / p.sum(axis=1, keepdims=True)

    def _proba(self, texts: list[str], n_jobs: int | None = 1) -> np.ndarray:
        return self._six(self._full_proba(texts, n_jobs))

    @overload
    def tag(self, texts: str, *, n_jobs: int | None = 1) -> Dimension: ...
    @overload
    def tag(self, texts: Sequence[str], *, n_jobs: int | None = 1) -> list[Dimension]: ...

    def tag(self, texts: str | Sequence[str], *, n_jobs: int | None = 1) -> Dimension | list[Dimension]:
        """Return the dimension of a text, or of each text of a list.

        Parameters
        ----------
        texts : str or sequence of str
        n_jobs : int, optional
            Worker processes for large batches (joblib convention: -1 = all
            cores). The answers do not depend on it.

        Raises
        ------
        TypeError
            ``None``, bytes, numbers, or a list holding any of them (the
            message gives the index of the offending item).
        ValueError
            An empty or blank string.
        """
        items, single = _check_texts(texts)
        dims = [self._dimensions[i] for i in self._proba(items, n_jobs).argmax(axis=1)]
        return dims[0] if single else dims

    def iter_tag(self, texts: Iterable[str], chunk_size: int = _CHUNK) -> Iterator[Dimension]:
        """Tag an iterable of any length lazily, ``chunk_size`` texts at a time.

        Memory stays bounded by the chunk, not by the input: use it for a
        file of a million sentences.

        Examples
        --------
        >>> from dimtag import Tagger
        >>> [str(d) for d in Tagger.load().iter_tag(iter(["学习不够。", "调研不深入。"]))]
        ['theory', 'work_style']
        """
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= chunk_size:
                yield from self.tag(batch)
                batch = []
        if batch:
            yield from self.tag(batch)

    @overload
    def scores(self, texts: str, *, n_jobs: int | None = 1) -> dict[Dimension, float]: ...
    @overload
    def scores(self, texts: Sequence[str], *, n_jobs: int | None = 1) -> list[dict[Dimension, float]]: ...

    def scores(
        self, texts: str | Sequence[str], *, n_jobs: int | None = 1
    ) -> dict[Dimension, float] | list[dict[Dimension, float]]:
        """Return the probability of each dimension (they sum to 1)."""
        items, single = _check_texts(texts)
        rows = [dict(zip(self._dimensions, map(float, row))) for row in self._proba(items, n_jobs)]
        return rows[0] if single else rows

    @property
    def dimensions(self) -> list[Dimension]:
        """The six dimensions, in the column order of :meth:`predict_proba`."""
        return list(self._dimensions)

    def predict_proba(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Six-way probabilities and none-flags of a list, in one pass.

        Returns
        -------
        proba : ndarray of shape (n_texts, 6)
            Columns in the order of :attr:`dimensions`; rows sum to 1.
        is_none : ndarray of bool, shape (n_texts,)
            True where the model finds the text speaks to no dimension
            (always False for a model trained without ``none`` items).
        """
        items, _ = _check_texts(texts)
        full = self._full_proba(items)
        if self._none_col is None:
            is_none = np.zeros(len(items), dtype=bool)
        else:
            is_none = full.argmax(axis=1) == self._none_col
        return self._six(full), is_none

    def explain(self, text: str, top: int = 5) -> Explanation:
        """Tell which terms pushed a text towards its dimension.

        Examples
        --------
        >>> from dimtag import explain
        >>> e = explain("对干部违规收受礼品礼金问题监督不够。", top=3)
        >>> e.dimension, len(e.terms)
        (<Dimension.INTEGRITY: 'integrity'>, 3)
        """
        if not isinstance(text, str):
            raise TypeError(f"explain() takes one str, got {type(text).__name__}")
        (item,), _ = _check_texts(text)
        proba = self._proba([item])[0]
        best = int(proba.argmax())
        dimension, score = self._dimensions[best], float(proba[best])
        names, contrib = self.model.term_contributions(item)
        if not names:
            return Explanation(dimension, score, [])
        contrib = contrib[:, self._dim_cols]
        push = contrib[:, best] - contrib.mean(axis=1)
        order = np.argsort(-push, kind="stable")[: max(int(top), 0)]
        return Explanation(dimension, score, [(names[i], round(float(push[i]), 4)) for i in order])


def _chunked_proba(model: LinearTextModel, texts: list[str]) -> np.ndarray:
    return np.vstack([model.predict_proba(texts[i : i + _CHUNK]) for i in range(0, len(texts), _CHUNK)])


_default: Tagger | None = None
_default_lock = threading.Lock()


def default_tagger() -> Tagger:
    """Return the shipped model's Tagger, loading it once on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Tagger.load()
    return _default


@overload
def tag(texts: str, *, n_jobs: int | None = 1) -> Dimension: ...
@overload
def tag(texts: Sequence[str], *, n_jobs: int | None = 1) -> list[Dimension]: ...


def tag(texts: str | Sequence[str], *, n_jobs: int | None = 1) -> Dimension | list[Dimension]:
    """Tag a sentence, or a list of sentences, with the shipped model.

    ``n_jobs`` spreads a large batch over worker processes (see :meth:`Tagger.tag`).

    Examples
    --------
    >>> from dimtag import tag
    >>> tag("对习近平新时代中国特色社会主义思想的学习不够系统深入。")
    <Dimension.THEORY: 'theory'>
    >>> [str(d) for d in tag(["调查研究不深入，听汇报多、下基层少。", "落实一岗双责不到位。"])]
    ['work_style', 'integrity']
    """
    return default_tagger().tag(texts, n_jobs=n_jobs)


@overload
def scores(texts: str, *, n_jobs: int | None = 1) -> dict[Dimension, float]: ...
@overload
def scores(texts: Sequence[str], *, n_jobs: int | None = 1) -> list[dict[Dimension, float]]: ...


def scores(
    texts: str | Sequence[str], *, n_jobs: int | None = 1
) -> dict[Dimension, float] | list[dict[Dimension, float]]:
    """Probabilities of the six dimensions for a sentence or a list of them.

    Examples
    --------
    >>> from dimtag import scores
    >>> s = scores("面对急难险重任务不敢挺身而出。")
    >>> round(sum(s.values()), 6), max(s, key=s.get)
    (1.0, <Dimension.RESPONSIBILITY: 'responsibility'>)
    """
    return default_tagger().scores(texts, n_jobs=n_jobs)


def explain(text: str, top: int = 5) -> Explanation:
    """Explain the shipped model's decision for one sentence (see :meth:`Tagger.explain`)."""
    return default_tagger().explain(text, top=top)
