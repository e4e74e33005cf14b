"""What every API answer of a refusal looks like, for the apps' routers and
`config/api.py` alike: a 400 lists each bad parameter or field in `errors`."""

from __future__ import annotations

from collections.abc import Mapping

from ninja import Schema
from typing_extensions import TypedDict  # pydantic takes typing's only from Python 3.12

# One bad parameter or field: its name, where it was (query, path, body, file), and why.
# A TypedDict rather than a Schema because "in" is a keyword.
ParamError = TypedDict("ParamError", {"param": str, "in": str, "message": str})


class InvalidOut(Schema):
    detail: str
    errors: list[ParamError]


def field_errors(errors: Mapping[str, str], *, where: str = "body") -> list[ParamError]:
    """Field → message, as services raise them, in the API's list of bad parameters."""
    return [{"param": name, "in": where, "message": message} for name, message in errors.items()]
