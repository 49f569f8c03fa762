"""The audit log: entries with user and case, append-only triggers, the hash chain `verify` checks."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vigil.accounts import AuditLog
from vigil.settings import Settings


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog.open(Settings(data_dir=tmp_path / "data"))


def fill(audit: AuditLog) -> None:
    audit.record("ana", "login", client="127.0.0.1")
    audit.record("ana", "search", "q=fentanyl", case="CASE-1", detail={"hits": 3})
    audit.record("bo", "view_listing", "rc-labor:123", case="CASE-2")
    audit.record("ana", "api", "/search?q=mdma", case="CASE-1")


def test_entries_carry_who_what_when_and_case(audit: AuditLog) -> None:
    before = datetime.now(UTC)
    fill(audit)
    entries = audit.entries()
    assert [e["id"] for e in entries] == [4, 3, 2, 1]
    search = entries[2]
    assert {k: search[k] for k in ("user", "action", "target", "case", "detail", "client")} == {
        "user": "ana", "action": "search", "target": "q=fentanyl", "case": "CASE-1", "detail": {"hits": 3},
        "client": ""}
    assert datetime.fromisoformat(search["at"]) >= before
    assert stat.S_IMODE(audit.path.stat().st_mode) == 0o600


def test_entries_are_filtered_and_limited(audit: AuditLog) -> None:
    fill(audit)
    assert [e["id"] for e in audit.entries(user="ana")] == [4, 2, 1]
    assert [e["id"] for e in audit.entries(action="view_listing")] == [3]
    assert [e["id"] for e in audit.entries(user="ana", case="CASE-1")] == [4, 2]
    assert [e["id"] for e in audit.entries(limit=2)] == [4, 3]
    assert audit.entries(since=datetime.now(UTC) + timedelta(minutes=1)) == []
    assert len(audit.entries(since=datetime.now(UTC) - timedelta(minutes=1))) == 4


@pytest.mark.parametrize("statement", ["UPDATE entries SET user = 'mallory' WHERE id = 2",
                                       "DELETE FROM entries WHERE id = 2", "DELETE FROM entries"])
def test_the_triggers_refuse_update_and_delete(audit: AuditLog, statement: str) -> None:
    fill(audit)
    with sqlite3.connect(audit.path) as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(statement)
    assert audit.count() == 4
    assert audit.entries(action="search")[0]["user"] == "ana"
    assert audit.verify().ok


def test_an_intact_log_verifies(audit: AuditLog) -> None:
    assert audit.verify().ok and audit.verify().checked == 0
    fill(audit)
    result = audit.verify()
    assert (result.ok, result.checked, result.problems) == (True, 4, [])


def tamper(audit: AuditLog, *statements: str) -> None:
    """Edit the log the way someone with the file could: drop the triggers first."""
    with sqlite3.connect(audit.path) as conn:
        conn.execute("DROP TRIGGER entries_no_update")
        conn.execute("DROP TRIGGER entries_no_delete")
        for statement in statements:
            conn.execute(statement)


def test_verify_finds_a_row_edited_around_the_triggers(audit: AuditLog) -> None:
    fill(audit)
    tamper(audit, "UPDATE entries SET case_ref = 'CASE-9' WHERE id = 2")
    result = audit.verify()
    assert not result.ok and result.checked == 4
    assert result.problems == ["entry 2: content does not match its hash (edited)"]


def test_verify_finds_a_deleted_row(audit: AuditLog) -> None:
    fill(audit)
    tamper(audit, "DELETE FROM entries WHERE id = 2")
    problems = audit.verify().problems
    assert "entry 3: expected entry 2 (rows missing)" in problems
    assert "entry 3: link to the previous entry broken" in problems


def test_verify_finds_a_row_whose_hash_was_recomputed_without_the_chain(audit: AuditLog) -> None:
    from vigil.accounts.audit import GENESIS, row_hash

    fill(audit)
    values = {"id": 2, "at": "2026-01-01T00:00:00+00:00", "user": "ana", "action": "search", "target": "x",
              "case_ref": "", "detail": "{}", "client": ""}
    forged = row_hash(GENESIS, values)
    tamper(audit, f"UPDATE entries SET at = '{values['at']}', target = 'x', case_ref = '', detail = '{{}}',"
                  f" prev_hash = '{GENESIS}', hash = '{forged}' WHERE id = 2")
    problems = audit.verify().problems
    assert "entry 2: link to the previous entry broken" in problems
    assert "entry 3: link to the previous entry broken" in problems


def test_records_from_two_handles_keep_one_chain(audit: AuditLog) -> None:
    other = AuditLog(audit.path)
    for index in range(10):
        (audit if index % 2 else other).record("ana", "search", f"q={index}")
    assert audit.count() == 10 and audit.verify().ok


def test_concurrent_writers_keep_one_unbroken_chain(audit: AuditLog) -> None:
    import threading

    def write(name: str) -> None:
        log = AuditLog(audit.path)  # each thread its own handle, as each request has
        for index in range(10):
            log.record(name, "api", f"/search?q={index}")

    threads = [threading.Thread(target=write, args=(f"user{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = audit.verify()
    assert (result.ok, result.checked) == (True, 40)
    assert sorted(e["id"] for e in audit.entries(limit=100)) == list(range(1, 41))
