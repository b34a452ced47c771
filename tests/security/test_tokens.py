"""Issue #12 item 10: users list and revoke their API tokens (page, CLI, API), tokens expire (90
days by default, configurable), production refuses a weak SECRET_KEY, and the database file, backups
and the secret key are written owner-only (0600)."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from secassist.accounts import services
from secassist.accounts.models import ApiToken
from secassist.audit.models import AuditEvent
from secassist.settings_checks import weak_secret_key_reason

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def _bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_token_expires_after_90_days_by_default(viewer):
    with time_machine.travel(NOW, tick=False):
        token, key = services.create_token(acting_user=viewer, user=viewer, name="laptop")
        assert token.expires_at == NOW + dt.timedelta(days=90)
        assert _bearer(key).get("/api/v1/countries").status_code == 200
    with time_machine.travel(NOW + dt.timedelta(days=90) - dt.timedelta(seconds=1), tick=False):
        assert _bearer(key).get("/api/v1/countries").status_code == 200
    with time_machine.travel(NOW + dt.timedelta(days=90), tick=False):
        resp = _bearer(key).get("/api/v1/countries")
        assert resp.status_code == 401 and resp.json()["code"] == "unauthenticated"


def test_the_lifetime_is_configurable_and_bounded(viewer, settings):
    settings.SECASSIST_TOKEN_DAYS = 30
    with time_machine.travel(NOW, tick=False):
        token, _ = services.create_token(acting_user=viewer, user=viewer)
        assert token.expires_at == NOW + dt.timedelta(days=30)
        token, _ = services.create_token(acting_user=viewer, user=viewer, days=7)
        assert token.expires_at == NOW + dt.timedelta(days=7)
        for bad in (0, -1, 366, 10**30):
            with pytest.raises(Exception) as exc:
                services.create_token(acting_user=viewer, user=viewer, days=bad)
            assert exc.value.details["field"] == "days"


def test_only_the_hash_of_a_token_is_stored(viewer):
    token, key = services.create_token(acting_user=viewer, user=viewer)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in {str(v) for v in stored.values()}
    assert stored["key_hash"] == ApiToken.hash_key(key)


def test_a_user_lists_and_revokes_their_own_tokens_through_the_api(api_as, viewer, sa_analyst):
    mine, key = services.create_token(acting_user=viewer, user=viewer, name="script")
    theirs, _ = services.create_token(acting_user=sa_analyst, user=sa_analyst, name="theirs")
    api = _bearer(key)
    listed = api.get("/api/v1/tokens").json()
    assert {t["id"] for t in listed} == set(viewer.api_tokens.values_list("pk", flat=True))
    assert all(set(t) >= {"prefix", "name", "created_at", "expires_at", "last_used_at", "revoked_at"} for t in listed)
    assert all("key" not in t and "key_hash" not in t for t in listed)
    assert api.delete(f"/api/v1/tokens/{theirs.pk}").status_code == 404  # not yours: as if missing
    other = api_as(viewer)
    assert other.delete(f"/api/v1/tokens/{mine.pk}").status_code == 204
    assert api.get("/api/v1/tokens").status_code == 401  # the revoked token itself stops working
    assert AuditEvent.objects.filter(action="token.revoke", object_id=str(mine.pk)).exists()
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_user_revokes_a_token_on_the_account_page(client_as, viewer):
    token, key = services.create_token(acting_user=viewer, user=viewer, name="old laptop")
    page = client_as(viewer)
    listing = page.get("/account/").content.decode()
    assert token.prefix in listing and "Expires" in listing and "Revoke" in listing
    resp = page.post("/account/", {"action": "revoke-token", "token": token.pk})
    assert resp.status_code in (200, 302)
    assert _bearer(key).get("/api/v1/countries").status_code == 401


def test_a_user_cannot_revoke_someone_elses_token_on_the_page(client_as, viewer, sa_analyst):
    token, key = services.create_token(acting_user=sa_analyst, user=sa_analyst)
    resp = client_as(viewer).post("/account/", {"action": "revoke-token", "token": token.pk})
    assert resp.status_code == 404
    assert _bearer(key).get("/api/v1/countries").status_code == 200


def test_revoke_token_at_the_command_line(viewer, capsys):
    token, key = services.create_token(acting_user=viewer, user=viewer)
    call_command("revoke_token", "--user", viewer.username, "--prefix", token.prefix)
    assert "revoked" in capsys.readouterr().out
    assert _bearer(key).get("/api/v1/countries").status_code == 401
    with pytest.raises(CommandError) as exc:
        call_command("revoke_token", "--user", viewer.username, "--prefix", "sa_nothing")
    assert exc.value.returncode == 2


def test_create_token_at_the_command_line_takes_a_lifetime(viewer, capsys):
    with time_machine.travel(NOW, tick=False):
        call_command("create_token", "--user", viewer.username, "--days", "14")
    token = viewer.api_tokens.get()
    assert token.expires_at == NOW + dt.timedelta(days=14)
    assert "expires 2026-12-11" in capsys.readouterr().out


@pytest.mark.parametrize(
    "key",
    [
        "",
        "changeme",
        "django-insecure-" + "x" * 60,
        "a" * 64,
        "abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc",
        "short-but-random-Q8f!",
    ],
)
def test_weak_or_default_secret_keys_are_named(key):
    assert weak_secret_key_reason(key)


def test_a_strong_secret_key_passes():
    assert weak_secret_key_reason("Zr5-kq9Pj2u_4nXcLw0Hh7TyVb3MdE8sFa1GoQeRiU6xNzKpS-w7Ym") is None


def _start_production(secret: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SECASSIST_ENV": "production",
        "SECRET_KEY": secret,
        "SECASSIST_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "example.gov",
    }
    env.pop("DATABASE_URL", None)
    code = "import django; django.setup(); print('started')"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "secassist.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_with_a_weak_secret_key(tmp_path):
    weak = _start_production("changeme", tmp_path)
    assert weak.returncode != 0 and "SECRET_KEY" in weak.stderr and "started" not in weak.stdout
    strong = _start_production("Zr5-kq9Pj2u_4nXcLw0Hh7TyVb3MdE8sFa1GoQeRiU6xNzKpS-w7Ym", tmp_path)
    assert strong.returncode == 0, strong.stderr
    assert "started" in strong.stdout


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_development_secret_key_file_is_owner_only(tmp_path):
    env = {**os.environ, "SECASSIST_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "secassist.settings"}
    env.pop("SECRET_KEY", None)
    env.pop("SECASSIST_ENV", None)
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert _mode(tmp_path / "secret_key") == 0o600


def test_the_sqlite_database_file_is_owner_only(tmp_path):
    env = {**os.environ, "SECASSIST_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "secassist.settings"}
    env.pop("DATABASE_URL", None)
    env.pop("SECASSIST_SQLITE_PATH", None)
    code = "import django; django.setup(); from django.db import connection; connection.ensure_connection()"
    old = os.umask(0o022)
    try:
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    database = tmp_path / "secassist.sqlite3"
    assert database.exists() and _mode(database) == 0o600


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_written_owner_only(tmp_path, admin_user):
    old = os.umask(0o022)
    try:
        call_command("backup", str(tmp_path / "b.sqlite3" if _is_sqlite() else tmp_path / "b.json.gz"))
    finally:
        os.umask(old)
    (written,) = list(tmp_path.iterdir())
    assert _mode(written) == 0o600


def _is_sqlite() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite"
