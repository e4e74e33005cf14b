"""The public consultation page (anyone, no JavaScript: a plain form), the open
consultations of a province, the recognised units with the at-risk flag, and the
officers' page of comments: who may open each, what each shows and hides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from langso.criteria.testing import criteria_assess_met
from langso.recognition.models import Comment, Dossier, Step
from langso.registry.testing import RegistryTree, RegistryUsers

from ..conftest import Roles, dossier_make, recognition_make

YEAR = 2026


def _url(dossier: Dossier) -> str:
    return f"/cong-nhan/lay-y-kien/{dossier.pk}/"


def _comment(dossier: Dossier, **changes: object) -> Comment:
    fields: dict[str, object] = {
        "dossier": dossier,
        "author_kind": Comment.Author.FATHERLAND_FRONT,
        "author_name": "Mặt trận xã A",
        "text": "Đề nghị làm rõ tiêu chí 2.",
        "contact": "mttq@example.vn",
    }
    return Comment.objects.create(**(fields | changes))


def test_anyone_reads_the_consultation(consultation: Dossier, tree: RegistryTree) -> None:
    """No sign-in: the unit with its province, the set, the year, the posting period in
    dd/mm/yyyy, the frozen results, the PDF and verification links, the comments with
    answers; never a contact or a hidden comment."""
    _comment(consultation, answer="Xã đã bổ sung biên bản.")
    _comment(consultation, author_name="Kẻ phá", text="Nội dung xấu", hidden_reason="Xúc phạm")
    page = Client().get(_url(consultation))
    assert page.status_code == 200
    html = page.content.decode()
    sha = consultation.snapshots.get().sha256
    today = timezone.localdate()
    for shown in (
        tree.a.name,
        "Tỉnh Ninh Bình",
        "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030",
        "2026",
        (today - dt.timedelta(days=5)).strftime("%d/%m/%Y"),
        (today + dt.timedelta(days=10)).strftime("%d/%m/%Y"),
        "Đang nhận góp ý",
        "Giao thông",
        "Chưa đạt",
        "2/2",
        "1/2",
        f"/cong-nhan/xac-minh/{sha}/bao-cao.pdf",
        f"/cong-nhan/xac-minh/{sha}/",
        "Mặt trận xã A",
        "Xã đã bổ sung biên bản.",
        '<form method="post"',
        tree.a1.name,
    ):
        assert shown in html, shown
    for hidden in ("mttq@example.vn", "Kẻ phá", "Nội dung xấu", ">fatherland_front<"):
        assert hidden not in html, hidden


def test_a_comment_posted_without_javascript(consultation: Dossier, tree: RegistryTree) -> None:
    """The plain form posts, the page answers with a redirect back to the comments, and
    the comment shows (its contact does not)."""
    client = Client(enforce_csrf_checks=True)
    client.get(_url(consultation))
    answer = client.post(
        _url(consultation),
        {
            "author_kind": "resident",
            "author_name": "Trần Thị Hoa",
            "village": str(tree.a2.pk),
            "text": "Tôi đồng ý với kết quả.",
            "contact": "0987 000 111",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith("#y-kien")
    comment = Comment.objects.get()
    assert (comment.village, comment.contact) == (tree.a2, "0987 000 111")
    html = client.get(_url(consultation)).content.decode()
    assert "Trần Thị Hoa" in html
    assert "0987 000 111" not in html


def test_a_refused_comment_shows_why(consultation: Dossier, tree: RegistryTree) -> None:
    """A village of another commune is not offered: the form says so, nothing is stored."""
    page = Client().post(
        _url(consultation),
        {"author_kind": "resident", "author_name": "A", "text": "B", "village": str(tree.b1.pk)},
    )
    assert page.status_code == 200
    assert not Comment.objects.exists()
    assert 'class="errorlist' in page.content.decode()


def test_after_the_consultation_the_record_stays_and_the_form_closes(
    consultation: Dossier,
) -> None:
    consultation.step = Step.SUBMISSION
    consultation.save()
    _comment(consultation)
    client = Client()
    html = client.get(_url(consultation)).content.decode()
    assert "Đã kết thúc lấy ý kiến" in html
    assert "Mặt trận xã A" in html
    assert '<form method="post" action' not in html
    client.post(_url(consultation), {"author_kind": "resident", "author_name": "A", "text": "B"})
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("state", ["self_assessment", "no_snapshot", "missing"])
def test_a_dossier_not_yet_public_is_missing(
    tree: RegistryTree, users: RegistryUsers, state: str
) -> None:
    """Before its consultation (at self-assessment, or no snapshot) a dossier is not
    public: 404, as for one that does not exist."""
    if state == "missing":
        url = "/cong-nhan/lay-y-kien/999999/"
    else:
        dossier = dossier_make(
            unit=tree.a,
            by=users.officer_a,
            step=Step.SELF_ASSESSMENT if state == "self_assessment" else Step.CONSULTATION,
            snapshot=state != "no_snapshot",
        )
        url = _url(dossier)
    assert Client().get(url).status_code == 404


def test_the_page_costs_the_same_queries_with_more_comments(
    consultation: Dossier, tree: RegistryTree
) -> None:
    """A handful of queries, whatever the number of comments and villages they name."""
    client = Client()
    _comment(consultation, village=tree.a1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(_url(consultation)).status_code == 200
    for n in range(20):
        _comment(consultation, village=tree.a1 if n % 2 else tree.a2, answer="Đã trả lời")
    with CaptureQueriesContext(connection) as many:
        assert client.get(_url(consultation)).status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries) <= 8, "\n".join(
        q["sql"] for q in many.captured_queries
    )


def test_the_open_consultations_of_a_province(
    consultation: Dossier, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Anyone: the provinces, then a province's running consultations (not a dossier
    past its consultation); the public unit page links to it."""
    dossier_make(unit=tree.b, by=users.officer_b, step=Step.APPRAISAL)
    client = Client()
    assert tree.province.name in client.get("/cong-nhan/lay-y-kien/").content.decode()
    html = client.get(f"/cong-nhan/lay-y-kien/?tinh={tree.province.code}").content.decode()
    assert _url(consultation) in html
    assert tree.b.name not in html
    assert client.get(f"/cong-nhan/lay-y-kien/?tinh={tree.a.code}").status_code == 404
    unit_page = client.get(f"/don-vi/{tree.a.code}/").content.decode()
    assert f"/cong-nhan/lay-y-kien/?tinh={tree.province.code}" in unit_page


# --- Recognised units ------------------------------------------------------------------


def test_recognised_units_need_a_sign_in(tree: RegistryTree) -> None:
    answer = Client().get("/cong-nhan/da-cong-nhan/")
    assert answer.status_code == 302
    assert "/tai-khoan/" in answer["Location"]


@pytest.mark.parametrize(
    ("who", "sees_a", "sees_b"),
    [
        ("central_admin", True, True),
        ("province_officer", True, True),
        ("officer_a", True, False),
        ("officer_b", False, True),
        ("nobody", False, False),
    ],
)
def test_recognised_units_within_scope_with_the_flag(
    catalogue: None, tree: RegistryTree, users: RegistryUsers, who: str, sees_a: bool, sees_b: bool
) -> None:
    """The province's recognised units the user may see, with the decision, and the
    at-risk flag on commune B, which now misses criteria."""
    criteria_assess_met(actor=users.province_officer, unit=tree.a, met=10, year=YEAR)
    criteria_assess_met(actor=users.province_officer, unit=tree.b, met=8, year=YEAR)
    recognition_make(unit=tree.a, number="11/QĐ-UBND")
    recognition_make(unit=tree.b, number="22/QĐ-UBND")
    client = Client()
    client.force_login(users.of(who))
    page = client.get(f"/cong-nhan/da-cong-nhan/?tinh={tree.province.code}&nam={YEAR}")
    assert page.status_code == 200
    html = page.content.decode()
    assert ("11/QĐ-UBND" in html) is sees_a
    assert ("22/QĐ-UBND" in html) is sees_b
    assert ("Có nguy cơ không giữ chuẩn" in html) is sees_b
    if sees_a:
        assert "20/12/2026" in html


def test_a_revoked_recognition_says_so(tree: RegistryTree, users: RegistryUsers) -> None:
    recognition_make(unit=tree.a, revoked=True)
    client = Client()
    client.force_login(users.officer_a)
    html = client.get("/cong-nhan/da-cong-nhan/").content.decode()
    assert "Đã thu hồi (Quyết định số 45/QĐ-UBND, ngày 02/03/2027)" in html


# --- The officers' comments page --------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "may_answer"),
    [
        ("officer_a", 200, True),
        ("central_admin", 200, False),
        ("province_officer", 200, False),
        ("digital_team_a", 200, False),
        ("officer_b", 404, False),
        ("nobody", 404, False),
    ],
)
def test_the_comments_page_by_role(
    consultation: Dossier, users: RegistryUsers, who: str, status: int, may_answer: bool
) -> None:
    """In scope it lists every comment with its contact; only the consultation's
    preparer gets the forms; out of scope it is missing."""
    _comment(consultation)
    client = Client()
    client.force_login(users.of(who))
    page = client.get(f"/cong-nhan/ho-so/{consultation.pk}/y-kien/")
    assert page.status_code == status
    if status == 200:
        html = page.content.decode()
        assert "mttq@example.vn" in html
        assert ('name="answer"' in html) is may_answer


def test_the_comments_page_needs_a_sign_in(consultation: Dossier) -> None:
    assert Client().get(f"/cong-nhan/ho-so/{consultation.pk}/y-kien/").status_code == 302


@pytest.mark.parametrize("who", ["officer_a", "commune_leader", "province_officer"])
def test_answering_and_hiding_from_the_page(
    consultation: Dossier, users: RegistryUsers, roles: Roles, who: str
) -> None:
    """The preparer answers and hides; another role's posts change nothing."""
    comment = _comment(consultation)
    client = Client()
    client.force_login(getattr(roles, who) if who == "commune_leader" else users.of(who))
    url = f"/cong-nhan/ho-so/{consultation.pk}/y-kien/"
    client.post(url, {"comment": comment.pk, "action": "answer", "answer": "Đã tiếp thu."})
    client.post(url, {"comment": comment.pk, "action": "hide", "reason": "Trùng lặp"})
    comment.refresh_from_db()
    allowed = who == "officer_a"
    assert (comment.answer == "Đã tiếp thu.") is allowed
    assert (comment.hidden_reason == "Trùng lặp") is allowed


@pytest.mark.parametrize("who", ["officer_a", "officer_b", "nobody", "central_admin"])
def test_the_public_page_is_the_same_for_signed_in_users(
    consultation: Dossier, users: RegistryUsers, who: str
) -> None:
    """In scope or not, a signed-in user reads the public record as anyone does: no
    contact shown."""
    _comment(consultation)
    client = Client()
    client.force_login(users.of(who))
    html = client.get(_url(consultation)).content.decode()
    assert "Mặt trận xã A" in html
    assert "mttq@example.vn" not in html


def test_recognised_units_by_set_and_province_picker(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """The set filter offers the sets' names (never a code), the province picker the
    provinces of the user's scope; the province of the scope is the default."""
    recognition_make(unit=tree.a, number="11/QĐ-UBND")
    client = Client()
    client.force_login(users.officer_a)
    html = client.get("/cong-nhan/da-cong-nhan/").content.decode()
    assert "11/QĐ-UBND" in html
    assert '<option value="xa_ntm_2026_2030">Bộ tiêu chí' in html
    assert ">xa_ntm_2026_2030<" not in html
    assert f'<option value="{tree.province.code}" selected>' in html
    filtered = client.get("/cong-nhan/da-cong-nhan/?bo=khac").content.decode()
    assert "11/QĐ-UBND" not in filtered
