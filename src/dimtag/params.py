"""The estimator's parameters: their names, defaults and allowed values, in one table.

:class:`Config` is that table. :class:`dimtag.Tagger` takes its fields as
constructor parameters, ``get_params`` and ``set_params`` go through it, the
learning wing builds its scikit-learn pipeline from it
(:mod:`dimtag.fitting`), and a model's metadata records it and is
checked against it at load.

Examples
--------
>>> Config()
Config(features='char13', clf='svc', C=1.0, class_weight='balanced')
>>> PARAM_NAMES
('features', 'clf', 'C', 'class_weight')
>>> check_params({"C": -5})
Traceback (most recent call last):
...
dimtag.errors.ParameterError: C must be a positive finite number, got -5
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .errors import ParameterError

__all__ = ["Config", "FEATURE_SETS", "CLASSIFIERS", "CLASS_WEIGHTS", "PARAM_NAMES", "DEFAULTS", "check_params"]

#: Feature set name -> list of (analyzer or tokenizer, n-gram range).
FEATURE_SETS: dict[str, list[tuple[str, tuple[int, int]]]] = {
    "char12": [("char", (1, 2))],
    "char13": [("char", (1, 3))],
    "char14": [("char", (1, 4))],
    "word": [("word", (1, 1))],
    "word-nodict": [("word-nodict", (1, 1))],
    "char13+word": [("char", (1, 3)), ("word", (1, 1))],
}
#: ``svc``: sigmoid-calibrated LinearSVC; ``lr``: multinomial LogisticRegression.
CLASSIFIERS = ("svc", "lr")
#: ``balanced`` weighs each label by the inverse of its frequency; None weighs every item alike.
CLASS_WEIGHTS = ("balanced", None)


def _check_features(value: Any) -> None:
    if not isinstance(value, str) or value not in FEATURE_SETS:
        raise ParameterError(f"unknown features {value!r} (allowed: {', '.join(FEATURE_SETS)})")


def _check_clf(value: Any) -> None:
    if not isinstance(value, str) or value not in CLASSIFIERS:
        raise ParameterError(f"unknown clf {value!r} (allowed: {', '.join(CLASSIFIERS)})")


def _check_c(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (math.isfinite(value) and float(value) > 0):
        raise ParameterError(f"C must be a positive finite number, got {value!r}")


def _check_class_weight(value: Any) -> None:
    if not (value is None or (isinstance(value, str) and value in CLASS_WEIGHTS)):
        raise ParameterError(f"class_weight must be 'balanced' or None, got {value!r}")


def _param(default: Any, check: Any) -> Any:
    """A field of :class:`Config`: its default and the check its values must pass."""
    return field(default=default, metadata={"check": check})


@dataclass(frozen=True)
class Config:
    """The estimator's parameters; the defaults are the shipped model's.

    Attributes
    ----------
    features : str
        A key of :data:`FEATURE_SETS`: ``char13`` (character 1–3-grams),
        ``char12``, ``char14``, ``word`` (jieba words), ``word-nodict`` or
        ``char13+word``.
    clf : str
        One of :data:`CLASSIFIERS`: ``svc`` (sigmoid-calibrated linear SVM)
        or ``lr`` (multinomial logistic regression).
    C : float
        Inverse regularization strength, positive and finite.
    class_weight : {"balanced", None}

    Raises
    ------
    ParameterError
        A value of the wrong type or out of range.
    """

    features: str = _param("char13", _check_features)
    clf: str = _param("svc", _check_clf)
    C: float = _param(1.0, _check_c)
    class_weight: str | None = _param("balanced", _check_class_weight)

    def __post_init__(self) -> None:
        check_params(asdict(self))
        # A plain float, whatever real number was given (numpy's float32 is not JSON).
        object.__setattr__(self, "C", float(self.C))

    @classmethod
    def from_dict(cls, params: Mapping[str, Any]) -> Config:
        """The configuration of a mapping's known names (other keys, such as a metadata's extras, are ignored)."""
        return cls(**{k: v for k, v in params.items() if k in _CHECKS})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def label(self) -> str:
        return f"{self.clf} {self.features} C={self.C:g} cw={self.class_weight or 'none'}"


#: The parameter names, in constructor order.
PARAM_NAMES = tuple(f.name for f in fields(Config))
_CHECKS = {f.name: f.metadata["check"] for f in fields(Config)}


def check_params(params: Mapping[str, Any]) -> None:
    """Check parameters by name; a subset of :data:`PARAM_NAMES` may be given.

    Raises
    ------
    ParameterError
        An unknown name, or a value of the wrong type or out of range.
    """
    unknown = sorted(set(params) - set(_CHECKS))
    if unknown:
        raise ParameterError(f"unknown parameter(s) {', '.join(unknown)}; valid: {', '.join(_CHECKS)}")
    for name, value in params.items():
        _CHECKS[name](value)


#: The default parameters.
DEFAULTS = Config()
