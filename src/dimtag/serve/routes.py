"""The REST API: ``/v1/tag``, ``/v1/documents``, ``/v1/report``, ``/v1/model`` and ``/health``.

Handlers check the request, then run the model's work in a worker thread
(:func:`in_thread`) so that the event loop keeps serving; documents are
received into a per-request folder (:mod:`.uploads`) that is gone when the
response is.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import __version__
from ..dimensions import Dimension
from ..document import TaggedDocument, tag_document
from ..errors import DocumentError
from ..learn.tasks import model_version
from ..reading import load_source
from ..tagger import Label, Tagger
from .limits import Limits
from .problems import Problem
from .uploads import Stored, Upload, receive_multipart, request_folder

__all__ = ["ServiceState", "ROUTES", "REPORT_FORMATS", "in_thread", "tag_texts", "read_json", "state_of", "check_texts"]

T = TypeVar("T")

#: ``/v1/report`` answers in these formats: a ``format`` field or the Accept header picks one.
REPORT_FORMATS = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


@dataclass
class ServiceState:
    """What every request shares: the model (loaded once per worker), the limits, where request folders go."""

    tagger: Tagger
    limits: Limits
    temp_root: str | None = None
    token_required: bool = False
    # Work at once, of each kind: one per core of the 2-core machines this runs on. More would only fight over the GIL
    # and hold memory while queueing inside numpy (benchmarks/serve.py measured no gain from more).
    heavy_at_once: int = 2
    tag_at_once: int = 2
    _heavy: anyio.CapacityLimiter | None = None
    _tag: anyio.CapacityLimiter | None = None

    @property
    def tagging(self) -> anyio.CapacityLimiter:
        """The limiter of ``/v1/tag`` and ``/predict`` work, made in the event loop on first use."""
        if self._tag is None:
            self._tag = anyio.CapacityLimiter(self.tag_at_once)
        return self._tag

    @property
    def heavy(self) -> anyio.CapacityLimiter:
        """The limiter of document and report work, made in the event loop on first use."""
        if self._heavy is None:
            self._heavy = anyio.CapacityLimiter(self.heavy_at_once)
        return self._heavy


def state_of(request: Request) -> ServiceState:
    """The service's shared state."""
    state: ServiceState = request.app.state.dimtag
    return state


async def in_thread(func: Callable[..., T], *args: Any, limiter: anyio.CapacityLimiter | None = None) -> T:
    """Run blocking work in a worker thread; a request that times out stops waiting for it (the thread's result is dropped)."""
    return await anyio.to_thread.run_sync(partial(func, *args), abandon_on_cancel=True, limiter=limiter)


async def read_json(request: Request, limits: Limits) -> Any:
    """The request body as JSON, or a 415/400 problem."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not kind.endswith("+json"):
        raise Problem(415, "unsupported-media-type", f"send application/json, not {kind or 'no Content-Type'}")
    body = await request.body()
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, "malformed-json", f"the body is not JSON: {exc}") from None


def _unit(value: Any, name: str) -> float | None:
    """A number from 0 to 1 (given as a number or a form string), or None when absent."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not (math.isfinite(number) and 0.0 <= number <= 1.0):
        raise Problem(422, "invalid-option", f"{name} must be a number from 0 to 1, got {value!r}", field=name)
    return number


def check_texts(texts: Any, limits: Limits, name: str = "texts") -> list[str]:
    """A list of strings within the limits, or the problem that says which item breaks them."""
    if not isinstance(texts, list):
        raise Problem(422, "invalid-request", f"{name} must be a list of strings", field=name)
    if len(texts) > limits.max_items:
        raise Problem(413, "too-many-items", f"{len(texts):,} {name}; the limit is {limits.max_items:,} per call", field=name)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise Problem(422, "invalid-request", f"{name}[{i}] must be a string, got {type(text).__name__}", field=name, index=i)
        if len(text) > limits.max_item_chars:
            raise Problem(413, "text-too-long", f"{name}[{i}] has {len(text):,} characters; the limit is {limits.max_item_chars:,} "
                          "(send a whole document to /v1/documents)", field=name, index=i)
    return texts


def tag_texts(tagger: Tagger, texts: Sequence[str], min_score: float | None) -> list[dict[str, Any]]:
    """One result per text, from one vectorized decision: dimension (None where it abstains), role and every score."""
    decisions = tagger.decide(list(texts), min_score=min_score)
    labels = [str(label) for label in tagger.labels_]
    # A custom model's labels show their display names (its framework) where it has them.
    zh = [label.zh if isinstance(label, Dimension) else tagger.metadata_.labels.get(str(label)) for label in tagger.labels_]
    proba = decisions.proba.round(4).tolist()
    has_roles = len(decisions.role) == len(texts)
    results = []
    for i, (best, abstain, score) in enumerate(zip(decisions.best.tolist(), decisions.abstain.tolist(), decisions.score.tolist())):
        results.append({
            "index": i,
            "dimension": None if abstain else labels[best],
            "dimension_zh": None if abstain else zh[best],
            "score": round(score, 4),
            "best": labels[best],
            "role": str(decisions.role[i]) if has_roles else None,
            "role_score": round(float(decisions.role_score[i]), 4) if has_roles else None,
            "scores": dict(zip(labels, proba[i])),
        })
    return results


async def post_tag(request: Request) -> Response:
    state = state_of(request)
    body = await read_json(request, state.limits)
    if not isinstance(body, dict):
        raise Problem(422, "invalid-request", 'send an object: {"texts": ["…", …]}')
    texts = check_texts(body.get("texts"), state.limits)
    min_score = _unit(body.get("min_score"), "min_score")
    results = await in_thread(tag_texts, state.tagger, texts, min_score, limiter=state.tagging)
    return JSONResponse({"model_version": model_version(state.tagger), "results": results})


def _read_one(stored: Stored, state: ServiceState, min_score: float | None) -> TaggedDocument:
    """Tag one received document with the CLI's guards, and the service's character limit."""
    with open(stored.path, "rb") as fh:
        source = load_source(fh, max_bytes=state.limits.max_document_bytes)
    if len(source.text) > state.limits.max_document_chars:
        raise Problem(413, "document-too-long", f"{stored.name}: {len(source.text):,} characters; the limit is "
                      f"{state.limits.max_document_chars:,}", name=stored.name)
    with open(stored.path, "rb") as fh:
        return tag_document(fh, name=stored.name, tagger=state.tagger, min_score=min_score)


def _tag_all(files: Sequence[Stored], state: ServiceState, min_score: float | None, skipped: list[str]) -> list[TaggedDocument]:
    docs = []
    for stored in files:
        try:
            docs.append(_read_one(stored, state, min_score))
        except DocumentError as exc:
            # The reader names the stored file; the client knows it by its own name.
            skipped.append(str(exc).replace(str(stored.path), stored.name))
    return docs


async def _receive(request: Request, state: ServiceState, folder: Path) -> Upload:
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() == "application/json":
        body = await read_json(request, state.limits)
        return _json_upload(body, state.limits, folder)
    return await receive_multipart(content_type, request.stream(), folder, state.limits)


def _json_upload(body: Any, limits: Limits, folder: Path) -> Upload:
    """``{"documents": [{"name": …, "text": …}], …options}``: raw texts, stored like uploads."""
    if not isinstance(body, dict) or not isinstance(body.get("documents"), list):
        raise Problem(422, "invalid-request", 'send {"documents": [{"name": "a.txt", "text": "…"}, …]} or multipart files')
    docs = body["documents"]
    if len(docs) > limits.max_files:
        raise Problem(413, "too-many-files", f"{len(docs):,} documents; the limit is {limits.max_files:,}")
    upload = Upload(fields={k: [str(v)] for k, v in body.items() if k != "documents" and v is not None})
    if "expect" in body and isinstance(body["expect"], list):
        upload.fields["expect"] = [",".join(map(str, body["expect"]))]
    for i, doc in enumerate(docs):
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            raise Problem(422, "invalid-request", f"documents[{i}] must be an object with a text", index=i)
        text = doc["text"]
        if len(text) > limits.max_document_chars:
            raise Problem(413, "document-too-long", f"documents[{i}]: {len(text):,} characters; the limit is {limits.max_document_chars:,}", index=i)
        path = folder / f"{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        upload.files.append(Stored(str(doc.get("name") or f"document-{i + 1}.txt"), path))
    return upload


def _with_texts(upload: Upload, folder: Path, limits: Limits) -> list[Stored]:
    """The uploaded files, then each ``text`` field as a document of its own."""
    files = list(upload.files)
    for i, text in enumerate(upload.fields.get("text", [])):
        if text.strip():
            if len(files) >= limits.max_files:
                raise Problem(413, "too-many-files", f"more than {limits.max_files} documents in one request")
            path = folder / f"text-{i:05d}.txt"
            path.write_text(text, encoding="utf-8")
            files.append(Stored(f"text-{i + 1}.txt", path))
    if not files:
        raise Problem(422, "no-documents", "no documents: send .txt, .docx or .zip files (field files) or a text field")
    return files


def _document_json(doc: TaggedDocument) -> dict[str, Any]:
    return {
        "name": doc.name, "records": doc.to_records(),
        "headings": [{"kind": h.kind, "level": h.level, "text": h.text, "start": h.start, "end": h.end} for h in doc.headings],
        "dropped": [asdict(d) for d in doc.dropped],
    }


async def post_documents(request: Request) -> Response:
    state = state_of(request)
    with request_folder(state.temp_root) as folder:
        upload = await _receive(request, state, folder)
        min_score = _unit(upload.value("min_score"), "min_score")
        files = _with_texts(upload, folder, state.limits)
        skipped = list(upload.skipped)
        docs = await in_thread(_tag_all, files, state, min_score, skipped, limiter=state.heavy)
        body = {"model_version": model_version(state.tagger), "documents": [_document_json(d) for d in docs], "skipped": skipped}
    return JSONResponse(body)


def _report_format(request: Request, upload: Upload) -> str:
    chosen = upload.value("format")
    if chosen:
        if chosen not in REPORT_FORMATS:
            raise Problem(422, "invalid-option", f"format must be one of {', '.join(REPORT_FORMATS)}, got {chosen!r}", field="format")
        return chosen
    accept = request.headers.get("accept", "")
    for name, media in REPORT_FORMATS.items():
        if name != "json" and media.split(";")[0] in accept:
            return name
    return "json"


def _expect(value: str | None) -> tuple[Label, ...]:
    from ..reporting.coverage import DEFAULT_EXPECT, parse_dimensions

    if value is None or not value.strip():
        return DEFAULT_EXPECT
    try:
        return parse_dimensions(v for v in value.replace("，", ",").split(",") if v.strip())
    except ValueError as exc:
        raise Problem(422, "invalid-option", f"expect: {exc}", field="expect") from None


def _build_report(
    files: Sequence[Stored], state: ServiceState, options: dict[str, Any], fmt: str, folder: Path, skipped: list[str]
) -> tuple[bytes, str]:
    from ..reporting.html import render_html
    from ..reporting.report import report

    docs = _tag_all(files, state, options["min_score"], skipped)
    if not docs:
        raise Problem(422, "no-readable-documents", "none of the documents could be read: " + "; ".join(skipped), skipped=skipped)
    rep = report(docs, expect=options["expect"], tagger=state.tagger, formula_share=options["formula_share"])
    rep.skipped = skipped + rep.skipped
    if fmt == "xlsx":
        try:
            (path,) = rep.write(folder / "report.xlsx")
        except ImportError as exc:
            raise Problem(501, "xlsx-unavailable", str(exc)) from None
        return path.read_bytes(), REPORT_FORMATS["xlsx"]
    html = render_html(rep.as_tables(), rep.texts, notes=rep.notes)
    if fmt == "html":
        return html.encode("utf-8"), REPORT_FORMATS["html"]
    body: dict[str, Any] = {
        "model_version": model_version(state.tagger), "expect": [str(d) for d in rep.expect], "skipped": rep.skipped,
        "tables": rep.tables,
    }
    if options["include_html"]:
        body["html"] = html
    return json.dumps(body, ensure_ascii=False, default=str).encode("utf-8"), REPORT_FORMATS["json"]


async def post_report(request: Request) -> Response:
    state = state_of(request)
    with request_folder(state.temp_root) as folder:
        upload = await _receive(request, state, folder)
        fmt = _report_format(request, upload)
        share = _unit(upload.value("formula_share"), "formula_share")
        options = {
            "expect": _expect(upload.value("expect")), "min_score": _unit(upload.value("min_score"), "min_score"),
            "formula_share": 0.25 if share is None else share,
            "include_html": (upload.value("include_html") or "").lower() in ("1", "true", "yes"),
        }
        files = _with_texts(upload, folder, state.limits)
        content, media = await in_thread(_build_report, files, state, options, fmt, folder, list(upload.skipped), limiter=state.heavy)
    headers = {"Content-Disposition": 'attachment; filename="report.xlsx"'} if fmt == "xlsx" else None
    return Response(content, media_type=media, headers=headers)


async def get_model(request: Request) -> Response:
    state = state_of(request)
    meta = asdict(state.tagger.metadata_)
    meta.pop("grid", None)  # the whole model-selection grid is for the evaluation report, not for clients
    return JSONResponse({
        "model_version": model_version(state.tagger), "dimtag_version": __version__,
        "labels": [str(label) for label in state.tagger.labels_], "has_roles": state.tagger.has_roles,
        "metadata": meta, "limits": state.limits.as_dict(),
    })


async def get_health(request: Request) -> Response:
    state = state_of(request)
    # Label Studio reads status and model_class; the page reads auth.
    return JSONResponse({"status": "UP", "model_class": "dimtag", "model_version": model_version(state.tagger),
                         "auth": state.token_required})


ROUTES = [
    Route("/v1/tag", post_tag, methods=["POST"]),
    Route("/v1/documents", post_documents, methods=["POST"]),
    Route("/v1/report", post_report, methods=["POST"]),
    Route("/v1/model", get_model, methods=["GET"]),
    Route("/health", get_health, methods=["GET"]),
]
