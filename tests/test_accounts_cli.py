"""`vigil users` and `vigil audit` through the real command: passwords from stdin or generated
once on a terminal, tokens that work against the API, and the audit log's chain check."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import ROOT, run_vigil

from vigil.accounts import Accounts
from vigil.settings import Settings
from vigil.web.api import build_api


def vigil(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`vigil ARGS --data-dir DATA` with `stdin` piped in (so not a terminal)."""
    return subprocess.run([sys.executable, "-m", "vigil", *args, "--data-dir", str(data)], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "USER": "operator1", "LOGNAME": "operator1"})


def on_a_terminal(data: Path, *args: str) -> tuple[int, str]:
    """`vigil ARGS` with stdin and stdout on a pseudo-terminal: exit code and what it showed."""
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "vigil", *args, "--data-dir", str(data)], stdin=slave,
                                stdout=slave, stderr=subprocess.STDOUT, cwd=ROOT)
    finally:
        os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the program closed its end of the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return proc.wait(timeout=120), shown.decode()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty index (so the API answers 200) with no users yet."""
    folder = tmp_path_factory.mktemp("users-cli") / "data"
    result = run_vigil("index", "init", "--data-dir", str(folder))
    assert result.returncode == 0, result.stderr
    return folder


def accounts(data: Path) -> Accounts:
    return Accounts.open(Settings(data_dir=data))


def test_users_add_reads_the_password_from_stdin_and_never_prints_it(data: Path) -> None:
    result = vigil(data, "users", "add", "ana", "--role", "investigator", stdin="a long passphrase\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "added ana (investigator)\n"
    assert "passphrase" not in result.stdout + result.stderr
    assert accounts(data).check_password("ana", "a long passphrase").role == "investigator"


def test_users_add_on_a_terminal_generates_a_password_and_prints_it_once(data: Path) -> None:
    code, shown = on_a_terminal(data, "users", "add", "bo", "--role", "compliance")
    assert code == 0, shown
    lines = shown.replace("\r\n", "\n").splitlines()
    assert lines[0] == "added bo (compliance)"
    prefix = "password for bo (shown once, store it now): "
    assert lines[1].startswith(prefix) and len(lines) == 2
    password = lines[1].removeprefix(prefix)
    assert len(password) >= 20
    assert accounts(data).check_password("bo", password) is not None
    listing = vigil(data, "users", "list")
    assert password not in listing.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("users", "add", "ana", "--role", "admin"), "another password", "a user named 'ana' already exists"),
        (("users", "add", "cy", "--role", "root"), "another password", "unknown role 'root'"),
        (("users", "add", "dee", "--role", "admin"), "short", "a password needs 8 to 1024 characters"),
        (("users", "add", "dee", "--role", "admin"), "", "standard input is not a terminal and holds no"),
        (("users", "token", "nobody"), "", "no user named 'nobody'"),
        (("users", "disable", "nobody"), "", "no user named 'nobody'"),
        (("users", "password", "nobody"), "another password", "no user named 'nobody'"),
        (("audit", "--format", "xml"), "", "--format must be table or json"),
        (("audit", "--since", "last week"), "", "since expects a date"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(data: Path, args: tuple[str, ...], stdin: str,
                                                message: str) -> None:
    if accounts(data).user("ana") is None:  # the duplicate, when this test runs alone
        accounts(data).add_user("ana", "investigator", "a long passphrase")
    result = vigil(data, *args, stdin=stdin)
    assert result.returncode == 2
    assert result.stderr == f"error: {message}\n" or result.stderr.startswith(f"error: {message}")


def test_a_token_printed_once_works_against_the_api_until_revoked(data: Path) -> None:
    vigil(data, "users", "add", "eve", "--role", "monitor", stdin="eve's passphrase\n")
    result = vigil(data, "users", "token", "eve", "--label", "dashboard")
    assert result.returncode == 0, result.stderr
    prefix = "API token for eve (shown once, store it now): "
    assert result.stdout.startswith(prefix)
    token = result.stdout.strip().removeprefix(prefix)
    with TestClient(build_api(Settings(data_dir=data))) as client:
        auth = {"Authorization": f"Bearer {token}"}
        response = client.get("/runs", headers=auth)
        assert (response.status_code, response.json()) == (200, [])
        assert client.get("/search", headers=auth).status_code == 403  # a monitor does not search
        listed = json.loads(vigil(data, "users", "list", "--json").stdout)
        assert {u["name"]: u["tokens"] for u in listed}["eve"] == 1
        revoked = vigil(data, "users", "revoke", "eve")
        assert revoked.stdout == "revoked 1 token(s) of eve\n"
        assert client.get("/runs", headers=auth).status_code == 401


def test_disable_and_new_password(data: Path) -> None:
    vigil(data, "users", "add", "fay", "--role", "investigator", stdin="fay's passphrase\n")
    token = vigil(data, "users", "token", "fay").stdout.strip().rsplit(" ", 1)[1]
    changed = vigil(data, "users", "password", "fay", stdin="fay's new passphrase\n")
    assert changed.stdout == "password of fay changed\n"
    assert accounts(data).check_password("fay", "fay's passphrase") is None
    assert accounts(data).check_password("fay", "fay's new passphrase") is not None
    assert vigil(data, "users", "disable", "fay").stdout == "disabled fay\n"
    assert accounts(data).check_password("fay", "fay's new passphrase") is None
    assert accounts(data).user_for_token(token) is None
    rows = {u["name"]: u for u in json.loads(vigil(data, "users", "list", "--json").stdout)}
    assert rows["fay"]["disabled"] is True and rows["ana"]["disabled"] is False
    table = vigil(data, "users", "list").stdout.splitlines()
    assert table[0].split() == ["name", "role", "created", "state", "tokens"]
    assert any(line.split()[0] == "fay" and "disabled" in line for line in table[1:])


def test_audit_shows_who_changed_which_account_and_verify_finds_an_edit(data: Path) -> None:
    vigil(data, "users", "add", "gus", "--role", "admin", stdin="gus's passphrase\n")
    vigil(data, "users", "token", "gus", "--label", "secret-label-check")
    entries = [json.loads(line) for line in vigil(data, "audit", "--user", "cli:operator1", "--format",
                                                  "json").stdout.splitlines()]
    gus = [e for e in entries if e["target"] == "gus"]
    assert [e["detail"]["change"] for e in gus] == ["token", "add"]
    assert all(e["action"] == "users" for e in entries)
    everything = vigil(data, "audit", "--format", "json").stdout
    assert "gus's passphrase" not in everything
    table = vigil(data, "audit", "--action", "users", "--limit", "1").stdout.splitlines()
    assert len(table) == 2 and "cli:operator1" in table[1] and "gus" in table[1]
    assert vigil(data, "audit", "--since", "2999-01-01").stdout.splitlines()[1:] == []

    ok = vigil(data, "audit", "--verify")
    assert ok.returncode == 0 and ok.stdout.endswith("entries checked: chain intact\n")
    with sqlite3.connect(data / "web" / "audit.sqlite3") as conn:
        conn.execute("DROP TRIGGER entries_no_update")
        conn.execute("UPDATE entries SET target = 'someone-else' WHERE id = 2")
    bad = vigil(data, "audit", "--verify")
    assert bad.returncode == 1
    assert "TAMPERED entry 2: content does not match its hash (edited)" in bad.stdout
    result = json.loads(vigil(data, "audit", "--verify", "--format", "json").stdout)
    assert result["ok"] is False
    assert result["problems"] == ["entry 2: content does not match its hash (edited)"]
