"""A Label Studio ML backend: ``/setup``, ``/predict`` and ``/webhook`` (``/health`` is the service's own).

A Label Studio project whose ML backend URL is ``dimtag serve`` gets the
model's dimension (and role) as pre-annotations with scores. The labeling
config is read to find the names: the ``<Choices>`` whose values are the
dimensions (by id or Chinese name), the one whose values are the roles,
and the ``<Text>`` object they label, whose ``value="$field"`` names the
task's data field. :func:`dimtag.learn.tasks.label_config` writes a config
that fits.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..dimensions import Dimension
from ..learn.tasks import DIMENSION_CONTROL, DIMENSION_NAMES, ROLE_CONTROL, ROLE_NAMES, TEXT_OBJECT, model_version, prediction
from .problems import Problem
from .routes import check_texts, in_thread, read_json, state_of, tag_texts

__all__ = ["Controls", "read_config", "LABEL_STUDIO_ROUTES"]

# A labeling config is a page of XML; anything this long is not one.
_MAX_CONFIG_CHARS = 200_000


@dataclass(frozen=True)
class Controls:
    """Where predictions go in a labeling config, and the choice value for each of dimtag's labels."""

    dimension: str = DIMENSION_CONTROL
    role: str | None = ROLE_CONTROL
    to_name: str = TEXT_OBJECT
    data_key: str = TEXT_OBJECT
    values: tuple[tuple[str, str], ...] = ()

    def value(self, label: str) -> str:
        """The config's choice value for one of dimtag's dimension or role ids."""
        return dict(self.values).get(label, label)


def read_config(config: str | None) -> Controls:
    """The controls of a labeling config; dimtag's own names when there is none.

    >>> c = read_config('<View><Text name="t" value="$sentence"/><Choices name="dim" toName="t">'
    ...                 '<Choice value="理论学习"/><Choice value="政治素质"/></Choices></View>')
    >>> c.dimension, c.role, c.data_key, c.value("theory")
    ('dim', None, 'sentence', '理论学习')
    """
    if not config:
        return Controls()
    if len(config) > _MAX_CONFIG_CHARS:
        raise Problem(413, "config-too-large", f"the labeling config has {len(config):,} characters; the limit is {_MAX_CONFIG_CHARS:,}")
    try:
        root = ET.fromstring(config)
    except ET.ParseError as exc:
        raise Problem(422, "bad-label-config", f"the labeling config is not XML: {exc}") from None
    objects = {el.get("name"): el.get("value", "") for el in root.iter() if el.tag != "Choices" and el.get("name")}
    dimension = role = None
    for choices in root.iter("Choices"):
        values = [c.get("alias") or c.get("value") or "" for c in choices.iter("Choice")]
        dims = {DIMENSION_NAMES[v]: v for v in values if v in DIMENSION_NAMES}
        roles = {ROLE_NAMES[v]: v for v in values if v in ROLE_NAMES}
        if len(dims) >= 2 and dimension is None:
            dimension = (choices, dims)
        elif len(roles) >= 2 and role is None:
            role = (choices, roles)
    if dimension is None:
        raise Problem(422, "bad-label-config", "the labeling config has no <Choices> whose values are dimtag's dimensions "
                      f"(ids or Chinese names: {', '.join(d.value for d in Dimension)})")
    element, dims = dimension
    to_name = element.get("toName") or TEXT_OBJECT
    value = objects.get(to_name, "$" + TEXT_OBJECT)
    return Controls(
        dimension=element.get("name") or DIMENSION_CONTROL, role=role[0].get("name") if role else None, to_name=to_name,
        data_key=value[1:] if value.startswith("$") else TEXT_OBJECT,
        values=tuple(dims.items()) + (tuple(role[1].items()) if role else ()),
    )


async def post_setup(request: Request) -> Response:
    state = state_of(request)
    body = await read_json(request, state.limits)
    if not isinstance(body, dict):
        raise Problem(422, "invalid-request", "send the project's setup object")
    read_config(body.get("schema"))  # a config that cannot work is refused now, not at each prediction
    return JSONResponse({"model_version": model_version(state.tagger)})


async def post_predict(request: Request) -> Response:
    state = state_of(request)
    body = await read_json(request, state.limits)
    if not isinstance(body, dict) or not isinstance(body.get("tasks"), list):
        raise Problem(422, "invalid-request", 'send {"tasks": [{"data": {"text": "…"}}, …], "label_config": "…"}')
    controls = read_config(body.get("label_config"))
    texts = []
    for i, task in enumerate(body["tasks"]):
        data = task.get("data") if isinstance(task, dict) else None
        text = data.get(controls.data_key) if isinstance(data, dict) else None
        if not isinstance(text, str):
            raise Problem(422, "invalid-request", f"tasks[{i}].data.{controls.data_key} must be a string", index=i)
        texts.append(text)
    check_texts(texts, state.limits, name="tasks")
    results = await in_thread(tag_texts, state.tagger, texts, None, limiter=state.tagging)
    version = model_version(state.tagger)
    predictions = []
    for r in results:
        predictions.append(prediction(
            r["dimension"], r["score"], version, r["role"], r["role_score"],
            dimension_control=controls.dimension, role_control=controls.role, to_name=controls.to_name, values=dict(controls.values),
        ))
    return JSONResponse({"results": predictions, "model_version": version})


async def post_webhook(request: Request) -> Response:
    # Label Studio posts annotation events here to trigger training; dimtag trains offline (dimtag import-labels, train).
    return JSONResponse({"status": "ok", "trained": False})


#: The routes Label Studio calls.
LABEL_STUDIO_ROUTES = [
    Route("/setup", post_setup, methods=["POST"]),
    Route("/predict", post_predict, methods=["POST"]),
    Route("/webhook", post_webhook, methods=["POST"]),
]
