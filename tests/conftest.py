"""The shared test cast and fixtures.

Reference data is loaded once per test session into the test database (from the product's own
data files and the shared public data read in place), so every test sees real countries,
authorities and offices.

The cast, one user per seat an object can be seen from:
- `sa_analyst`, `t10_analyst`, `dsp_analyst`: analysts of the owning teams
- `clearer` (DRL) and `clearer_af` (AF): clearing officers of other offices
- `budget_reviewer` (F), `viewer` (read-only), `outsider` (read-only, no office), `admin`
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _audit_anchor_log_and_guarded_flush(tmp_path_factory: Any) -> None:
    """Tests anchor into a throw-away log, and the flush between transactional tests lifts the
    database's audit guards (no DELETE/TRUNCATE of audit rows) for the flush only, as restore does."""
    import django.core.management.commands.flush as flush_command
    from django.conf import settings

    from secassist.audit.guards import wrap_flush

    settings.SECASSIST_AUDIT_ANCHOR_LOG = tmp_path_factory.mktemp("anchors") / "audit-anchors.log"
    original = flush_command.sql_flush
    if getattr(original, "lifts_audit_guards", False):
        return

    def guarded_sql_flush(style: Any, connection: Any, *args: Any, **kwargs: Any) -> list[str]:
        return wrap_flush(connection.vendor, original(style, connection, *args, **kwargs))

    guarded_sql_flush.lifts_audit_guards = True  # type: ignore[attr-defined]
    flush_command.sql_flush = guarded_sql_flush


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: a test's database is rolled back, and a test that builds
    rows with the ORM (not through the audited services) does not move the audit chain head that
    cached pages are keyed on (ADR 1003)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        cache.clear()  # never on Redis: clear() there empties the whole database (other keys, the job queue)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; tests that create many users use MD5 (never in the product)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Test clients rebuild the middleware; WhiteNoise would re-index the static finders each time.
    settings.WHITENOISE_USE_FINDERS = False


@pytest.fixture(autouse=True)
def _reference_for_transactional_tests(request: Any) -> None:
    """Transactional tests (live server, concurrency) flush the database afterwards, removing the
    session's reference data; reload it for them when it is missing."""
    names = set(request.fixturenames)
    if not names & {"transactional_db", "live_server"} and not request.node.get_closest_marker("django_db", None):
        return
    marker = request.node.get_closest_marker("django_db")
    if not (names & {"transactional_db", "live_server"} or (marker and marker.kwargs.get("transaction"))):
        return
    request.getfixturevalue("transactional_db")
    from secassist.reference.models import Country

    if not Country.objects.exists():
        call_command("load_reference", verbosity=0)


def _user(username: str, role: str, office: str | None) -> Any:
    from secassist.accounts.models import User
    from secassist.reference.models import Office

    user = User.objects.create(
        username=username,
        role=role,
        office=Office.objects.get(code=office) if office else None,
        is_staff=role == "admin",
        is_superuser=role == "admin",
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def sa_analyst(db: Any) -> Any:
    return _user("sa", "sa_analyst", "PM/SA-SAT")


@pytest.fixture
def sa_analyst_2(db: Any) -> Any:
    """A second SA analyst: the checker of acts the first one proposes (maker-checker)."""
    return _user("sa2", "sa_analyst", "PM/SA-SAT")


@pytest.fixture
def t10_analyst_2(db: Any) -> Any:
    """A second Title 10 analyst: the checker of State decisions the first one proposes."""
    return _user("t10b", "t10_analyst", "PM/SA-T10")


@pytest.fixture
def approve_by() -> Any:
    """approve_by(result, user) -> approves `result` as `user` when it is a pending approval request
    (maker-checker) and returns what the act produced: the refreshed subject, else `result` as is."""
    from secassist.approvals import services as approvals
    from secassist.approvals.models import ApprovalRequest

    def approve(result: Any, user: Any, comment: str = "checked") -> Any:
        if not isinstance(result, ApprovalRequest):
            return result
        return approvals.approve(acting_user=user, request=result, comment=comment)

    return approve


@pytest.fixture
def t10_analyst(db: Any) -> Any:
    return _user("t10", "t10_analyst", "PM/SA-T10")


@pytest.fixture
def dsp_analyst(db: Any) -> Any:
    return _user("dsp", "dsp_analyst", "PM/SA-DSP")


@pytest.fixture
def clearer(db: Any) -> Any:
    return _user("drl", "clearing_officer", "DRL")


@pytest.fixture
def clearer_af(db: Any) -> Any:
    return _user("afc", "clearing_officer", "AF")


@pytest.fixture
def budget_reviewer(db: Any) -> Any:
    return _user("freview", "budget_reviewer", "F")


@pytest.fixture
def viewer(db: Any) -> Any:
    return _user("viewer", "read_only", None)


@pytest.fixture
def outsider(db: Any) -> Any:
    return _user("outsider", "read_only", None)


@pytest.fixture
def admin_user(db: Any) -> Any:
    return _user("boss", "admin", "PM/SA")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_as() -> Any:
    """client_as(user) -> a logged-in Django test client."""
    return client_for


@pytest.fixture
def api_as(db: Any) -> Any:
    """api_as(user) -> a client whose requests carry a Bearer token for `user`."""
    from secassist.accounts.services import create_token

    def make(user: Any) -> Client:
        _, key = create_token(acting_user=user, user=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    return make


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def fill_restriction_gaps(db: Any, admin_user: Any) -> Any:
    """fill_gaps(country, fiscal_year, on_date): record an analyst's `does_not_apply` assessment for every
    restriction the data leaves uncovered for that country and period (any program), so a test can exercise
    the rest of the verdict. Returns the restriction keys it filled."""
    from secassist.restrictions.checking import check as run
    from secassist.restrictions.services import record_assessment

    def fill(country: str, fiscal_year: int, on_date: Any = None) -> set[str]:
        keys: set[str] = set()
        for program in ("FMF", "IMET", "PKO", "10USC333", "10USC331"):
            result = run(country=country, program=program, fiscal_year=fiscal_year, on_date=on_date)
            keys |= {f.restriction_key for f in result.gaps}
        for key in sorted(keys):
            record_assessment(
                acting_user=admin_user,
                restriction=key,
                country=country,
                fiscal_year=fiscal_year,
                conclusion="does_not_apply",
                basis="Test fixture: the gap is assumed assessed so that the rest of the verdict can be exercised.",
                source_document="test fixture",
            )
        return keys

    return fill
