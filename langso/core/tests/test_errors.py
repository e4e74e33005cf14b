"""`FieldsInvalid`: field → reason, and the one message that joins them."""

from __future__ import annotations

from langso.core.errors import DomainError, FieldsInvalid


def test_the_message_joins_each_reason_after_its_field_label() -> None:
    by_mapping = FieldsInvalid({"name": "Thiếu.", "code": "Trùng."}, label={"name": "Tên"})
    assert by_mapping.message == "Tên: Thiếu.; code: Trùng."
    by_callable = FieldsInvalid({"name": "Thiếu."}, label=str.upper)
    assert by_callable.message == "NAME: Thiếu."


def test_without_a_label_the_message_is_the_reasons_alone() -> None:
    error = FieldsInvalid({"name": "Thiếu tên.", "village": "Chọn một thôn."})
    assert error.message == "Thiếu tên.; Chọn một thôn."
    assert error.errors == {"name": "Thiếu tên.", "village": "Chọn một thôn."}
    assert isinstance(error, DomainError)
    assert error.status_code == 400


def test_the_errors_are_a_copy_of_what_the_service_passed() -> None:
    given = {"name": "Thiếu."}
    error = FieldsInvalid(given)
    given["code"] = "Trùng."
    assert error.errors == {"name": "Thiếu."}
