"""The JSON API at /api/v1/: each app contributes a router; errors map to JSON here, once."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from langso.accounts.api import router as accounts_router
from langso.announcements.api import router as announcements_router
from langso.core.api import router as core_router
from langso.core.errors import DomainError, FieldsInvalid
from langso.core.schemas import ParamError, field_errors
from langso.criteria.api import router as criteria_router
from langso.dashboards.api import router as dashboards_router
from langso.indicators.api import router as indicators_router
from langso.places.api import router as places_router
from langso.plans.api import router as plans_router
from langso.recognition.api import router as recognition_router
from langso.registry.api import router as registry_router
from langso.surveys.api import router as surveys_router


def _nul_refused() -> str:
    return gettext("Không được chứa ký tự NUL (\\x00).")


class NulInBody(ValueError):
    """A JSON body with a NUL character in the field `param`."""

    def __init__(self, param: str) -> None:
        super().__init__(param)
        self.param = param


def _nul_in(data: object, path: str = "") -> str | None:
    """The dotted path of the first string holding a NUL in `data`, if any."""
    if isinstance(data, str):
        return path if "\x00" in data else None
    items: list[tuple[str, object]] = []
    if isinstance(data, dict):
        items = [(str(key), value) for key, value in data.items()]
    elif isinstance(data, list):
        items = [(str(index), value) for index, value in enumerate(data)]
    for key, value in items:
        found = _nul_in(value, f"{path}.{key}" if path else key)
        if found is not None:
            return found
    return None


class NulRefusingParser(Parser):
    """PostgreSQL cannot store a NUL character (it answers an error, which was a 500):
    query parameters, form fields and JSON bodies holding one are refused here, by name,
    before anything reads the database."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        param = _nul_in(data)
        if param is not None:
            raise NulInBody(param)  # ninja answers it as a HttpError 400, caused by this
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        where = "query" if data is request.GET else "form"
        for key, values in data.lists():
            if any(isinstance(v, str) and "\x00" in v for v in [key, *values]):
                raise ValidationError(
                    [{"loc": (where, key.replace("\x00", "")), "msg": _nul_refused()}]
                )
        return super().parse_querydict(data, list_fields, request)


class LangSoAPI(NinjaAPI):
    """The API whose OpenAPI document also says what the error mapping below answers,
    on every operation, so that the document describes every response."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema


_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_PARAM_ERROR = {
    "type": "object",
    "properties": {
        "param": {"type": "string"},
        "in": {"type": "string"},
        "message": {"type": "string"},
    },
    "required": ["param", "in", "message"],
}
_BAD_REQUEST = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ParamError"}},
    },
    "required": ["detail"],
}
_ERRORS = {
    "400": ("Tham số hoặc dữ liệu không hợp lệ / invalid input", "BadRequest"),
    "401": ("Chưa đăng nhập / not signed in", "Error"),
    "403": ("Không có quyền / outside the caller's scope", "Error"),
    "404": ("Không tìm thấy / not found (or not visible to the caller)", "Error"),
}
# What a `format` parameter may ask for, and the media type of the answer.
_FORMATS = {"geojson": "application/geo+json", "csv": "text/csv"}


def document_errors(schema: OpenAPISchema) -> None:
    """Add what `config/api.py` answers on every operation: 400 for bad input (`errors`
    lists each bad parameter), 401 where a sign-in is needed, 403 and 404 for domain
    errors; and the other media types a `format` parameter selects."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, body in (
        ("Error", _ERROR),
        ("ParamError", _PARAM_ERROR),
        ("BadRequest", _BAD_REQUEST),
    ):
        components.setdefault(name, body)
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            for status, (description, component) in _ERRORS.items():
                if status == "401" and not operation.get("security"):
                    continue
                reference = {"$ref": f"#/components/schemas/{component}"}
                declared = responses.get(int(status))
                if declared is None:
                    responses[int(status)] = {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    }
                elif status == "400":
                    # The operation's own refusal (rows of a file, fields of a record),
                    # or bad parameters, which every operation may meet first.
                    content = declared["content"]["application/json"]
                    content["schema"] = {"anyOf": [content["schema"], reference]}
            _document_formats(operation)


def _document_formats(operation: dict[str, Any]) -> None:
    formats = next(
        (p["schema"] for p in operation.get("parameters", []) if p["name"] == "format"), None
    )
    if formats is None:
        return
    offered = f"{formats.get('pattern', '')} {' '.join(formats.get('enum', []))}"
    for status, response in operation["responses"].items():
        if str(status).startswith("2") and "content" in response:
            for name, media_type in _FORMATS.items():
                if name in offered:
                    response["content"][media_type] = {"schema": {}}


api = LangSoAPI(
    title="Làng Số API",
    version="1",
    description=(
        "Đơn vị hành chính, phân quyền và dữ liệu của Làng Số. "
        "Administrative units, roles and data of Làng Số."
    ),
    urls_namespace="api",
    parser=NulRefusingParser(),
)


def _refuse_nul_in_path(
    run: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Path parameters never reach the parser: the same NUL refusal for them, before
    ninja reads anything (a "view" decorator runs outside its error mapping, hence the
    explicit on_exception)."""

    @wraps(run)
    def checked(request: HttpRequest, **path: Any) -> HttpResponseBase:
        for name, value in path.items():
            if isinstance(value, str) and "\x00" in value:
                refusal = ValidationError([{"loc": ("path", name), "msg": _nul_refused()}])
                return api.on_exception(request, refusal)
        return run(request, **path)

    return checked


api.add_decorator(_refuse_nul_in_path, mode="view")
api.add_router("", places_router)
api.add_router("", accounts_router)
api.add_router("", registry_router)
api.add_router("", surveys_router)
api.add_router("", indicators_router)
api.add_router("", criteria_router)
api.add_router("", recognition_router)
api.add_router("", plans_router)
api.add_router("", announcements_router)
api.add_router("", dashboards_router)
api.add_router("", core_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(FieldsInvalid)
def fields_invalid(request: HttpRequest, exc: FieldsInvalid) -> HttpResponse:
    """Bad values for one object (the operation's `InvalidOut`): 400 naming each field."""
    body = {"detail": exc.message, "errors": field_errors(exc.errors)}
    return api.create_response(request, body, status=400)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals. Its one 400 is a body it cannot parse: that answers in the
    shape of bad input, in Vietnamese; the others (401 …) as ninja words them."""
    if exc.status_code != 400:
        return api.create_response(request, {"detail": exc.message}, status=exc.status_code)
    if isinstance(exc.__cause__, NulInBody):
        param = exc.__cause__.param
        detail = f"Tham số không hợp lệ: {param}"
        errors: list[ParamError] = [{"param": param, "in": "body", "message": _nul_refused()}]
        return api.create_response(request, {"detail": detail, "errors": errors}, status=400)
    message = gettext("Không đọc được nội dung yêu cầu: cần JSON hợp lệ, mã hoá UTF-8.")
    errors = [{"param": "", "in": "body", "message": message}]
    return api.create_response(request, {"detail": message, "errors": errors}, status=400)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(RawPostDataException)
def unreadable_body(
    request: HttpRequest, exc: MultiPartParserError | RawPostDataException
) -> HttpResponse:
    """A body that cannot be parsed as it says it is (a broken multipart), or a form sent
    where JSON is read: the session's CSRF check has already consumed it as a form."""
    message = gettext(
        "Nội dung yêu cầu không đọc được: gửi JSON (Content-Type: application/json) "
        "hoặc tệp theo multipart/form-data hợp lệ."
    )
    errors: list[ParamError] = [{"param": "", "in": "body", "message": message}]
    return api.create_response(request, {"detail": message, "errors": errors}, status=400)


@api.exception_handler(ValidationError)
def bad_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """400 naming each bad parameter, instead of ninja's default 422."""
    errors: list[ParamError] = [
        {
            "param": str(error["loc"][-1]) if error.get("loc") else "",
            "in": str(error["loc"][0]) if error.get("loc") else "",
            "message": error.get("msg", ""),
        }
        for error in exc.errors
    ]
    names = ", ".join(e["param"] for e in errors)
    return api.create_response(
        request,
        {"detail": f"Tham số không hợp lệ: {names}", "errors": errors},
        status=400,
    )
