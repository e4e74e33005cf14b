"""The plan pages: who reads and who edits which plan, what a target shows, the forms
with the service's checks, the spreadsheet of targets and the plan's file."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from langso.accounts.testing import client_for
from langso.core.testing import page_less_request
from langso.places.testing import make_province
from langso.plans.models import Plan, Target
from langso.plans.testing import plan_make
from langso.registry.testing import RegistryTree, RegistryUsers, create_household

pytestmark = pytest.mark.django_db

EPAYMENT = {
    "text_vi": "≥ 65% người từ 15 tuổi có tài khoản thanh toán điện tử",
    "kind": "indicator_value",
    "indicator": "adults-epayment",
    "value": 65,
    "deadline": "2027-12-31",
    "baseline": {"value": 20, "date": "2025-12-31"},
}
UNBOUND = {
    "text_vi": "Ít nhất 2 huyện đạt chuẩn",
    "unbound": "Cấp huyện không còn từ 01/07/2025.",
    "value": 2,
    "measure": "count",
    "deadline": "2027-12-31",
}


@pytest.fixture
def plans(catalogue: None, tree: RegistryTree, users: RegistryUsers) -> dict[str, Plan]:
    create_household(actor=users.officer_a, village=tree.a1, members=2, adults=2, adults_epayment=1)
    other = make_province(code="04", name="Tỉnh Cao Bằng")
    return {
        "province": plan_make(unit=tree.province, targets=[EPAYMENT, UNBOUND], code="tinh"),
        "commune_a": plan_make(unit=tree.a, targets=[EPAYMENT], code="xa-a"),
        "other": plan_make(unit=other, targets=[EPAYMENT], code="cao-bang"),
    }


# Which plans each role reads: those of units within its scope, never a neighbour's nor
# the province's above a commune.
READS = [
    ("central_admin", {"tinh", "xa-a", "cao-bang"}),
    ("province_officer", {"tinh", "xa-a"}),
    ("officer_a", {"xa-a"}),
    ("officer_b", set()),
    ("village_head_a1", set()),
]


@pytest.mark.parametrize(("role", "codes"), READS)
def test_each_role_reads_the_plans_within_reach(
    plans: dict[str, Plan], users: RegistryUsers, role: str, codes: set[str]
) -> None:
    client = client_for(users.of(role))
    page = client.get(reverse("plans:list"))
    assert page.status_code == 200
    for plan in plans.values():
        shown = reverse("plans:detail", args=[plan.code]) in page.content.decode()
        assert shown == (plan.code in codes), plan.code
        detail = client.get(reverse("plans:detail", args=[plan.code]))
        assert detail.status_code == (200 if plan.code in codes else 404)


def test_a_user_without_a_role_is_refused(plans: dict[str, Plan], users: RegistryUsers) -> None:
    client = client_for(users.nobody)
    assert client.get(reverse("plans:list")).status_code == 403
    assert client.get(reverse("plans:detail", args=["tinh"])).status_code == 404
    assert Client().get(reverse("plans:list")).status_code == 302


def test_the_plan_page_shows_progress_in_words_and_dates(
    plans: dict[str, Plan], users: RegistryUsers
) -> None:
    page = client_for(users.province_officer).get(reverse("plans:detail", args=["tinh"]))
    text = page.content.decode()
    assert "<progress" in text
    assert "Tỷ lệ người từ 15 tuổi trở lên có tài khoản thanh toán điện tử" in text
    assert "31/12/2027" in text
    assert "Chưa gắn chỉ số" in text
    assert "Cấp huyện không còn từ 01/07/2025." in text
    # Codes stay out of sight: names are shown, and the status is a word.
    assert 'adults-epayment"' not in text.replace("indicator=adults-epayment", "")
    assert "on_track" not in text.replace("track-on_track", "")
    # A commune officer reads the commune's plan, and is offered no edit.
    commune = client_for(users.officer_a).get(reverse("plans:detail", args=["xa-a"]))
    assert reverse("plans:target-add", args=["xa-a"]) not in commune.content.decode()


def test_only_the_province_office_edits_its_plan(
    plans: dict[str, Plan], users: RegistryUsers
) -> None:
    target = Target.objects.filter(plan=plans["province"]).first()
    assert target is not None
    url = reverse("plans:target-edit", args=["tinh", target.pk])
    assert client_for(users.officer_a).get(url).status_code == 404
    own = Target.objects.filter(plan=plans["commune_a"]).first()
    assert own is not None
    # The commune officer reads the commune's plan, and the province office writes it.
    own_url = reverse("plans:target-edit", args=["xa-a", own.pk])
    assert client_for(users.officer_a).get(own_url).status_code == 403
    assert client_for(users.province_officer).get(own_url).status_code == 200
    officer = client_for(users.province_officer)
    assert officer.get(url).status_code == 200
    assert (
        reverse("plans:target-add", args=["tinh"])
        in officer.get(reverse("plans:detail", args=["tinh"])).content.decode()
    )


def _form(**changes: str) -> dict[str, str]:
    values = {
        "text_vi": "≥ 70% hộ có cáp quang",
        "kind": "indicator_value",
        "indicator": "households-fibre",
        "comparator": "gte",
        "value": "70",
        "deadline": "31/12/2027",
        "baseline_value": "30",
        "baseline_date": "31/12/2025",
        "milestones": "31/12/2026: 50",
    }
    values.update(changes)
    return values


def test_a_target_is_added_with_the_checks_of_a_file(
    plans: dict[str, Plan], users: RegistryUsers
) -> None:
    officer = client_for(users.province_officer)
    url = reverse("plans:target-add", args=["tinh"])
    refused = officer.post(url, _form(deadline="01/01/2025"))
    assert refused.status_code == 200
    assert "không sau ngày của mức cơ sở 31/12/2025" in refused.content.decode()
    refused = officer.post(url, _form(value="130"))
    assert "nằm ngoài khoảng 0–100" in refused.content.decode()
    assert Target.objects.filter(plan=plans["province"]).count() == 2
    done = officer.post(url, _form())
    assert done.status_code == 302
    added = Target.objects.get(plan=plans["province"], position=3)
    assert added.milestones == [{"date": "2026-12-31", "value": "50"}]


def test_a_target_is_deleted_by_the_office_only(
    plans: dict[str, Plan], users: RegistryUsers
) -> None:
    target = Target.objects.filter(plan=plans["province"]).first()
    assert target is not None
    url = reverse("plans:target-delete", args=["tinh", target.pk])
    assert client_for(users.officer_a).post(url).status_code == 404
    assert client_for(users.province_officer).post(url).status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()


def _xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Chỉ tiêu", "Loại", "Chỉ số", "So sánh", "Mục tiêu", "Hạn"])
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    book.save(content)
    return SimpleUploadedFile("chi-tieu.xlsx", content.getvalue())


def test_a_spreadsheet_of_targets_replaces_them_or_names_each_bad_row(
    plans: dict[str, Plan], users: RegistryUsers
) -> None:
    officer = client_for(users.province_officer)
    url = reverse("plans:targets-import", args=["tinh"])
    bad = officer.post(
        url,
        {
            "file": _xlsx(
                [
                    ["a", "indicator_value", "khong-co", "gte", 50, "31/12/2027"],
                    ["b", "indicator_value", "adults-epayment", "gte", 50, "31/12/2027"],
                    ["c", "indicator_value", "adults-epayment", "about", 50, "31/12/2027"],
                ]
            )
        },
    )
    text = bad.content.decode()
    assert "khong-co" in text
    assert "about" in text
    assert [t.text_vi for t in plans["province"].targets.all()] == [
        EPAYMENT["text_vi"],
        UNBOUND["text_vi"],
    ]
    good = officer.post(
        url, {"file": _xlsx([["b", "indicator_value", "adults-epayment", "gte", 50, "31/12/2027"]])}
    )
    assert good.status_code == 302
    assert [t.text_vi for t in plans["province"].targets.all()] == ["b"]


def test_the_template_reads_back_as_a_spreadsheet(users: RegistryUsers, tree: RegistryTree) -> None:
    response = client_for(users.province_officer).get(reverse("plans:targets-template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )


def test_the_plan_file_is_served_to_readers_only(
    plans: dict[str, Plan], users: RegistryUsers
) -> None:
    officer = client_for(users.province_officer)
    pdf = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    upload = officer.post(reverse("plans:file-upload", args=["xa-a"]), {"file": pdf})
    assert upload.status_code == 302
    served = client_for(users.officer_a).get(reverse("plans:file", args=["xa-a"]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    hidden = client_for(users.officer_b).get(reverse("plans:file", args=["xa-a"]))
    assert hidden.status_code == 404
    refused = client_for(users.officer_a).post(
        reverse("plans:file-upload", args=["xa-a"]),
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n")},
    )
    assert refused.status_code == 403


def test_an_outsider_gets_the_404_of_a_missing_plan(
    plans: dict[str, Plan], users: RegistryUsers
) -> None:
    """A plan outside the reader's reach is answered as one that does not exist."""
    client = client_for(users.officer_b)
    outside_url = reverse("plans:detail", args=["xa-a"])
    missing_url = reverse("plans:detail", args=["khong-co"])
    outside, missing = client.get(outside_url), client.get(missing_url)
    assert outside.status_code == missing.status_code == 404
    assert page_less_request(outside.content, outside_url) == page_less_request(
        missing.content, missing_url
    )
