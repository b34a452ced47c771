"""Issue #12 item 11: object-level scoping (the policy is `secassist.accounts.scoping`, ADR 0840).

One table walks every detail and edit endpoint of the records a user of another office must not
open (need-to-know records) or must not change (shared records), on the pages and in the API, and
checks the answer (404 for what is not theirs, 403 for a write their role lacks) and that nothing
was saved (no audit event: every write records one)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from secassist.accounts.scoping import CLEARANCE_KEEPERS, KEEPERS
from secassist.audit.models import AuditEvent
from tests.conftest import _user

NOT_YOURS = {404}
NOT_ALLOWED = {403}


@pytest.fixture
def demo(db: Any) -> dict[str, Any]:
    """The real-data demo, and one record of each kind from it (ids in `ids`)."""
    from secassist.accounts.demo import create_demo_users, demo_admin
    from secassist.approvals.models import ApprovalRequest
    from secassist.clearances.models import ClearanceRequest
    from secassist.congress.models import Hold, Package
    from secassist.core.registry import registry
    from secassist.determinations.models import DeterminationPackage
    from secassist.plans.models import (
        ActionItem,
        AnalysisProduct,
        Comment,
        Engagement,
        PlanLink,
        PlanningProduct,
        PostureChangeRequest,
        Tasker,
    )
    from secassist.title10.models import Proposal

    create_demo_users()
    for step in registry.demo_steps:
        step.run(acting_user=demo_admin(), stdout=io.StringIO())
    tasker = Tasker.objects.exclude(offices__code="EUR").first()
    drl_comment = Comment.objects.filter(tasker=tasker, office__code="DRL").first()
    hold = Hold.objects.first()
    asked = ClearanceRequest.objects.filter(subject_type=KEEPERS_TYPE, office__code="EUR").values_list("subject_id", flat=True)
    eur_packages = [int(x) for x in asked]  # subject ids are text: compared in Python on every engine
    ids = {
        "tasker": tasker.pk,
        "comment": Comment.objects.filter(tasker=tasker).first().pk,
        "drl_comment": drl_comment.pk,
        "analysis": AnalysisProduct.objects.exclude(clearing_offices__code="EUR").first().pk,
        "package": DeterminationPackage.objects.exclude(pk__in=eur_packages).first().pk,
        "clearance": ClearanceRequest.objects.filter(subject_type="plans.tasker", office__code="DRL").first().pk,
        "cn": Package.objects.first().pk,
        "cn_hold": hold.package_id if hold else Package.objects.first().pk,
        "hold": hold.pk if hold else 0,
        "proposal": Proposal.objects.first().reference,
        "product": PlanningProduct.objects.first().pk,
        "link": PlanLink.objects.first().pk if PlanLink.objects.exists() else 0,
        "posture": PostureChangeRequest.objects.first().pk,
        "engagement": Engagement.objects.first().pk,
        "action": ActionItem.objects.first().pk,
        "approval": ApprovalRequest.objects.filter(subject_type=KEEPERS_TYPE)
        .exclude(subject_id__in=[str(x) for x in eur_packages])
        .first()
        .pk,
    }
    return ids


KEEPERS_TYPE = "determinations.determinationpackage"

# (who, how, method, path, body, expected statuses). `who`: "eur" a clearing officer of EUR, an office
# no need-to-know record of the demo tasks; "sa" an SA analyst (another team, another office);
# "af" a clearing officer of AF (tasked on the tasker, but not the office of the DRL comment).
TASKER_BODY = {"received_on": "2026-10-01", "due_on": "2026-12-01"}
PRODUCT_BODY = {"product_type": "tcp", "owner_kind": "ccmd", "title": "x", "classification": "UNCLASSIFIED"}
ACTION_BODY = {"description": "x", "owner": "eur", "due_on": "2026-12-01"}
COMMENT_BODY = {"office": "EUR", "comment_type": "substantive", "comment": "x"}
ROWS: list[tuple[str, str, str, str, dict[str, Any] | None, set[int]]] = [
    # ---- plan taskers and their comments (need-to-know)
    *[
        (who, "page", "GET", path, None, NOT_YOURS)
        for who in ("eur", "sa")
        for path in (
            "/plans/taskers/{tasker}/",
            "/plans/taskers/{tasker}/state-input.xlsx",
            "/plans/taskers/{tasker}/matrix-template.xlsx",
            "/plans/taskers/{tasker}/memo.docx",
        )
    ],
    ("eur", "page", "GET", "/plans/taskers/{tasker}/comments/new/", None, NOT_YOURS),
    ("eur", "page", "POST", "/plans/taskers/{tasker}/comments/new/", {"office": "1", "comment": "x"}, NOT_YOURS),
    ("eur", "page", "GET", "/plans/comments/{comment}/edit/", None, NOT_YOURS),
    ("eur", "page", "POST", "/plans/comments/{comment}/edit/", {"delete": "1"}, NOT_YOURS),
    ("eur", "page", "POST", "/plans/taskers/{tasker}/import/", {}, NOT_YOURS),
    ("sa", "api", "GET", "/api/v1/plans/taskers/{tasker}", None, NOT_YOURS),
    ("eur", "api", "GET", "/api/v1/plans/taskers/{tasker}", None, NOT_YOURS),
    ("eur", "api", "GET", "/api/v1/plans/taskers/{tasker}/comments", None, NOT_YOURS),
    ("eur", "api", "POST", "/api/v1/plans/taskers/{tasker}/comments", COMMENT_BODY, NOT_YOURS),
    ("eur", "api", "PUT", "/api/v1/plans/comments/{comment}", COMMENT_BODY, NOT_YOURS),
    ("eur", "api", "DELETE", "/api/v1/plans/comments/{comment}", None, NOT_YOURS),
    ("eur", "api", "POST", "/api/v1/plans/comments/{comment}/merge", {"into": 1, "reason": "dup"}, NOT_YOURS),
    ("sa", "api", "PUT", "/api/v1/plans/taskers/{tasker}", TASKER_BODY, NOT_YOURS),
    ("sa", "api", "POST", "/api/v1/plans/taskers/{tasker}/transition", {"action": "close"}, NOT_YOURS),
    # AF is tasked, so it reads the tasker, but DRL's comment is DRL's to change.
    ("af", "page", "POST", "/plans/comments/{drl_comment}/edit/", {"delete": "1"}, {302, 403}),
    ("af", "api", "PUT", "/api/v1/plans/comments/{drl_comment}", {**COMMENT_BODY, "office": "DRL"}, NOT_ALLOWED),
    ("af", "api", "DELETE", "/api/v1/plans/comments/{drl_comment}", None, NOT_ALLOWED),
    # ---- analysis products (need-to-know)
    *[
        (who, "api", "GET", path, None, NOT_YOURS)
        for who in ("eur", "sa")
        for path in ("/api/v1/plans/analyses/{analysis}", "/api/v1/plans/analyses/{analysis}/clearances")
    ],
    ("eur", "api", "POST", "/api/v1/plans/analyses/{analysis}/versions", {"text": "v9"}, NOT_YOURS),
    ("sa", "api", "POST", "/api/v1/plans/analyses/{analysis}/transition", {"action": "withdraw"}, NOT_YOURS),
    # ---- determination packages (need-to-know)
    *[
        ("eur", "api", "GET", path, None, NOT_YOURS)
        for path in (
            "/api/v1/determinations/{package}",
            "/api/v1/determinations/{package}/versions",
            "/api/v1/determinations/{package}/clearances",
        )
    ],
    ("eur", "api", "POST", "/api/v1/determinations/{package}/versions", {"text": "v9"}, NOT_YOURS),
    ("eur", "api", "POST", "/api/v1/determinations/{package}/transition", {"action": "withdraw"}, NOT_YOURS),
    ("eur", "api", "POST", "/api/v1/determinations/{package}/notice", {"sent_on": "2026-11-02"}, NOT_YOURS),
    # ---- clearance requests (need-to-know: another office's)
    ("eur", "page", "GET", "/clearances/{clearance}/", None, NOT_YOURS),
    ("eur", "page", "POST", "/clearances/{clearance}/", {"position": "clear"}, NOT_YOURS),
    ("af", "page", "GET", "/clearances/{clearance}/", None, NOT_YOURS),
    ("eur", "api", "POST", "/api/v1/clearances/{clearance}/position", {"position": "clear"}, NOT_YOURS),
    ("af", "api", "POST", "/api/v1/clearances/{clearance}/position", {"position": "do_not_clear"}, NOT_YOURS),
    # ---- approval requests on a need-to-know record follow their subject (ADR 0850)
    ("eur", "page", "GET", "/approvals/{approval}/", None, NOT_YOURS),
    ("eur", "page", "POST", "/approvals/{approval}/", {"action": "approve"}, NOT_ALLOWED | NOT_YOURS),
    ("eur", "api", "GET", "/api/v1/approvals/{approval}", None, NOT_YOURS),
    *[
        ("eur", "api", "POST", f"/api/v1/approvals/{{approval}}/{action}", {"comment": "x"}, NOT_ALLOWED | NOT_YOURS)
        for action in ("approve", "return", "withdraw")
    ],
    # ---- shared records: readable, but not changed by a clearing officer
    ("eur", "page", "GET", "/notifications/{cn}/edit/", None, NOT_ALLOWED),
    ("eur", "page", "POST", "/notifications/{cn}/edit/", {"title": "x"}, NOT_ALLOWED),
    ("eur", "page", "POST", "/notifications/{cn}/transition/", {"action": "withdraw"}, NOT_ALLOWED),
    ("eur", "page", "POST", "/notifications/{cn}/attachments/", {"title": "x", "location": "/x"}, NOT_ALLOWED),
    ("eur", "api", "PATCH", "/api/v1/notifications/{cn}", {"title": "Taken over"}, NOT_ALLOWED),
    ("eur", "api", "POST", "/api/v1/notifications/{cn}/transition", {"action": "withdraw"}, NOT_ALLOWED),
    ("eur", "api", "POST", "/api/v1/notifications/{cn}/attachments", {"title": "x", "location": "/x"}, NOT_ALLOWED),
    ("eur", "api", "POST", "/api/v1/notifications/{cn_hold}/holds/{hold}/lift", {}, NOT_ALLOWED | NOT_YOURS),
    ("eur", "page", "POST", "/title10/p/{proposal}/decide/", {"decision": "concur"}, NOT_ALLOWED),
    ("eur", "page", "POST", "/title10/p/{proposal}/withdraw/", {"reason": "x"}, NOT_ALLOWED),
    ("eur", "api", "PATCH", "/api/v1/title10/proposals/{proposal}", {"title": "Taken over"}, NOT_ALLOWED),
    ("eur", "api", "POST", "/api/v1/title10/proposals/{proposal}/withdraw", {"reason": "x"}, NOT_ALLOWED),
    ("eur", "page", "GET", "/plans/{product}/edit/", None, NOT_ALLOWED),
    ("eur", "api", "PUT", "/api/v1/plans/products/{product}", PRODUCT_BODY, NOT_ALLOWED),
    ("eur", "api", "DELETE", "/api/v1/plans/links/{link}", None, NOT_ALLOWED | NOT_YOURS),
    ("eur", "page", "GET", "/plans/posture/{posture}/edit/", None, NOT_ALLOWED),
    ("eur", "page", "GET", "/plans/engagements/{engagement}/edit/", None, NOT_ALLOWED),
    ("eur", "api", "POST", "/api/v1/plans/engagements/{engagement}/action-items", ACTION_BODY, NOT_ALLOWED),
    ("eur", "page", "POST", "/plans/actions/{action}/status/", {"status": "dropped", "note": "not mine"}, {302, 403}),
    ("eur", "api", "POST", "/api/v1/plans/action-items/{action}/status", {"status": "dropped", "note": "not mine"}, NOT_ALLOWED),
]  # fmt: skip


@pytest.fixture
def seats(db: Any, sa_analyst: Any, clearer_af: Any) -> dict[str, Any]:
    return {"eur": _user("eurc", "clearing_officer", "EUR"), "sa": sa_analyst, "af": clearer_af}


def _call(client: Any, method: str, path: str, body: dict[str, Any] | None, api: bool) -> Any:
    if api:
        data = json.dumps(body) if body is not None else None
        return client.generic(method, path, data or "", content_type="application/json")
    return client.get(path) if method == "GET" else client.post(path, body or {})


def test_the_policy_names_its_keepers_and_oversight_in_one_place():
    assert set(KEEPERS) <= set(CLEARANCE_KEEPERS)
    assert {"plans.tasker", "plans.analysisproduct", "determinations.determinationpackage"} == set(KEEPERS)


def test_no_detail_or_edit_endpoint_opens_or_changes_another_offices_record(demo, seats, client_as, api_as):
    clients = {who: (client_as(user), api_as(user)) for who, user in seats.items()}
    failures = []
    for who, how, method, template, body, expected in ROWS:
        path = template.format(**demo)
        before = AuditEvent.objects.count()
        page_client, api_client = clients[who]
        response = _call(api_client if how == "api" else page_client, method, path, body, how == "api")
        saved = AuditEvent.objects.count() - before
        if response.status_code not in expected or saved:
            failures.append(f"{who} {method} {path}: {response.status_code} (expected {sorted(expected)}), {saved} event(s)")
    assert failures == [], "\n".join(failures)


def test_a_clearing_officer_lists_only_the_clearances_of_their_own_office(demo, seats, api_as, client_as):
    from secassist.clearances.models import ClearanceRequest

    rows = api_as(seats["af"]).get("/api/v1/clearances").json()
    assert rows and {r["office"] for r in rows} == {"AF"}
    assert len(rows) == ClearanceRequest.objects.filter(office__code="AF").count()
    others = ClearanceRequest.objects.exclude(office__code="AF").filter(subject_type="plans.tasker").first()
    assert api_as(seats["af"]).get(f"/api/v1/clearances?office=DRL&subject_id={others.subject_id}").json() == []
    page = client_as(seats["af"]).get("/clearances/?scope=all").content.decode()
    assert f'href="/clearances/{others.pk}/"' not in page


@pytest.mark.parametrize(
    ("role", "office", "reads_all", "reads_audit"),
    [
        ("dsp_analyst", "PM/SA-DSP", True, False),
        ("admin", "PM/SA", True, True),
        ("read_only", None, True, True),
        ("budget_reviewer", "F", True, True),
        ("sa_analyst", "PM/SA-SAT", False, False),
        ("t10_analyst", "PM/SA-T10", False, False),
        ("clearing_officer", "EUR", False, False),
    ],
)
def test_who_reads_every_tasker_follows_the_one_policy(db, dsp_analyst, client_as, role, office, reads_all, reads_audit):
    """The DSP team and the oversight seats (who read the audit trail, and so every record's before and
    after) read every tasker; everyone else gets 404 for a tasker that does not task their office."""
    from tests.plans.conftest import make_tasker

    tasker = make_tasker(dsp_analyst, offices=("AF", "DRL"), state="tasked")
    user = _user(f"u-{role}", role, office)
    assert client_as(user).get(f"/plans/taskers/{tasker.pk}/").status_code == (200 if reads_all else 404)
    audit = client_as(user).get(f"/audit/?object_type=plans.tasker&object_id={tasker.pk}")
    assert audit.status_code == (200 if reads_audit else 403)
    assert not reads_audit or reads_all, "an oversight seat that reads the trail must read the record"


def test_a_leahy_unit_cannot_become_its_own_ancestor_and_nothing_is_saved(db, api_as, sa_analyst):
    client = api_as(sa_analyst)

    def post(body: dict[str, Any]) -> Any:
        return client.post("/api/v1/restrictions/units", data=json.dumps(body), content_type="application/json")

    top = post({"country": "KEN", "name": "Kenya Army 1st Brigade", "force_type": "military"}).json()
    sub = post(
        {"country": "KEN", "name": "Kenya Army 1st Brigade, 2nd Battalion", "force_type": "military", "parent_id": top["id"]}
    )
    assert sub.status_code == 201, sub.content
    before = AuditEvent.objects.count()
    for parent in (top["id"], sub.json()["id"]):  # itself, then its own subunit
        body = {"country": "KEN", "name": "Kenya Army 1st Brigade", "force_type": "military", "parent_id": parent}
        response = client.put(f"/api/v1/restrictions/units/{top['id']}", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 422, response.content
        assert response.json()["details"]["field"] == "parent_id"
        assert "own ancestor" in response.json()["message"]
    assert AuditEvent.objects.count() == before
    assert client.get("/api/v1/restrictions/units?country=KEN").json()[0]["parent_id"] is None


def test_a_matrix_file_naming_a_tasker_the_importer_may_not_open_is_refused_as_missing(db, dsp_analyst):
    """`secassist import matrix FILE` finds the tasker from the file's Tasker ID: scoped like a page."""
    from secassist.core.errors import NotFound
    from secassist.plans import documents
    from secassist.plans.models import Comment
    from tests.plans.conftest import make_tasker
    from tests.plans.test_matrix import GOOD, matrix

    tasker = make_tasker(dsp_analyst, offices=("AF", "DRL"), state="comments_due")
    eur = _user("eurc", "clearing_officer", "EUR")
    with pytest.raises(NotFound):
        documents.import_matrix(acting_user=eur, source=matrix(tasker.pk, [GOOD]))
    assert not Comment.objects.filter(tasker=tasker).exists()


# ---- approval requests (ADR 0850): they follow their subject --------------------------------------


def _package_approval(dsp_or_sa: Any) -> Any:
    """A pending approval request on a determination package (need-to-know), proposed by `dsp_or_sa`."""
    from secassist.approvals import services as approvals
    from secassist.determinations import services

    package = services.create_package(acting_user=dsp_or_sa, dtype="cspa", country="SOM", fiscal_year=2027, scope_all=True)
    return package, approvals.propose(
        acting_user=dsp_or_sa, act="determinations.register_waiver", subject=package, summary=f"Record {package}"
    )


def test_approval_lists_hide_requests_on_records_the_user_may_not_read(demo, seats, api_as, client_as):
    from secassist.approvals.models import ApprovalRequest

    eur = seats["eur"]
    hidden = ApprovalRequest.objects.get(pk=demo["approval"])
    rows = api_as(eur).get("/api/v1/approvals?scope=all").json()
    listed = {r["id"] for r in rows}
    assert hidden.pk not in listed
    assert all(r["subject_type"] != KEEPERS_TYPE for r in rows)  # EUR is asked to clear none of the demo's
    shared = ApprovalRequest.objects.exclude(subject_type__in=list(KEEPERS))
    assert shared.exists() and listed == set(shared.values_list("pk", flat=True)), "shared subjects stay readable"
    by_subject = api_as(eur).get(f"/api/v1/approvals?scope=all&subject_type={KEEPERS_TYPE}&subject_id={hidden.subject_id}")
    assert by_subject.status_code == 200 and by_subject.json() == []
    page = client_as(eur).get("/approvals/?scope=all").content.decode()
    assert f'href="/approvals/{hidden.pk}/"' not in page
    export = client_as(eur).get("/approvals/?scope=all&export=csv")
    assert export.status_code == 200 and hidden.summary not in export.content.decode()
    # the keepers of the record (SA analysts) and the oversight seats read it
    assert hidden.pk in {r["id"] for r in api_as(seats["sa"]).get("/api/v1/approvals?scope=all").json()}


@pytest.mark.parametrize(
    ("role", "office", "asked", "reads"),
    [
        ("admin", "PM/SA", False, True),  # oversight seats
        ("read_only", None, False, True),
        ("budget_reviewer", "F", False, True),
        ("sa_analyst", "PM/SA-SAT", False, True),  # keepers of determination packages
        ("t10_analyst", "PM/SA-T10", False, True),
        ("dsp_analyst", "PM/SA-DSP", False, False),  # another team
        ("clearing_officer", "EUR", False, False),  # an office not asked to clear the package
        ("clearing_officer", "EUR", True, True),  # the same office, asked to clear it
    ],
)
def test_who_reads_an_approval_on_a_need_to_know_record_follows_the_record(
    db, sa_analyst, client_as, api_as, role, office, asked, reads
):
    from secassist.clearances.models import ClearanceRequest
    from secassist.reference.models import Office

    package, approval = _package_approval(sa_analyst)
    if asked:
        ClearanceRequest.objects.create(
            subject_type=KEEPERS_TYPE,
            subject_id=str(package.pk),
            subject_label="x",
            office=Office.objects.get(code=office),
            requested_at=package.created_at if hasattr(package, "created_at") else approval.proposed_at,
            due_on=approval.proposed_at.date(),
        )
    user = _user(f"u-{role}-{asked}", role, office)
    expected = 200 if reads else 404
    assert client_as(user).get(f"/approvals/{approval.pk}/").status_code == expected
    assert api_as(user).get(f"/api/v1/approvals/{approval.pk}").status_code == expected
    listed = {r["id"] for r in api_as(user).get("/api/v1/approvals?scope=all").json()}
    assert (approval.pk in listed) is reads


def test_the_proposer_reads_their_own_request_and_an_unregistered_need_to_know_type_reads_as_no(
    db, sa_analyst, api_as, monkeypatch
):
    from secassist.core.registry import registry

    _, approval = _package_approval(sa_analyst)
    eur = _user("eurc", "clearing_officer", "EUR")
    monkeypatch.setattr(registry, "scoped_selectors", {})  # no written way to tell who reads the type
    assert api_as(eur).get(f"/api/v1/approvals/{approval.pk}").status_code == 404
    assert api_as(sa_analyst).get(f"/api/v1/approvals/{approval.pk}").status_code == 200  # a keeper (and the proposer)
    assert {r["id"] for r in api_as(sa_analyst).get("/api/v1/approvals?scope=mine").json()} >= {approval.pk}


def test_every_need_to_know_type_has_a_registered_selector():
    from secassist.core.registry import registry

    assert set(KEEPERS) <= set(registry.scoped_selectors)
