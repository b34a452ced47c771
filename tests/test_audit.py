import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from secassist.audit.guards import lift_statements
from secassist.audit.models import AppendOnlyError, AuditEvent
from secassist.audit.services import record
from secassist.audit.verify import verify_chain
from secassist.reference.models import Country


def _events(n, actor=None):
    with transaction.atomic():
        return [
            record(actor=actor, action="test.event", object_type="test.thing", object_id=str(i), after={"i": i}) for i in range(n)
        ]


def _raw(sql, params=()):
    """Tamper as a database administrator would: disable the append-only trigger, then write."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")  # triggers off for this transaction
            cur.execute(sql, params)
            cur.execute("SET LOCAL session_replication_role = DEFAULT")
        else:
            cur.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            for statement in lift_statements("sqlite"):
                cur.execute(statement)
            cur.execute(sql, params)


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        record(actor=None, action="x")


def test_chain_of_untouched_events_verifies(db):
    _events(5)
    report = verify_chain()
    assert report.ok
    assert report.checked >= 5


def test_each_event_carries_the_previous_hash(db):
    a, b = _events(2)
    assert b.prev_hash == a.hash


def test_an_altered_row_is_named_as_the_first_broken_link(db):
    events = _events(4)
    target = events[2]
    _raw("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ("edited", target.pk))
    report = verify_chain()
    assert not report.ok
    assert report.broken_at == target.pk
    with pytest.raises(CommandError, match=f"#{target.pk}"):
        call_command("audit_verify")


def test_a_deleted_middle_row_breaks_the_chain_at_the_next_event(db):
    events = _events(4)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", (events[1].pk,))
    report = verify_chain()
    assert not report.ok
    assert report.broken_at == events[2].pk


def test_a_deleted_last_row_is_detected_by_the_chain_head(db):
    events = _events(3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", (events[-1].pk,))
    report = verify_chain()
    assert not report.ok


def test_audit_events_cannot_be_updated_or_deleted_through_the_orm(db):
    (event,) = _events(1)
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_database_itself_refuses_an_update(db):
    (event,) = _events(1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [event.pk])


def test_an_admin_correction_is_audited_and_survives_a_reference_reload(client_as, admin_user):
    kenya = Country.objects.get(iso3="KEN")
    client = client_as(admin_user)
    response = client.post(
        f"/admin/reference/country/{kenya.pk}/change/",
        {
            "iso3": "KEN",
            "iso2": "KE",
            "name": "Kenya",
            "un_region": kenya.un_region,
            "un_subregion": kenya.un_subregion,
            "bureau": "EUR",
            "cocom": "AFRICOM",
            "source": kenya.source,
            "locally_edited": "",
        },
    )
    assert response.status_code == 302, response.content[:500]
    event = AuditEvent.objects.filter(object_type="reference.country", object_id=str(kenya.pk)).latest("id")
    assert event.before["bureau"] == "AF"
    assert event.after["bureau"] == "EUR"
    call_command("load_reference", verbosity=0)
    kenya.refresh_from_db()
    assert kenya.bureau == "EUR"
    assert kenya.locally_edited


def test_audit_trail_page_filters_by_object(client_as, viewer):
    _events(3)
    response = client_as(viewer).get("/audit/", {"object_type": "test.thing", "object_id": "1"})
    assert response.status_code == 200
    assert b"1 events" in response.content


def test_audit_trail_page_is_refused_to_roles_without_audit_view(client_as, sa_analyst):
    assert client_as(sa_analyst).get("/audit/").status_code == 403


def test_the_committed_audit_event_catalog_matches_the_code():
    from pathlib import Path

    from django.conf import settings

    from secassist.audit import catalog

    committed = (Path(settings.REPO_DIR) / "docs" / "audit-events.md").read_text()
    assert committed == catalog.render(), "regenerate: python -m secassist.audit.catalog > docs/audit-events.md"
