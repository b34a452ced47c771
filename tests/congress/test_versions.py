"""Issue #11 item 5: the CN text is kept in versions, a clearance records the version it was given on,
a change after clearance makes it stale everywhere, and transmittal is refused until re-cleared."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from secassist.clearances import selectors as clearance_selectors
from secassist.clearances import services as clearance_services
from secassist.clearances import versions
from secassist.clearances.models import DocumentVersion
from secassist.congress import documents, services, workflow
from secassist.congress.models import Package
from secassist.core.errors import RuleViolation

pytestmark = pytest.mark.django_db


def _clear_all(package: Any, clearer: Any, clearer_af: Any, **kw: Any) -> None:
    for c in clearance_selectors.for_subject(package).exclude(position="withdrawn"):
        if c.is_open:
            who = clearer if c.office.code == "DRL" else clearer_af
            clearance_services.record_position(acting_user=who, clearance=c, position="clear", **kw)


def _cleared_then_changed(make_package: Any, sa_analyst: Any, clearer: Any, clearer_af: Any) -> Any:
    """A CN cleared by DRL and AF on v1, returned to drafting and given a new description (v2)."""
    package = make_package(description="Border surveillance towers.")
    workflow.transition(acting_user=sa_analyst, package=package, action="submit", clearing_offices=["DRL", "AF"])
    _clear_all(package, clearer, clearer_af)
    workflow.transition(acting_user=sa_analyst, package=package, action="return", reason="add the radar spares")
    services.update_package(
        acting_user=sa_analyst,
        package=package,
        description="Border surveillance towers.\nRadar spare parts.",
        change_note="radar spares added",
    )
    workflow.transition(acting_user=sa_analyst, package=package, action="submit", clearing_offices=["DRL", "AF"])
    return package


def test_each_change_of_the_text_is_a_new_immutable_version_with_hash_author_and_time(make_package, sa_analyst) -> None:
    package = make_package(description="Border surveillance towers.")
    services.update_package(acting_user=sa_analyst, package=package, description="Towers and radars.", change_note="radars")
    services.update_package(acting_user=sa_analyst, package=package, description="Towers and radars.")  # same text
    rows = list(versions.versions_of("congress.package", str(package.pk)).order_by("number"))
    assert [v.number for v in rows] == [1, 2]
    assert rows[1].author == sa_analyst and rows[1].change_note == "radars" and rows[1].created_at is not None
    assert len(rows[1].content_hash) == 64 and rows[0].content_hash != rows[1].content_hash
    assert all(versions.hash_ok(v) for v in rows)
    assert dict((k, t) for k, _, t in rows[1].content)["description"] == "Towers and radars."


def test_a_version_whose_text_was_altered_in_the_database_fails_its_hash(make_package) -> None:
    package = make_package()
    version = versions.latest(package)
    assert version is not None
    DocumentVersion.objects.filter(pk=version.pk).update(content=[["title", "Title", "something else"]])
    version.refresh_from_db()
    assert versions.hash_ok(version) is False


def test_a_clearance_records_the_version_it_was_given_on(make_package, sa_analyst, clearer, clearer_af) -> None:
    package = make_package()
    workflow.transition(acting_user=sa_analyst, package=package, action="submit", clearing_offices=["DRL", "AF"])
    _clear_all(package, clearer, clearer_af)
    current = versions.latest(package)
    rows = list(clearance_selectors.for_subject(package))
    assert {r.cleared_version_id for r in rows} == {current.pk}
    assert not any(r.is_stale for r in rows)
    assert [p.version_id for p in rows[0].positions.all()] == [current.pk]


def test_a_change_after_clearance_makes_the_clearances_stale_and_refuses_mark_cleared(
    make_package, sa_analyst, clearer, clearer_af
) -> None:
    package = _cleared_then_changed(make_package, sa_analyst, clearer, clearer_af)
    rows = list(clearance_selectors.for_subject(package))
    assert all(r.is_stale for r in rows) and all(r.position == "clear" for r in rows)
    assert clearance_selectors.summary_for_subject(package)["stale"] == 2
    assert clearance_selectors.summary_for_subject(package)["all_cleared"] is False
    # The offices see them again in their queue ("re-opened").
    assert clearance_selectors.for_office(rows[0].office_id).filter(pk=rows[0].pk).exists()
    with pytest.raises(RuleViolation) as refused:
        workflow.transition(acting_user=sa_analyst, package=package, action="clear")
    assert refused.value.code == "CLR-001"
    assert "AF on v" in refused.value.message and "DRL on v" in refused.value.message


def test_after_re_clearance_the_cn_is_transmitted_and_the_transmitted_version_is_frozen(
    make_package, sa_analyst, sa_analyst_2, clearer, clearer_af, approve_by
) -> None:
    package = _cleared_then_changed(make_package, sa_analyst, clearer, clearer_af)
    _clear_all(package, clearer, clearer_af)
    workflow.transition(acting_user=sa_analyst, package=package, action="clear")
    # Transmittal is a two-person act (ADR 0710): the second analyst's approval sends it.
    approve_by(workflow.transition(acting_user=sa_analyst, package=package, action="transmit"), sa_analyst_2)
    package.refresh_from_db()
    current = versions.latest(package)
    assert package.transmitted_version == current and current.number >= 2
    assert package.history.get(action="transmit").data["version"] == current.number
    # Re-clearing kept the first position too: two positions per office, on two versions.
    drl = clearance_selectors.for_subject(package).get(office__code="DRL")
    assert [p.version.number for p in drl.positions.order_by("id")] == [current.number - 1, current.number]


def test_transmittal_is_refused_while_a_clearance_is_stale(make_package, sa_analyst, clearer, clearer_af) -> None:
    package = make_package()
    workflow.transition(acting_user=sa_analyst, package=package, action="submit", clearing_offices=["DRL", "AF"])
    _clear_all(package, clearer, clearer_af)
    workflow.transition(acting_user=sa_analyst, package=package, action="clear")
    # A newer version appears (e.g. a link added while cleared): the offices saw the older text.
    services.add_link(acting_user=sa_analyst, package=package, subject=clearer, label="DRL officer's note")
    with pytest.raises(RuleViolation) as refused:
        workflow.transition(acting_user=sa_analyst, package=package, action="transmit")
    assert refused.value.code == "CLR-001"
    package.refresh_from_db()
    assert package.status == "cleared" and package.transmitted_on is None


def test_a_text_changed_behind_the_services_back_is_caught_at_transmittal(make_package, sa_analyst, clearer, clearer_af) -> None:
    package = make_package()
    workflow.transition(acting_user=sa_analyst, package=package, action="submit", clearing_offices=["DRL", "AF"])
    _clear_all(package, clearer, clearer_af)
    workflow.transition(acting_user=sa_analyst, package=package, action="clear")
    Package.objects.filter(pk=package.pk).update(purpose="changed without a version")
    with pytest.raises(RuleViolation) as refused:
        workflow.transition(acting_user=sa_analyst, package=package, action="transmit")
    assert refused.value.code == "CLR-003"


def test_a_position_on_a_version_the_officer_did_not_see_is_refused(make_package, sa_analyst, clearer) -> None:
    package = make_package()
    workflow.transition(acting_user=sa_analyst, package=package, action="submit", clearing_offices=["DRL"])
    clearance = clearance_selectors.for_subject(package).get(office__code="DRL")
    with pytest.raises(RuleViolation) as refused:
        clearance_services.record_position(acting_user=clearer, clearance=clearance, position="clear", version=99)
    assert refused.value.code == "CLR-002"
    clearance.refresh_from_db()
    assert clearance.position == "pending"


def test_a_current_position_cannot_be_given_twice(make_package, sa_analyst, clearer) -> None:
    from secassist.core.errors import TransitionNotAllowed

    package = make_package()
    workflow.transition(acting_user=sa_analyst, package=package, action="submit", clearing_offices=["DRL"])
    clearance = clearance_selectors.for_subject(package).get(office__code="DRL")
    clearance_services.record_position(acting_user=clearer, clearance=clearance, position="clear")
    with pytest.raises(TransitionNotAllowed):
        clearance_services.record_position(acting_user=clearer, clearance=clearance, position="do_not_clear", comments="no")


def test_the_docx_is_generated_from_a_chosen_version(make_package, sa_analyst, client_as) -> None:
    package = make_package(description="First text.")
    services.update_package(acting_user=sa_analyst, package=package, description="Second text.")
    first = client_as(sa_analyst).get(f"/notifications/{package.pk}/document.docx?version=1")
    assert first.status_code == 200
    body = "\n".join(p.text for p in Document(io.BytesIO(first.content)).paragraphs)
    assert "First text." in body and "Second text." not in body and "Text: version 1" in body
    assert client_as(sa_analyst).get(f"/notifications/{package.pk}/document.docx?version=7").status_code == 404
    assert client_as(sa_analyst).get(f"/notifications/{package.pk}/document.docx?version=x").status_code == 422
    live = documents.context_for(package)
    assert live["description"] == "Second text."


# ---- the interfaces: API and pages ----------------------------------------------------------------


def test_the_api_lists_versions_shows_one_and_diffs_two(make_package, sa_analyst, clearer, clearer_af, api_as) -> None:
    package = _cleared_then_changed(make_package, sa_analyst, clearer, clearer_af)
    api = api_as(sa_analyst)
    base = f"/api/v1/documents/congress.package/{package.pk}"
    listed = api.get(f"{base}/versions").json()
    assert [v["number"] for v in listed] == [2, 1]
    assert listed[0]["current"] is True and listed[1]["cleared_by"] == ["AF", "DRL"]
    assert listed[0]["change_note"] == "radar spares added" and listed[0]["author"] == "sa" and listed[0]["hash_ok"]
    one = api.get(f"{base}/versions/1").json()
    assert {s["key"]: s["text"] for s in one["sections"]}["description"] == "Border surveillance towers."
    diff = api.get(f"{base}/diff?from_version=1&to_version=2").json()
    assert [d["key"] for d in diff["changed"]] == ["description"]
    assert {"kind": "added", "text": "Radar spare parts."} in diff["changed"][0]["lines"]
    assert api.get(f"{base}/versions/9").status_code == 404
    assert api.get("/api/v1/documents/nothing.here/1/versions").status_code == 404
    assert api.get(f"/api/v1/documents/congress.package/{package.pk + 1000}/versions").status_code == 404


def test_the_clearances_api_shows_stale_and_takes_the_version_seen(make_package, sa_analyst, clearer, clearer_af, api_as) -> None:
    package = _cleared_then_changed(make_package, sa_analyst, clearer, clearer_af)
    rows = api_as(sa_analyst).get(f"/api/v1/clearances?subject_type=congress.package&subject_id={package.pk}").json()
    drl = next(r for r in rows if r["office"] == "DRL")
    assert drl["stale"] is True and drl["state"] == "stale"
    assert drl["cleared_version"] == 1 and drl["current_version"] == 2
    wrong = api_as(clearer).post(
        f"/api/v1/clearances/{drl['id']}/position", {"position": "clear", "version": 1}, content_type="application/json"
    )
    assert wrong.status_code == 409 and wrong.json()["code"] == "CLR-002"
    ok = api_as(clearer).post(
        f"/api/v1/clearances/{drl['id']}/position", {"position": "clear", "version": 2}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["stale"] is False and ok.json()["cleared_version"] == 2


def test_the_versions_page_shows_the_history_who_cleared_what_and_the_diff(
    make_package, sa_analyst, clearer, clearer_af, client_as
) -> None:
    package = _cleared_then_changed(make_package, sa_analyst, clearer, clearer_af)
    page = client_as(sa_analyst).get(f"/clearances/documents/congress.package/{package.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<caption>2 versions, newest first</caption>" in html
    assert "stale" in html and "<ins>Radar spare parts.</ins>" in html
    version = client_as(sa_analyst).get(f"/clearances/documents/congress.package/{package.pk}/v1/")
    assert version.status_code == 200 and "Border surveillance towers." in version.content.decode()
    bad = client_as(sa_analyst).get(f"/clearances/documents/congress.package/{package.pk}/?from=1&to=5")
    assert bad.status_code == 422
    assert client_as(sa_analyst).get("/clearances/documents/auth.user/1/").status_code == 404


def test_the_clearance_page_says_stale_and_the_office_list_shows_it(
    make_package, sa_analyst, clearer, clearer_af, client_as
) -> None:
    package = _cleared_then_changed(make_package, sa_analyst, clearer, clearer_af)
    drl = clearance_selectors.for_subject(package).get(office__code="DRL")
    page = client_as(clearer).get(f"/clearances/{drl.pk}/").content.decode()
    assert "stale: the document changed; re-clear" in page
    assert 'name="version" value="2"' in page
    mine = client_as(clearer).get("/clearances/?scope=mine").content.decode()
    assert f"/clearances/{drl.pk}/" in mine


def test_the_demo_shows_a_cn_whose_clearances_went_stale_after_a_revision(admin_user) -> None:
    from secassist.congress import demo

    demo.run(acting_user=admin_user, stdout=io.StringIO())
    package = Package.objects.get(title__contains="text changed after clearance")
    assert package.status == "in_clearance"
    rows = list(clearance_selectors.for_subject(package))
    assert {r.office.code for r in rows if r.is_stale} == {"DRL", "NEA"}
    assert [v.number for v in versions.versions_of("congress.package", str(package.pk))] == [1, 2]
