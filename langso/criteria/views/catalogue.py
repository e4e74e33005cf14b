# Being written (helper): set_list, catalogue_import, set_detail, set_edit, thresholds_edit,
# assessment_enter, classification_edit.
from typing import Any


def _todo(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


set_list = catalogue_import = set_detail = set_edit = thresholds_edit = _todo
assessment_enter = classification_edit = _todo
