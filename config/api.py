"""The JSON API at /api/v1/: each app contributes a router; errors map to JSON here, once."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from langso.accounts.api import router as accounts_router
from langso.core.api import router as core_router
from langso.core.errors import DomainError
from langso.criteria.api import router as criteria_router
from langso.indicators.api import router as indicators_router
from langso.places.api import router as places_router
from langso.registry.api import router as registry_router
from langso.surveys.api import router as surveys_router

api = NinjaAPI(
    title="Làng Số API",
    version="1",
    description=(
        "Đơn vị hành chính, phân quyền và dữ liệu của Làng Số. "
        "Administrative units, roles and data of Làng Số."
    ),
    urls_namespace="api",
)
api.add_router("", places_router)
api.add_router("", accounts_router)
api.add_router("", registry_router)
api.add_router("", surveys_router)
api.add_router("", indicators_router)
api.add_router("", criteria_router)
api.add_router("", core_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(RawPostDataException)
def unreadable_body(
    request: HttpRequest, exc: MultiPartParserError | RawPostDataException
) -> HttpResponse:
    """A body that cannot be parsed as it says it is (a broken multipart), or a form sent
    where JSON is read: the session's CSRF check has already consumed it as a form."""
    return api.create_response(
        request,
        {
            "detail": _(
                "Nội dung yêu cầu không đọc được: gửi JSON (Content-Type: application/json) "
                "hoặc tệp theo multipart/form-data hợp lệ."
            )
        },
        status=400,
    )


@api.exception_handler(ValidationError)
def bad_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """400 naming each bad parameter, instead of ninja's default 422."""
    errors = [
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
