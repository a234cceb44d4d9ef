"""The OpenAPI 3.1 schema of the service, written once here and served at ``/openapi.json``.

The record schema is built from :data:`dimtag.RECORD_FIELDS`, so a field
added to records appears here too; the limits are the running service's.
Tests validate real responses against it.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..document import RECORD_FIELDS
from .limits import Limits
from .problems import PROBLEM_MEDIA_TYPE
from .routes import REPORT_FORMATS

__all__ = ["openapi_schema"]

_NUM, _INT, _STR, _BOOL = {"type": "number"}, {"type": "integer"}, {"type": "string"}, {"type": "boolean"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


# Types of the record fields; a field missing here is documented as any value.
_RECORD_TYPES: dict[str, dict[str, Any]] = {
    "file": _STR, "index": _INT, "start": _INT, "end": _INT, "role": _STR, "role_score": _NUM,
    "dimension": _nullable(_STR), "dimension_zh": _nullable(_STR), "score": _NUM, "by": _STR, "model_dimension": _STR,
    "model_score": _NUM, "point": _nullable(_INT), "section": _STR, "heading": _nullable(_STR), "headings": _STR, "text": _STR,
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problems(*statuses: int) -> dict[str, Any]:
    return {str(s): {"description": "an RFC 7807 problem", "content": {PROBLEM_MEDIA_TYPE: {"schema": _ref("Problem")}}} for s in statuses}


def _schemas(limits: Limits) -> dict[str, Any]:
    choice = _obj(["id", "from_name", "to_name", "type", "value", "score"], id=_STR, from_name=_STR, to_name=_STR,
                  type={"const": "choices"}, value=_obj(["choices"], choices={"type": "array", "items": _STR}), score=_NUM)
    return {
        "Problem": _obj(["type", "title", "status", "detail"], type=_STR, title=_STR, status=_INT, detail=_STR, instance=_STR),
        "TagRequest": _obj(
            ["texts"], texts={"type": "array", "maxItems": limits.max_items, "items": {**_STR, "maxLength": limits.max_item_chars}},
            min_score=_nullable({**_NUM, "minimum": 0, "maximum": 1}),
        ),
        "TagResult": _obj(
            ["index", "dimension", "dimension_zh", "score", "best", "role", "role_score", "scores"],
            index=_INT, dimension=_nullable(_STR), dimension_zh=_nullable(_STR), score=_NUM, best=_STR, role=_nullable(_STR),
            role_score=_nullable(_NUM), scores={"type": "object", "additionalProperties": _NUM},
        ),
        "TagResponse": _obj(["model_version", "results"], model_version=_STR, results={"type": "array", "items": _ref("TagResult")}),
        "Record": _obj(list(RECORD_FIELDS), **{f: _RECORD_TYPES.get(f, {}) for f in RECORD_FIELDS}),
        "Document": _obj(
            ["name", "records", "headings", "dropped"], name=_STR, records={"type": "array", "items": _ref("Record")},
            headings={"type": "array", "items": _obj(["kind", "level", "text", "start", "end"], kind=_STR, level=_INT, text=_STR,
                                                     start=_INT, end=_INT)},
            dropped={"type": "array", "items": _obj(["start", "end", "reason", "text"], start=_INT, end=_INT, reason=_STR, text=_STR)},
        ),
        "DocumentsResponse": _obj(["model_version", "documents", "skipped"], model_version=_STR,
                                  documents={"type": "array", "items": _ref("Document")}, skipped={"type": "array", "items": _STR}),
        "DocumentsJson": _obj(["documents"], documents={"type": "array", "maxItems": limits.max_files, "items": _obj(
            ["text"], name=_STR, text={**_STR, "maxLength": limits.max_document_chars})}, min_score=_nullable(_NUM)),
        "Upload": {"type": "object", "properties": {
            "files": {"type": "array", "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                      "description": ".txt, .docx or .zip files"},
            "text": {**_STR, "description": "a document's text (repeatable)"},
            "format": {"enum": list(REPORT_FORMATS), "description": "/v1/report only; else the Accept header decides"},
            "expect": {**_STR, "description": "/v1/report: required dimensions, comma-separated ids or Chinese names"},
            "formula_share": {**_STR, "description": "/v1/report: share of documents that makes a phrase formula language (default 0.25)"},
            "include_html": {**_STR, "description": "/v1/report, JSON: true to add the HTML report as html"},
            "min_score": {**_STR, "description": "abstain below this score, 0 to 1"},
        }},
        "ReportResponse": _obj(
            ["model_version", "expect", "skipped", "tables"], model_version=_STR, expect={"type": "array", "items": _STR},
            skipped={"type": "array", "items": _STR}, html=_STR,
            tables=_obj(["documents", "coverage", "flags", "concreteness", "copying", "formulas", "sentences"],
                        **{t: {"type": "array", "items": {"type": "object"}}
                           for t in ("documents", "coverage", "flags", "concreteness", "copying", "formulas", "sentences")}),
        ),
        "ModelInfo": _obj(["model_version", "dimtag_version", "labels", "has_roles", "metadata", "limits"], model_version=_STR,
                          dimtag_version=_STR, labels={"type": "array", "items": _STR}, has_roles=_BOOL, metadata={"type": "object"},
                          limits=_obj(list(limits.as_dict()), **{k: _NUM for k in limits.as_dict()})),
        "Health": _obj(["status", "model_class", "model_version", "auth"], status={"const": "UP"}, model_class=_STR,
                       model_version=_STR, auth=_BOOL),
        "Prediction": _obj(["model_version", "score", "result"], model_version=_STR, score=_NUM, result={"type": "array", "items": choice}),
        "PredictRequest": _obj(["tasks"], tasks={"type": "array", "items": _obj(["data"], data={"type": "object"})},
                               label_config=_STR, project=_STR, params={"type": "object"}),
        "PredictResponse": _obj(["results", "model_version"], results={"type": "array", "items": _ref("Prediction")}, model_version=_STR),
        "SetupRequest": _obj([], project=_STR, schema=_STR, hostname=_STR, access_token=_STR),
        "SetupResponse": _obj(["model_version"], model_version=_STR),
    }


def _post(summary: str, request: dict[str, Any], ok: dict[str, Any], *errors: int) -> dict[str, Any]:
    return {"post": {"summary": summary, "requestBody": {"required": True, "content": request}, "responses": {"200": ok, **_problems(*errors)}}}


def openapi_schema(limits: Limits) -> dict[str, Any]:
    """The whole OpenAPI document for a service running with ``limits``."""
    uploads = {"multipart/form-data": {"schema": _ref("Upload")}, "application/json": {"schema": _ref("DocumentsJson")}}
    common = (400, 401, 408, 413, 415, 422, 503)
    report_ok = {"description": "the report (format field, else Accept)", "content": {
        "application/json": {"schema": _ref("ReportResponse")}, REPORT_FORMATS["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
        "text/html": {"schema": _STR}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "dimtag", "version": __version__,
                 "description": "Tag Chinese self-criticism materials by dimension; a reviewer's report; a Label Studio ML backend. "
                                "Every error is application/problem+json (RFC 7807). Limits: " +
                                ", ".join(f"{k}={v}" for k, v in limits.as_dict().items())},
        "components": {"schemas": _schemas(limits),
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                                     "description": "required when the service listens on an address other than loopback"}}},
        "paths": {
            "/v1/tag": _post("Tag sentences", {"application/json": {"schema": _ref("TagRequest")}},
                             _json(_ref("TagResponse"), "one result per text, in order"), 400, 401, 408, 413, 415, 422, 503),
            "/v1/documents": _post("Tag whole documents", uploads, _json(_ref("DocumentsResponse"), "each document's records"), *common),
            "/v1/report": _post("A reviewer's report on a set of documents or a zip", uploads, report_ok, *common, 501),
            "/v1/model": {"get": {"summary": "The model's metadata and the service's limits",
                                  "responses": {"200": _json(_ref("ModelInfo"), "metadata"), **_problems(401)}}},
            "/health": {"get": {"summary": "Health (Label Studio calls it too)", "responses": {"200": _json(_ref("Health"), "up")}}},
            "/setup": _post("Label Studio: connect a project", {"application/json": {"schema": _ref("SetupRequest")}},
                            _json(_ref("SetupResponse"), "the model version"), 400, 401, 415, 422),
            "/predict": _post("Label Studio: pre-annotations", {"application/json": {"schema": _ref("PredictRequest")}},
                              _json(_ref("PredictResponse"), "one prediction per task"), 400, 401, 413, 415, 422),
            "/webhook": _post("Label Studio: events (acknowledged; dimtag trains offline)", {"application/json": {"schema": {"type": "object"}}},
                              _json(_obj(["status"], status=_STR, trained=_BOOL), "acknowledged"), 401),
            "/openapi.json": {"get": {"summary": "This schema", "responses": {"200": _json({"type": "object"}, "the schema")}}},
        },
        "security": [{"token": []}, {}],
    }
