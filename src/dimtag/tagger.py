"""The Tagger estimator and the module-level functions that use the default model."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .decision import DEFAULT_PRIOR, Context, Decisions, Prior, Stacker, decide, decide_roles, restrict, role_columns
from .dimensions import NONE_LABEL, Dimension, Label, check_label
from .errors import LabelsError, ModelError, NotFittedError, TextError
from .features import has_content
from .framework import Framework, HeadingLexicon, parse_heading_lexicon
from .linear_model import LinearTextModel
from .model_file import ModelMetadata, load_headings, load_model, save_model
from .params import DEFAULTS, PARAM_NAMES, Config, check_params
from .roles import ROLES, Role

__all__ = [
    "Tagger",
    "Explanation",
    "Label",
    "tag",
    "scores",
    "explain",
    "role",
    "default_tagger",
    "MODEL_ENV",
    "MAX_TEXT_CHARS",
]

#: Environment variable naming a model directory or file to use instead of the shipped one.
MODEL_ENV = "DIMTAG_MODEL"
#: Longest text ``tag()`` accepts: a sentence is short, and a longer string is a
#: whole document (use :func:`dimtag.tag_document`) or a mistake.
MAX_TEXT_CHARS = 100_000
# Texts are featurized and scored this many at a time, so that memory stays
# bounded for batches of any length (about 10 MB of temporaries a chunk).
_CHUNK = 1024



@dataclass(frozen=True)
class Explanation:
    """Why a text got its label.

    Attributes
    ----------
    dimension : Dimension, str or Role
        The predicted label (the role, for ``explain(..., axis="role")``).
    score : float
        Its probability.
    terms : list of (str, float)
        The character n-grams (or words) that pushed the decision most
        towards ``dimension`` and away from the others, with their weights
        (contribution to the label's linear score minus the mean over all labels).
    """

    dimension: Label
    score: float
    terms: list[tuple[str, float]]


def _check_texts(texts: Any, *, offset: int = 0) -> tuple[list[str], bool]:
    """Validate input; return the texts as a list and whether one str was given."""
    if isinstance(texts, str):
        return [_check_one(texts, None)], True
    if texts is None or isinstance(texts, (bytes, bytearray, memoryview, dict, set, frozenset)) or not isinstance(
        texts, Iterable
    ) or hasattr(texts, "columns"):
        kind = type(texts).__name__
        raise TypeError(
            f"expected a str or a list of str, got {kind}; for a DataFrame pass one column as a list, "
            "e.g. tag(df['text'].tolist())"
        )
    items = list(texts)
    return [_check_one(item, i + offset) for i, item in enumerate(items)], False


def _check_one(item: Any, index: int | None) -> str:
    where = "" if index is None else f"item {index}: "
    if not isinstance(item, str):
        raise TypeError(f"{where}expected str, got {type(item).__name__}: {item!r:.60}")
    if len(item) > MAX_TEXT_CHARS:
        raise TextError(
            f"{where}text of {len(item):,} characters is longer than {MAX_TEXT_CHARS:,}; "
            "tag a whole document with dimtag.tag_document"
        )
    return item


class Tagger:
    """A TF-IDF + linear text classifier that tags sentences with dimensions.

    It is a scikit-learn classifier: parameters in ``__init__`` (checked
    there, by :meth:`set_params` and by :meth:`fit`), :meth:`fit` returns
    self and never changes them, :meth:`predict`, :meth:`predict_proba` and
    :meth:`score` over :attr:`classes_`, and ``__sklearn_tags__``, so
    ``clone``, ``cross_val_score`` and ``GridSearchCV`` work on lists of
    texts. Fitting needs the ``train`` extra; a fitted tagger needs numpy only.

    It answers in two types, on purpose. :meth:`predict` is scikit-learn's
    face: plain strings over :attr:`classes_`, the labels as given to
    :meth:`fit`, with ``none`` a class like the others, so that metrics and
    model selection compare them with ``y``. :meth:`tag` is the tagging
    face: a :class:`Dimension` (which compares equal to its id) for the
    six-dimension models, never ``none``, and None where ``abstain=True``
    abstains. Where :meth:`predict` does not say ``none``, the two agree:
    ``tag(t) == predict([t])[0]``.

    Parameters
    ----------
    features : str
        ``char13`` (character 1–3-grams, the shipped model), ``char12``,
        ``char14``, ``word`` (jieba words), ``word-nodict`` or ``char13+word``.
    clf : {"svc", "lr"}
        Sigmoid-calibrated linear SVM or multinomial logistic regression.
    C : float
        Inverse regularization strength, positive and finite.
    class_weight : {"balanced", None}

    The names, defaults and allowed values are :class:`dimtag.params.Config`'s.

    Raises
    ------
    ParameterError
        A parameter of the wrong type or out of range (also ``ValueError``).

    Attributes
    ----------
    model_ : LinearTextModel
        The fitted model.
    metadata_ : ModelMetadata
        What training recorded about it.
    classes_ : tuple of str
        The model's classes, ``none`` included when it was trained with it.
    labels_ : list of Dimension or str
        The labels :meth:`tag` answers with: the classes other than ``none``
        (as :class:`Dimension` for the six-dimension models).
    framework_ : Framework
        The labels' display names and the heading words that name them
        (see :meth:`set_framework`).

    Examples
    --------
    >>> from dimtag import Tagger
    >>> t = Tagger.load()
    >>> t.tag("对干部违规收受礼品礼金问题监督不够。")
    <Dimension.INTEGRITY: 'integrity'>
    >>> t.classes_
    ('ability', 'integrity', 'none', 'politics', 'responsibility', 'theory', 'work_style')
    """

    # The defaults are Config's; the signature spells the names out because scikit-learn reads
    # an estimator's parameters from it (a test checks that it matches Config).
    def __init__(
        self, features: str = DEFAULTS.features, clf: str = DEFAULTS.clf, C: float = DEFAULTS.C,
        class_weight: str | None = DEFAULTS.class_weight,
    ):
        self.features = features
        self.clf = clf
        self.C = C
        self.class_weight = class_weight
        check_params(self.get_params())

    # -- scikit-learn protocol -----------------------------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters (see :class:`dimtag.params.Config`)."""
        return {name: getattr(self, name) for name in PARAM_NAMES}

    def set_params(self, **params: Any) -> Tagger:
        """Set constructor parameters, all or none: the values are checked first.

        Raises
        ------
        ParameterError
            An unknown name, or a value of the wrong type or out of range.
        """
        check_params({**self.get_params(), **params})
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's description of this estimator: a classifier of texts (a list of str, not a matrix).

        Imports scikit-learn, which only scikit-learn asks for this.
        """
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(),
            input_tags=InputTags(one_d_array=True, two_d_array=False, string=True),
        )

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")

    def score(self, texts: Sequence[str], labels: Sequence[Any]) -> float:
        """Accuracy of :meth:`predict` against ``labels`` (normalized as :meth:`fit` does), as scikit-learn's classifiers score."""
        self._fitted()
        predicted = self.predict(texts)
        expected = _check_labels(labels, len(predicted))
        return float(np.mean([p == e for p, e in zip(predicted, expected)])) if expected else 0.0

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        fitted = f", classes={list(self.classes_)}" if hasattr(self, "model_") else ", unfitted"
        return f"Tagger({params}{fitted})"

    def fit(self, texts: Sequence[str], labels: Sequence[Any], roles: Sequence[str] | None = None) -> Tagger:
        """Fit on labeled texts (any label set; ``none`` marks texts to abstain on).

        Needs the ``train`` extra (scikit-learn, jieba). The parameters are
        checked, never changed: to fit with others, :meth:`set_params` first.

        Parameters
        ----------
        texts : sequence of str
        labels : sequence of str
            The dimension (or custom label) of each text. Each is normalized
            as :func:`dimtag.dimensions.check_label` says (Unicode NFC,
            stripped), so two spellings of one label are one class.
        roles : sequence of str, optional
            The role of each text (see :class:`dimtag.Role`); with them a
            role model is fitted too, over the same features.

        Returns
        -------
        Tagger
            self, fitted.

        Raises
        ------
        ParameterError
            A parameter out of range (set by assigning the attribute).
        LabelsError
            A label that is not a str (None, NaN, a number), blank or holding
            a line break; as many labels as texts missing; a label with
            fewer than five items; or more labels than the weights' size
            limit allows for the vocabulary (``dimtag.fitting.MAX_WEIGHT_BYTES``).
        """
        config = Config(**self.get_params())
        from .fitting import fit_model

        try:  # the fit imports scikit-learn (and jieba for word features) when it builds the pipeline
            import sklearn  # noqa: F401
        except ImportError as exc:
            raise ImportError(f"Tagger.fit needs the train extra: pip install 'dimtag[train]' ({exc})") from None
        items, _ = _check_texts(texts)
        label_list = _check_labels(labels, len(items))
        model = fit_model(items, label_list, config)
        role_model = None
        if roles is not None:
            role_list = [str(r) for r in roles]
            if len(role_list) != len(items):
                raise LabelsError(f"{len(items)} texts but {len(role_list)} roles")
            unknown = sorted(set(role_list) - set(ROLES))
            if unknown:
                raise LabelsError(f"unknown role(s) {', '.join(unknown)} (allowed: {', '.join(ROLES)})")
            role_model = fit_model(items, role_list, config)
            if sorted(role_model.classes) != sorted(ROLES):
                raise LabelsError(f"a role model needs items of every role ({', '.join(ROLES)})")
            role_model = model.with_head(role_model.coef, role_model.intercept, role_model.classes, role_model.link,
                                         role_model.scale, role_model.shift)
        return self._set_model(model, ModelMetadata(config=config.to_dict()), role_model)

    def _set_model(
        self, model: LinearTextModel, metadata: ModelMetadata, role: LinearTextModel | None = None,
        stacker: Stacker | None = None, headings: HeadingLexicon | None = None,
    ) -> Tagger:
        _check_classes(model.classes)
        self.model_ = model
        self.metadata_ = metadata
        self.role_model_ = role
        self.stacker_ = stacker
        self._role_cols = role_columns(role.classes) if role is not None else None
        self.classes_ = model.classes
        labels = [c for c in model.classes if c != NONE_LABEL]
        if not labels:
            raise ModelError("a model needs at least one label other than none")
        if sorted(labels) == sorted(d.value for d in Dimension):
            self.labels_: list[Label] = list(Dimension)
        else:
            self.labels_ = labels
        self._label_cols = np.array([model.classes.index(str(lab)) for lab in self.labels_])
        # A model trained with `none` items tells sentences that speak to no
        # dimension (intros, procedure); tag() still answers the best label.
        self._none_col = model.classes.index(NONE_LABEL) if NONE_LABEL in model.classes else None
        self.headings_ = headings
        self.framework_ = Framework.of(self.labels_, metadata.labels, headings)
        return self

    def set_framework(self, names: dict[str, str] | None = None, headings: str | None = None, *, source: str = "heading lexicon") -> Tagger:
        """Give the fitted model's labels display names and a heading lexicon; return self.

        Parameters
        ----------
        names : dict of str to str, optional
            Display name of label ids (``{"loyalty": "带头强化政治忠诚"}``); kept in
            the metadata and used by every output.
        headings : str, optional
            The text of a heading lexicon (see :mod:`dimtag.framework`): heading
            words that name a label give documents heading evidence. Saved
            beside the model, its sha256 in the metadata.
        source : str
            The lexicon's file name, for messages.

        Raises
        ------
        ModelError
            A name for a label the model does not have, two labels with one
            name, or a lexicon line that names no label of the model.
        """
        self._fitted()
        labels = [str(label) for label in self.labels_]
        names = {str(k): str(v).strip() for k, v in (names or {}).items()}
        unknown = sorted(set(names) - set(labels))
        if unknown:
            raise ModelError(f"display names for {', '.join(unknown)}, which the model does not have (labels: {', '.join(labels)})")
        if len(set(names.values())) != len(names) or not all(names.values()):
            raise ModelError("every display name must be non-empty and name one label")
        lexicon = parse_heading_lexicon(headings, labels, names, source) if headings is not None else self.headings_
        self.metadata_ = replace(self.metadata_, labels=names)
        return self._set_model(self.model_, self.metadata_, self.role_model_, self.stacker_, lexicon)

    @classmethod
    def from_model(
        cls, model: LinearTextModel, metadata: ModelMetadata | None = None, role: LinearTextModel | None = None,
        stacker: Stacker | None = None, headings: HeadingLexicon | None = None,
    ) -> Tagger:
        """A fitted Tagger around an existing model (and its role model, document stacker and heading lexicon, if any)."""
        metadata = metadata or ModelMetadata()
        return cls(**Config.from_dict(metadata.config).to_dict())._set_model(model, metadata, role, stacker, headings)

    @property
    def has_roles(self) -> bool:
        """Whether this model reads roles (models trained without roles do not)."""
        self._fitted()
        return self.role_model_ is not None

    def _fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError("this Tagger is not fitted: call fit() or use Tagger.load()")

    # -- loading and saving ----------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Tagger:
        """Load a model: the shipped one, or the directory or ``.npz`` file given.

        The model format is a plain numpy ``.npz`` archive read with
        ``allow_pickle=False``: loading it cannot execute code, and it does
        not depend on the installed scikit-learn. dimtag never loads joblib
        or pickle model files, which can execute arbitrary code when loaded.
        The archive's sha256 must match the one in ``metadata.json``; that
        guards against corruption, not tampering (see :mod:`dimtag.model_file`).
        So must the heading lexicon's, when the model has one.

        Parameters
        ----------
        path : str or Path, optional
            A model directory (``metadata.json`` and its archive), or one
            archive. Default: the model shipped inside the package.

        Raises
        ------
        ModelError
            Missing, unreadable, corrupt, invalid, or different from the recorded hash.
        """
        if path is None:
            with resources.as_file(resources.files("dimtag").joinpath("model")) as shipped:
                loaded = load_model(Path(shipped), require_metadata=True)
                headings = load_headings(Path(shipped), loaded.metadata)
        else:
            loaded = load_model(Path(path))
            headings = load_headings(Path(path), loaded.metadata)
        return cls.from_model(loaded.model, loaded.metadata, loaded.role, loaded.stacker, headings)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the model to a directory, as one unit (see :func:`dimtag.model_file.save_model`).

        Returns
        -------
        Path
            The archive written.

        Raises
        ------
        ModelError
            ``path`` is a file, or a directory cannot be made there.
        """
        self._fitted()
        self.metadata_ = save_model(
            self.model_, self.metadata_, path, role=self.role_model_, stacker=self.stacker_, headings=self.headings_
        )
        return Path(path) / self.metadata_.model_file

    # -- inference ---------------------------------------------------------
    @property
    def min_score(self) -> float:
        """Default abstention threshold, chosen from the model's calibration at training time."""
        self._fitted()
        return self.metadata_.min_score

    def _full_proba(self, texts: list[str], n_jobs: int | None = 1) -> np.ndarray:
        """Probabilities over every model class, computed chunk by chunk."""
        return self._probas(texts, n_jobs, roles=False)[0]

    def _probas(self, texts: list[str], n_jobs: int | None = 1, roles: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Dimension probabilities over every class, and role probabilities in ROLES order (None without a role model).

        Each chunk is featurized once for both models. With ``n_jobs`` other
        than 1, contiguous parts of the batch go to joblib worker processes
        (one copy of the model per part).
        """
        self._fitted()
        role = self.role_model_ if roles else None
        if not texts:
            return np.zeros((0, len(self.classes_))), (np.zeros((0, len(ROLES))) if role is not None else None)
        if n_jobs not in (None, 1) and len(texts) > _CHUNK:
            from joblib import Parallel, delayed, effective_n_jobs

            workers = effective_n_jobs(n_jobs)
            size = max(_CHUNK, -(-len(texts) // (workers * 2)))
            parts = Parallel(n_jobs=n_jobs)(
                delayed(_chunked_proba)(self.model_, role, texts[i : i + size]) for i in range(0, len(texts), size)
            )
            full = np.vstack([p[0] for p in parts])
            role_full = np.vstack([p[1] for p in parts]) if role is not None else None
        else:
            full, role_full = _chunked_proba(self.model_, role, texts)
        if role_full is not None and self._role_cols is not None:
            role_full = role_full[:, self._role_cols]
        return full, role_full

    def predict_proba(self, texts: Sequence[str], *, n_jobs: int | None = 1) -> np.ndarray:
        """Probabilities of shape (n_texts, n_classes), columns in :attr:`classes_` order (``none`` included)."""
        self._fitted()
        items, _ = _check_texts(texts)
        return self._full_proba(items, n_jobs)

    def predict(self, texts: Sequence[str], *, n_jobs: int | None = 1) -> np.ndarray:
        """The most probable class of each text, ``none`` included (strings over :attr:`classes_`).

        Plain strings, where :meth:`tag` answers a :class:`Dimension`: see the class's notes.
        """
        self._fitted()
        labels: np.ndarray = np.asarray(self.classes_, dtype=object)[self.predict_proba(texts, n_jobs=n_jobs).argmax(axis=1)]
        return labels

    def decide(
        self,
        texts: Sequence[str],
        *,
        min_score: float | None = None,
        n_jobs: int | None = 1,
        context: Context | None = None,
        prior: Prior = DEFAULT_PRIOR,
    ) -> Decisions:
        """The full tagging decision for each text: role and dimension (see :mod:`dimtag.decision`).

        ``context`` gives what a document's structure says about each text;
        :func:`dimtag.tag_document` passes it. A model with a document
        stacker weighs it as learned; a model without one weighs it by
        ``prior``, and reads roles from the document's parts.
        """
        self._fitted()
        items, _ = _check_texts(texts)
        full, role_full = self._probas(items, n_jobs)
        return self._decide(items, full, min_score, context, prior, role_full=role_full)

    def _decide(
        self, items: list[str], full: np.ndarray, min_score: float | None,
        context: Context | None = None, prior: Prior = DEFAULT_PRIOR, empty: np.ndarray | None = None,
        role_full: np.ndarray | None = None,
    ) -> Decisions:
        threshold = self.min_score if min_score is None else float(min_score)
        if empty is None:
            empty = _empty(items)
        if role_full is not None:
            stacker = self.stacker_ if context is not None else None
            return decide_roles(full, role_full, self._label_cols, self._none_col, threshold, empty, context, stacker)
        return decide(full, self._label_cols, self._none_col, threshold, empty, context, prior)

    def tag(
        self, texts: str | Iterable[str], *, abstain: bool = False, min_score: float | None = None, n_jobs: int | None = 1
    ) -> Any:
        """Return the label of a text, or of each text of a list.

        Parameters
        ----------
        texts : str or iterable of str
        abstain : bool
            Answer None where :func:`dimtag.tag_document` would abstain on
            the text read alone: its role is ``other`` (it says nothing about
            the writer or the unit), the best score is under ``min_score``,
            or the text has nothing to tag. Without it, the best label is
            always returned.
        min_score : float, optional
            With ``abstain``: the threshold (default :attr:`min_score`).
        n_jobs : int, optional
            Worker processes for large batches (joblib convention: -1 = all
            cores). The answers do not depend on it.

        Raises
        ------
        TypeError
            ``None``, bytes, numbers, a dict, set or DataFrame, or a list
            holding a non-str (the message gives the item's index).
        TextError
            Without ``abstain``: a text with nothing to tag (blank, invisible
            marks, masks, emoji or private-use characters only); any text
            longer than :data:`MAX_TEXT_CHARS`. A :class:`dimtag.DimtagError`
            and a ``ValueError``.
        NotFittedError
            An unfitted Tagger.
        """
        self._fitted()
        items, single = _check_texts(texts)
        labels = self._tag(items, abstain, min_score, n_jobs, None if single else 0)
        return labels[0] if single else labels

    def _tag(self, items: list[str], abstain: bool, min_score: float | None, n_jobs: int | None, offset: int | None) -> list[Any]:
        """Labels of checked texts; ``offset`` is the first item's index in the caller's input (None: one str)."""
        empty = _empty(items)
        if not abstain and empty.any():
            # Refused before any model work.
            first = int(np.flatnonzero(empty)[0])
            where = "" if offset is None else f"item {first + offset}: "
            raise TextError(f"{where}nothing to tag in {items[first][:40]!r} (blank, masks or symbols only)")
        full, role_full = self._probas(items, n_jobs, roles=abstain)
        decisions = self._decide(items, full, min_score if abstain else 0.0, empty=empty, role_full=role_full)
        return [None if (abstain and a) else self.labels_[b] for b, a in zip(decisions.best, decisions.abstain)]

    # -- roles --------------------------------------------------------------
    def _roles_needed(self) -> LinearTextModel:
        self._fitted()
        if self.role_model_ is None:
            raise ModelError("this model was trained without roles: retrain it with a role column (dimtag train)")
        return self.role_model_

    def predict_role_proba(self, texts: Sequence[str], *, n_jobs: int | None = 1) -> np.ndarray:
        """Role probabilities of shape (n_texts, 5), columns in :data:`dimtag.roles.ROLES` order.

        Raises
        ------
        ModelError
            The model was trained without roles.
        """
        self._roles_needed()
        items, _ = _check_texts(texts)
        role_full = self._probas(items, n_jobs)[1]
        assert role_full is not None
        return role_full

    def predict_role(self, texts: Sequence[str], *, n_jobs: int | None = 1) -> np.ndarray:
        """The most probable role of each text read alone (strings over :data:`dimtag.roles.ROLES`)."""
        roles: np.ndarray = np.asarray(ROLES, dtype=object)[self.predict_role_proba(texts, n_jobs=n_jobs).argmax(axis=1)]
        return roles

    def role(self, texts: str | Iterable[str], *, n_jobs: int | None = 1) -> Any:
        """The :class:`~dimtag.Role` of a text, or of each text of a list, read alone.

        A text with nothing to tag is ``other``.
        """
        items, single = _check_texts(texts)
        roles = [Role(r) for r in self.predict_role(items, n_jobs=n_jobs)]
        roles = [Role.OTHER if e else r for r, e in zip(roles, _empty(items))]
        return roles[0] if single else roles

    def iter_tag(self, texts: Iterable[str], chunk_size: int = _CHUNK, *, abstain: bool = False) -> Iterator[Any]:
        """Tag an iterable of any length lazily, ``chunk_size`` texts at a time.

        Memory stays bounded by the chunk, not by the input: use it for a
        file of a million sentences. Errors name the item's position in the
        whole iterable.

        Examples
        --------
        >>> from dimtag import Tagger
        >>> [str(d) for d in Tagger.load().iter_tag(iter(["学习不够。", "调研不深入。"]))]
        ['theory', 'work_style']
        """
        if isinstance(texts, (str, bytes)):
            raise TypeError("iter_tag() takes an iterable of texts, not one str: use tag() for a single text")
        self._fitted()
        batch: list[str] = []
        done = 0
        for text in texts:
            batch.append(text)
            if len(batch) >= chunk_size:
                yield from self._tag(_check_texts(batch, offset=done)[0], abstain, None, 1, done)
                done += len(batch)
                batch = []
        if batch:
            yield from self._tag(_check_texts(batch, offset=done)[0], abstain, None, 1, done)

    def scores(self, texts: str | Iterable[str], *, include_none: bool = False, n_jobs: int | None = 1) -> Any:
        """Probability of each label; they sum to 1.

        With ``include_none`` the model's ``none`` class is a key too (the
        string ``"none"``) and the values are the model's probabilities over
        all its classes; without, ``none``'s share is spread over the labels.
        """
        self._fitted()
        items, single = _check_texts(texts)
        full = self._full_proba(items, n_jobs)
        if include_none and self._none_col is not None:
            keys: list[Any] = [*self.labels_, NONE_LABEL]
            proba = full[:, [*self._label_cols, self._none_col]]
        else:
            keys, proba = list(self.labels_), restrict(full, self._label_cols)
        rows = [dict(zip(keys, map(float, row))) for row in proba]
        return rows[0] if single else rows

    def explain(self, text: str, top: int = 5, *, axis: str = "dimension") -> Explanation:
        """Tell which terms pushed a text towards its label (or, with ``axis="role"``, its role).

        Examples
        --------
        >>> from dimtag import explain
        >>> e = explain("对干部违规收受礼品礼金问题监督不够。", top=3)
        >>> e.dimension, len(e.terms)
        (<Dimension.INTEGRITY: 'integrity'>, 3)
        """
        self._fitted()
        if not isinstance(text, str):
            raise TypeError(f"explain() takes one str, got {type(text).__name__}")
        if axis not in ("dimension", "role"):
            raise ValueError(f"axis must be 'dimension' or 'role', got {axis!r}")
        (item,), _ = _check_texts(text)
        if axis == "role":
            model = self._roles_needed()
            proba = self.predict_role_proba([item])[0]
            assert self._role_cols is not None
            columns = self._role_cols
            keys: list[Any] = list(Role)
        else:
            model = self.model_
            proba = restrict(self._full_proba([item]), self._label_cols)[0]
            columns = self._label_cols
            keys = list(self.labels_)
        best = int(proba.argmax())
        label, score = keys[best], float(proba[best])
        names, contrib = model.term_contributions(item)
        if not names:
            return Explanation(label, score, [])
        contrib = contrib[:, columns]
        push = contrib[:, best] - contrib.mean(axis=1)
        order = np.argsort(-push, kind="stable")[: max(int(top), 0)]
        return Explanation(label, score, [(names[i], round(float(push[i]), 4)) for i in order])


def _check_labels(labels: Any, n_texts: int) -> list[str]:
    """Validate and normalize the labels of ``n_texts`` texts (see :func:`dimtag.dimensions.check_label`)."""
    if isinstance(labels, (str, bytes)) or labels is None or not isinstance(labels, Iterable):
        raise LabelsError(f"labels must be a sequence of str, one per text, got {type(labels).__name__}")
    checked = [check_label(label, f"label {i}") for i, label in enumerate(labels)]
    if len(checked) != n_texts:
        raise LabelsError(f"{n_texts} texts but {len(checked)} labels")
    return checked


def _check_classes(classes: Sequence[str]) -> None:
    """Refuse a model whose class names :meth:`Tagger.fit` would not have made (blank, a line break, not NFC)."""
    for c in classes:
        try:
            ok = check_label(c) == c
        except LabelsError as exc:
            raise ModelError(f"invalid class in the model: {exc}") from None
        if not ok:
            raise ModelError(f"invalid class in the model: {c!r} is not stripped and in Unicode NFC")


def _empty(items: list[str]) -> np.ndarray:
    """True for each text that holds nothing to tag."""
    return np.array([not has_content(t) for t in items], dtype=bool)


def _chunked_proba(
    model: LinearTextModel, role: LinearTextModel | None, texts: list[str]
) -> tuple[np.ndarray, np.ndarray | None]:
    """Both models' probabilities, a chunk at a time, featurizing each chunk once."""
    dims, roles = [], []
    for i in range(0, len(texts), _CHUNK):
        chunk = texts[i : i + _CHUNK]
        features = model.sparse(chunk)
        dims.append(model.proba_of(features, len(chunk)))
        if role is not None:
            roles.append(role.proba_of(features, len(chunk)))
    return np.vstack(dims), (np.vstack(roles) if role is not None else None)


_default: Tagger | None = None
_default_lock = threading.Lock()


def default_tagger() -> Tagger:
    """The tagger of :func:`tag`, :func:`scores` and documents, loaded once on first use.

    It is the model named by the ``DIMTAG_MODEL`` environment variable when
    that is set, else the model shipped in the package.
    """
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Tagger.load(os.environ.get(MODEL_ENV) or None)
    return _default


def tag(texts: str | Iterable[str], *, abstain: bool = False, n_jobs: int | None = 1) -> Any:
    """Tag a sentence, or a list of sentences, with the default model.

    See :meth:`Tagger.tag`.

    Examples
    --------
    >>> from dimtag import tag
    >>> tag("对习近平新时代中国特色社会主义思想的学习不够系统深入。")
    <Dimension.THEORY: 'theory'>
    >>> [str(d) for d in tag(["调查研究不深入，听汇报多、下基层少。", "落实一岗双责不到位。"])]
    ['work_style', 'integrity']
    >>> print(tag("以上发言，请批评指正。", abstain=True))
    None
    """
    return default_tagger().tag(texts, abstain=abstain, n_jobs=n_jobs)


def scores(texts: str | Iterable[str], *, include_none: bool = False, n_jobs: int | None = 1) -> Any:
    """Probabilities of the labels for a sentence or a list of them (see :meth:`Tagger.scores`).

    Examples
    --------
    >>> from dimtag import scores
    >>> s = scores("面对急难险重任务不敢挺身而出。")
    >>> round(sum(s.values()), 6), max(s, key=s.get)
    (1.0, <Dimension.RESPONSIBILITY: 'responsibility'>)
    """
    return default_tagger().scores(texts, include_none=include_none, n_jobs=n_jobs)


def explain(text: str, top: int = 5, *, axis: str = "dimension") -> Explanation:
    """Explain the default model's decision for one sentence (see :meth:`Tagger.explain`).

    ``axis="role"`` explains its role instead of its dimension.
    """
    return default_tagger().explain(text, top=top, axis=axis)


def role(texts: str | Iterable[str], *, n_jobs: int | None = 1) -> Any:
    """The role of a sentence, or of each sentence of a list, with the default model (see :meth:`Tagger.role`).

    Examples
    --------
    >>> from dimtag import role
    >>> str(role("以上发言，请批评指正。"))
    'other'
    """
    return default_tagger().role(texts, n_jobs=n_jobs)
