"""Upload pages refuse a request over their limit from its declared length, unread."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from langso.core.uploads import upload_size_limit

MB = 1024 * 1024


@upload_size_limit(5 * MB)
def _page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(len(request.FILES)))


class _Unreadable:
    """A request body that fails if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body of a refused request must not be read")

    readline = read


def test_a_post_declaring_more_than_the_limit_is_refused_unread() -> None:
    """A POST declaring 6 GB answers 413 naming the limit, without its body being read."""
    request = RequestFactory().post("/", {})
    request.META["CONTENT_LENGTH"] = str(6 * 1024 * MB)
    # Django reads the body from this stream when the form's fields are first asked for.
    request._stream = _Unreadable()  # type: ignore[assignment]  # a stand-in that refuses
    response = _page(request)
    assert response.status_code == 413
    assert "lớn hơn 5 MB" in response.content.decode()


def test_a_post_within_the_limit_and_any_get_reach_the_page() -> None:
    """A file under the limit (with the form's own fields around it) and a GET pass."""
    factory = RequestFactory()
    assert _page(factory.post("/", {"period": "2026"})).status_code == 200
    assert _page(factory.get("/")).status_code == 200
