"""Accounts: users, roles, argon2 passwords, API tokens, web sessions and saved searches on real SQLite."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from vigil.accounts import MATRIX, PERMISSIONS, ROLES, Accounts, allowed
from vigil.services.errors import NotFound, UsageError
from vigil.settings import Settings

PASSWORD = "correct horse battery"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def accounts(settings: Settings) -> Accounts:
    return Accounts.open(settings)


def test_the_accounts_file_is_created_owner_only_in_wal_mode(settings: Settings, accounts: Accounts) -> None:
    path = settings.data_dir / "web" / "accounts.sqlite3"
    assert accounts.path == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    Accounts.open(settings)  # a second open migrates nothing and keeps the data
    assert accounts.users() == []


def test_a_user_is_added_listed_and_found(accounts: Accounts) -> None:
    user = accounts.add_user("ana", "investigator", PASSWORD)
    assert (user.name, user.role, user.disabled) == ("ana", "investigator", False)
    assert user.created_at.tzinfo is not None
    accounts.add_user("bo", "monitor", PASSWORD)
    assert [u.name for u in accounts.users()] == ["ana", "bo"]
    assert accounts.user("ana") == user
    assert accounts.user("nobody") is None


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("ana", "superuser", PASSWORD, "unknown role 'superuser'"),
        ("", "admin", PASSWORD, "invalid user name"),
        ("a b", "admin", PASSWORD, "invalid user name"),
        ("<script>", "admin", PASSWORD, "invalid user name"),
        ("ana", "admin", "short", "8 to 1024 characters"),
    ],
)
def test_bad_users_are_refused_with_a_clear_error(accounts: Accounts, name: str, role: str, password: str,
                                                  message: str) -> None:
    with pytest.raises(UsageError, match=message):
        accounts.add_user(name, role, password)
    assert accounts.users() == []


def test_a_duplicate_name_is_refused_whatever_its_case(accounts: Accounts) -> None:
    accounts.add_user("ana", "admin", PASSWORD)
    with pytest.raises(UsageError, match="already exists"):
        accounts.add_user("ANA", "monitor", PASSWORD)


def test_passwords_are_argon2_hashes_and_checked(accounts: Accounts) -> None:
    accounts.add_user("ana", "compliance", PASSWORD)
    with sqlite3.connect(accounts.path) as conn:
        stored = conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.check_password("ana", PASSWORD).name == "ana"
    assert accounts.check_password("ana", PASSWORD + "x") is None
    assert accounts.check_password("nobody", PASSWORD) is None
    accounts.set_password("ana", "another password")
    assert accounts.check_password("ana", PASSWORD) is None
    assert accounts.check_password("ana", "another password") is not None
    with pytest.raises(NotFound):
        accounts.set_password("nobody", "another password")


def test_a_hash_made_with_old_parameters_is_rehashed_on_login(accounts: Accounts) -> None:
    accounts.add_user("ana", "admin", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with sqlite3.connect(accounts.path) as conn:
        conn.execute("UPDATE users SET password_hash = ?", (weak,))
    assert accounts.check_password("ana", PASSWORD) is not None
    with sqlite3.connect(accounts.path) as conn:
        renewed = conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert renewed != weak and not accounts.hasher.check_needs_rehash(renewed)
    assert accounts.check_password("ana", PASSWORD) is not None


def test_tokens_are_shown_once_and_stored_only_as_sha256(accounts: Accounts) -> None:
    accounts.add_user("ana", "investigator", PASSWORD)
    token = accounts.issue_token("ana", label="notebook")
    assert len(token) >= 43
    with sqlite3.connect(accounts.path) as conn:
        rows = conn.execute("SELECT token_hash, label FROM tokens").fetchall()
    assert rows == [(hashlib.sha256(token.encode()).hexdigest(), "notebook")]
    for path in accounts.path.parent.iterdir():  # the database, its WAL and shared memory
        assert token.encode() not in path.read_bytes()
    assert accounts.user_for_token(token).name == "ana"
    assert accounts.user_for_token(token[:-1]) is None
    assert accounts.user_for_token("") is None
    second = accounts.issue_token("ana")
    assert second != token
    assert accounts.revoke_tokens("ana") == 2
    assert accounts.user_for_token(token) is None and accounts.user_for_token(second) is None
    with pytest.raises(NotFound):
        accounts.issue_token("nobody")


def test_a_disabled_user_has_no_login_no_token_and_no_session(accounts: Accounts) -> None:
    accounts.add_user("ana", "investigator", PASSWORD)
    token = accounts.issue_token("ana")
    session = accounts.start_session("ana", 3600)
    accounts.disable("ana")
    assert accounts.user("ana").disabled
    assert accounts.check_password("ana", PASSWORD) is None
    assert accounts.user_for_token(token) is None
    assert accounts.user_for_session(session) is None
    with pytest.raises(UsageError, match="disabled"):
        accounts.issue_token("ana")
    with pytest.raises(UsageError, match="disabled"):
        accounts.start_session("ana", 3600)


def test_sessions_end_on_logout_on_expiry_and_on_a_new_password(accounts: Accounts) -> None:
    accounts.add_user("ana", "compliance", PASSWORD)
    session = accounts.start_session("ana", 3600)
    assert accounts.user_for_session(session).role == "compliance"
    assert accounts.user_for_session("not-a-session") is None
    accounts.end_session(session)
    assert accounts.user_for_session(session) is None
    short = accounts.start_session("ana", 0.2)
    assert accounts.user_for_session(short) is not None
    time.sleep(0.3)
    assert accounts.user_for_session(short) is None
    kept = accounts.start_session("ana", 3600)
    accounts.set_password("ana", "a new password")
    assert accounts.user_for_session(kept) is None
    with pytest.raises(UsageError, match="positive"):
        accounts.start_session("ana", 0)


def test_a_session_keeps_its_case_reference(accounts: Accounts) -> None:
    accounts.add_user("ana", "investigator", PASSWORD)
    session = accounts.start_session("ana", 3600)
    assert accounts.session_case(session) == ""
    accounts.set_session_case(session, " CASE-2026-17 ")
    assert accounts.session_case(session) == "CASE-2026-17"
    accounts.end_session(session)
    assert accounts.session_case(session) == ""


def test_saved_searches_belong_to_their_user(accounts: Accounts) -> None:
    accounts.add_user("ana", "investigator", PASSWORD)
    accounts.add_user("bo", "investigator", PASSWORD)
    first = accounts.save_search("ana", "fentanyl in DE", {"substance": ["fentanyl"], "ships_from": ["DE"]})
    second = accounts.save_search("ana", "nitazenes", {"class": "synthetic_opioid"})
    saved = accounts.saved_searches("ana")
    assert [(s["id"], s["title"]) for s in saved] == [(first, "fentanyl in DE"), (second, "nitazenes")]
    assert saved[0]["params"] == {"substance": ["fentanyl"], "ships_from": ["DE"]}
    assert list(saved[0]["params"]) == ["substance", "ships_from"]  # in the order given
    assert accounts.saved_searches("bo") == []
    with pytest.raises(NotFound):
        accounts.delete_saved_search("bo", first)
    accounts.delete_saved_search("ana", first)
    assert [s["id"] for s in accounts.saved_searches("ana")] == [second]
    with pytest.raises(UsageError, match="title"):
        accounts.save_search("ana", "  ", {})
    with pytest.raises(UsageError, match="JSON"):
        accounts.save_search("ana", "bad", {"when": object()})


def test_ensure_admin_creates_one_admin_only_when_there_are_no_users(accounts: Accounts) -> None:
    password = accounts.ensure_admin()
    assert password and len(password) >= 16
    assert [(u.name, u.role) for u in accounts.users()] == [("admin", "admin")]
    assert accounts.check_password("admin", password) is not None
    assert accounts.ensure_admin() is None


def test_concurrent_writers_all_land(accounts: Accounts) -> None:
    accounts.add_user("ana", "investigator", PASSWORD)
    tokens: list[str] = []

    def issue() -> None:
        for _ in range(5):
            tokens.append(accounts.issue_token("ana"))

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(tokens)) == 20
    assert all(accounts.user_for_token(token) for token in tokens)


def test_the_role_matrix() -> None:
    assert set(MATRIX) == set(ROLES)
    assert all(allowed("admin", permission) for permission in PERMISSIONS)
    granted = {role: {p for p in PERMISSIONS if allowed(role, p)} for role in ROLES}
    assert granted["monitor"] == {"markets", "runs", "sessions"}
    assert granted["investigator"] == {"search", "view", "export", "evidence"}
    assert granted["compliance"] == {"search", "view", "evidence", "notices"}
    assert not allowed("investigator", "users") and not allowed("compliance", "audit")
    assert not allowed("nobody", "search") and not allowed("admin", "no-such-permission")
