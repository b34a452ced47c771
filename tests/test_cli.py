import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from secassist.accounts.models import User
from secassist.audit.models import AuditEvent


def test_create_user_reads_the_password_from_stdin(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-enough-passphrase-9\n"))
    out = io.StringIO()
    call_command("create_user", "jdoe", "--role", "sa_analyst", "--office", "PM/SA-SAT", "--password-stdin", stdout=out)
    user = User.objects.get(username="jdoe")
    assert user.check_password("a-long-enough-passphrase-9")
    assert user.office.code == "PM/SA-SAT"
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["x1", "--role", "boss"], "sa_analyst"), (["x2", "--role", "sa_analyst", "--office", "NOPE"], "office 'NOPE'")],
)
def test_create_user_refuses_bad_input_and_creates_nothing(db, args, needle):
    with pytest.raises(CommandError, match=needle) as exc:
        call_command("create_user", *args)
    assert exc.value.returncode == 2
    assert not User.objects.filter(username=args[0]).exists()


def test_create_user_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="password rejected"):
        call_command("create_user", "weak", "--role", "read_only", "--password-stdin")
    assert not User.objects.filter(username="weak").exists()


def test_create_token_prints_the_token_alone_on_the_last_line(db, viewer):
    out = io.StringIO()
    call_command("create_token", "--user", viewer.username, stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    assert token.startswith("sa_") and " " not in token
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/countries/KEN").status_code == 200


def test_create_token_for_an_unknown_user_fails_clearly(db):
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("create_token", "--user", "ghost")


def test_audit_verify_reports_an_intact_chain(db, settings, tmp_path):
    # Its own anchor log: the session's shared log may hold an anchor written by another test's executed
    # on_commit callback (captureOnCommitCallbacks) whose events were then rolled back with that test.
    settings.SECASSIST_AUDIT_ANCHOR_LOG = tmp_path / "audit-anchors.log"
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "audit chain intact" in out.getvalue()


def test_secassist_help_lists_the_product_commands(tmp_path):
    env = {**os.environ, "SECASSIST_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "secassist", "--help"], capture_output=True, text=True, env=env, check=True)
    for command in ["serve", "migrate", "load-reference", "create-user", "create-token", "audit-verify"]:
        assert command in result.stdout


def test_an_unknown_command_exits_2(tmp_path):
    env = {**os.environ, "SECASSIST_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "secassist", "frobnicate"], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert "unknown command" in result.stderr


def test_backup_and_restore_round_trip_on_sqlite(tmp_path):
    env = {**os.environ, "SECASSIST_VAR_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)

    def run(*args):
        return subprocess.run([sys.executable, "-m", "secassist", *args], capture_output=True, text=True, env=env)

    assert run("migrate").returncode == 0
    assert run("load-reference").returncode == 0
    backup = tmp_path / "b.sqlite3"
    assert run("backup", str(backup)).returncode == 0
    assert run("backup", str(backup)).returncode == 2  # never overwrites
    assert run("restore", str(backup)).returncode == 2  # needs --yes
    result = run("restore", str(backup), "--yes")
    assert result.returncode == 0, result.stderr
    assert "audit chain intact" in result.stdout
    assert "audit chain intact" in run("audit-verify").stdout
