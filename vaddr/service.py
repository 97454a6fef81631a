"""The HTTP service (`vaddr serve`): address correction and line OCR for back ends in any language.

A thin layer: every endpoint calls the same functions as the library and the commands (`vaddr.correct`,
`vaddr.convert`, `vaddr.reader.Reader`) and returns the same pydantic models, so the JSON is the one of
``vaddr-correct --json`` / ``vaddr-ocr --json`` (schema: ``vaddr schema``, or ``/openapi.json`` here).

Endpoints: ``GET /health``; ``POST /correct`` (``{"text": ...}`` -> Address, ``{"texts": [...]}`` ->
``{"results": [Address...]}``); ``POST /convert``; ``POST /ocr`` (multipart ``file`` uploads, or JSON
``{"images": [base64...]}``) -> ``{"results": [OcrResult...]}``; docs at ``/docs``.

Bad input gets a 4xx with ``{"error": "one line saying what is wrong", "detail": ...}``: 400 malformed body
or base64, 413 body over the size limit (checked before it is read whole), 415 unsupported content type,
422 a value the models reject (or no uploaded image could be read). Needs the ``serve`` extra
(``pip install "vaddr[serve]"``: FastAPI, uvicorn, python-multipart).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any, Literal

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vaddr.types import Address, OcrResult

__all__ = ["Limits", "create_app"]

log = logging.getLogger(__name__)

Tone = Literal["auto", "old", "new"]
Case = Literal["title", "upper", "lower", "keep"]
SchemeOpt = Literal["legacy", "2025"]


class Limits(BaseModel):
    """Request bounds: what one request may cost the server."""

    max_body_bytes: int = Field(default=16 * 1024 * 1024, description="Largest request body accepted (413 above).")
    max_lines: int = Field(default=1000, description="Most lines in one /correct batch.")
    max_chars: int = Field(default=1000, description="Longest address line accepted (an address is < 200).")
    max_images: int = Field(default=64, description="Most images in one /ocr request.")


# --- request and response models ----------------------------------------------------------------------------


class CorrectOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme: SchemeOpt = "legacy"
    tone: Tone = "auto"
    case: Case = "title"
    alternatives: int = Field(default=0, ge=0, le=20)


class CorrectRequest(CorrectOptions):
    """Give ``text`` (one line -> an Address) or ``texts`` (a batch -> ``{"results": [...]}``), not both."""

    text: str | None = Field(default=None, examples=["thon 1 ea ktur cu kuin dak lak"])
    texts: list[str] | None = Field(default=None, examples=[["p 7 q 3 tp hcm", "hoa binh"]])

    @model_validator(mode="after")
    def _one_of(self) -> CorrectRequest:
        if (self.text is None) == (self.texts is None):
            raise ValueError("give exactly one of 'text' (one line) or 'texts' (a list of lines)")
        return self


class CorrectBatch(BaseModel):
    results: list[Address]


class ConvertRequest(BaseModel):
    """A legacy address as text or as an Address (e.g. from /correct) -> the 2025 structure."""

    model_config = ConfigDict(extra="forbid")

    address: str | Address = Field(examples=["Tổ 9 Trần Phú Hoàng Mai Hà Nội"])
    tone: Tone = "auto"
    case: Case = "title"


class OcrOptions(CorrectOptions):
    top_k: int = Field(default=10, ge=1, le=100)
    raw: bool = Field(default=False, description="Skip the corrector.")


class OcrJsonRequest(OcrOptions):
    images: list[str] = Field(description="Base64-encoded image files (a data: URL prefix is allowed).")


class OcrResponse(BaseModel):
    results: list[OcrResult]


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str
    backend: str
    backends: list[str]
    limits: Limits


class ErrorBody(BaseModel):
    error: str = Field(description="One line saying what is wrong with the request.")
    detail: Any = None


# --- body size limit ---------------------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse bodies over ``limit`` bytes with 413: from Content-Length before reading, else while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def _reject(self, send: Send) -> None:
        body = json.dumps({"error": f"request body too large (limit {self.limit} bytes)"}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = False
                if too_big:
                    await self._reject(send)
                    return
        seen = 0
        started = False
        exceeded = False

        async def limited_receive() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # the app caught our exception (e.g. as a body parse error): answer 413 instead
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._reject(send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(send)


# --- the app -------------------------------------------------------------------------------------------------


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p != "body"]
    return ".".join(parts) or "body"


def _decode_b64(data: str, index: int) -> bytes:
    if data.startswith("data:"):
        _, _, data = data.partition(",")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise HTTPException(400, f"images[{index}]: not valid base64") from None


def create_app(backend: str = "crnn", threads: int = 1, limits: Limits | None = None) -> FastAPI:
    """The FastAPI application. ``backend``/``threads``: the recognizer used by /ocr (loaded on first use)."""
    from vaddr import __version__

    limits = limits or Limits()
    app = FastAPI(
        title="vaddr",
        version=__version__,
        description="Correct Vietnamese address lines and read photos of handwritten ones. "
        "Errors: 4xx with {error, detail}. Schema of the results: the components below.",
        responses={
            400: {"model": ErrorBody},
            413: {"model": ErrorBody},
            415: {"model": ErrorBody},
            422: {"model": ErrorBody},
        },
    )
    app.add_middleware(BodyLimit, limit=limits.max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method == "POST" and request.url.path in ("/correct", "/convert") and ctype != "application/json":
            return JSONResponse({"error": f"content type {ctype or 'none'!r}: send application/json"}, 415)
        errors = exc.errors()
        first = errors[0] if errors else {}
        msg = f"{_location(first.get('loc', ()))}: {first.get('msg', 'invalid request')}"
        if first.get("type") == "json_invalid":
            return JSONResponse({"error": f"body is not valid JSON: {first.get('ctx', {}).get('error', '')}"}, 400)
        detail = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in errors]
        return JSONResponse({"error": msg, "detail": detail}, 422)

    @app.exception_handler(StarletteHTTPException)  # also FastAPI's HTTPException, and 404/405 from routing
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail: Any = exc.detail  # our own 422 for /ocr carries a dict ({error, detail})
        if isinstance(detail, dict):
            return JSONResponse(detail, exc.status_code)
        return JSONResponse({"error": str(exc.detail)}, exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # a bug: say so in one line, log it
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"error": f"internal error: {type(exc).__name__}"}, 500)

    def check_lines(lines: list[str]) -> None:
        if len(lines) > limits.max_lines:
            raise HTTPException(413, f"{len(lines)} lines in one request (limit {limits.max_lines})")
        for i, line in enumerate(lines):
            if len(line) > limits.max_chars:
                raise HTTPException(422, f"texts[{i}]: {len(line)} characters (limit {limits.max_chars})")
            if not line.strip():
                raise HTTPException(422, f"texts[{i}]: empty line")
            if any("\ud800" <= c <= "\udfff" for c in line):  # a lone surrogate: not text, cannot be answered
                raise HTTPException(422, f"texts[{i}]: invalid Unicode (lone surrogate or invalid UTF-8)")

    @app.get("/health", response_model=Health, summary="Liveness and configuration")
    def health() -> Health:
        from vaddr.ocr_backends import available

        return Health(version=__version__, backend=backend, backends=available(), limits=limits)

    @app.post("/correct", response_model=Address | CorrectBatch, summary="Correct one line or a batch")
    def correct_endpoint(req: CorrectRequest) -> Address | CorrectBatch:
        from vaddr.corrector import correct

        opts = req.model_dump(include={"scheme", "tone", "case", "alternatives"})
        if req.text is not None:
            check_lines([req.text])
            return correct(req.text, **opts)
        assert req.texts is not None
        check_lines(req.texts)
        return CorrectBatch(results=[correct(t, **opts) for t in req.texts])

    @app.post("/convert", response_model=Address, summary="Legacy 3-level address -> 2025 2-level structure")
    def convert_endpoint(req: ConvertRequest) -> Address:
        from vaddr.corrector import convert

        if isinstance(req.address, str):
            check_lines([req.address])
        else:
            try:
                req.address.model_dump_json()
            except ValueError:  # a string field with a lone surrogate cannot be answered as UTF-8 JSON
                raise HTTPException(422, "address: invalid Unicode (lone surrogate)") from None
        return convert(req.address, tone=req.tone, case=req.case)

    def read_images(items: list[tuple[str, bytes]], opts: OcrOptions) -> OcrResponse:
        from vaddr.reader import Reader

        if not items:
            raise HTTPException(400, "no image given (multipart field 'file', or JSON 'images')")
        if len(items) > limits.max_images:
            raise HTTPException(413, f"{len(items)} images in one request (limit {limits.max_images})")
        reader = Reader(
            backend,
            top_k=opts.top_k,
            correct=not opts.raw,
            scheme=opts.scheme,
            tone=opts.tone,
            case=opts.case,
            alternatives=opts.alternatives,
            threads=threads,
        )
        results = []
        for (name, _), r in zip(items, reader.read([data for _, data in items]), strict=True):
            error = None if r.error is None else r.error.replace(r.file, name, 1)
            results.append(r.model_copy(update={"file": name, "error": error}))
        if all(r.error is not None for r in results):
            first = results[0].error
            raise HTTPException(
                422, {"error": f"no image could be read: {first}", "detail": [r.model_dump() for r in results]}
            )
        return OcrResponse(results=results)

    ocr_bodies = {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
                            **{k: v for k, v in OcrOptions.model_json_schema()["properties"].items()},
                        },
                        "required": ["file"],
                    }
                },
                "application/json": {"schema": OcrJsonRequest.model_json_schema()},
            },
        }
    }

    @app.post(
        "/ocr",
        response_model=OcrResponse,
        summary="Read line images: multipart uploads (field 'file', repeatable) or JSON base64",
        openapi_extra=ocr_bodies,
    )
    async def ocr_endpoint(request: Request) -> OcrResponse:
        from starlette.concurrency import run_in_threadpool

        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/json":
            raw = await request.body()
            try:
                body = OcrJsonRequest.model_validate_json(raw)
            except ValueError as e:
                errors: list[Any] = getattr(e, "errors", lambda: [])()
                if errors and errors[0].get("type") == "json_invalid":
                    raise HTTPException(400, "body is not valid JSON") from None
                raise RequestValidationError(errors) from None
            items = [(f"images[{i}]", _decode_b64(s, i)) for i, s in enumerate(body.images)]
            opts: OcrOptions = body
        elif ctype == "multipart/form-data":
            form = await request.form(max_files=limits.max_images + 1, max_fields=50)
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            try:
                opts = OcrOptions.model_validate(fields)
            except ValueError as e:
                raise RequestValidationError(getattr(e, "errors", lambda: [])()) from None
            uploads = [v for k, v in form.multi_items() if k == "file" and not isinstance(v, str)]
            items = [(u.filename or f"file[{i}]", await u.read()) for i, u in enumerate(uploads)]
        else:
            raise HTTPException(415, f"content type {ctype or 'none'!r}: send multipart/form-data or application/json")
        return await run_in_threadpool(read_images, items, opts)

    return app
