"""Users, roles, API tokens, web sessions, saved searches and the audit log of the web app and API.

Two SQLite files under `data_dir/web/` (owner-only): `accounts.sqlite3` and `audit.sqlite3`.
Passwords are argon2 hashes; tokens and session ids are random and kept only as SHA-256.
"""

from __future__ import annotations

from vigil.accounts.audit import AuditLog, Verification
from vigil.accounts.records import User
from vigil.accounts.roles import MATRIX, PERMISSIONS, ROLES, allowed
from vigil.accounts.users import Accounts

__all__ = ["MATRIX", "PERMISSIONS", "ROLES", "Accounts", "AuditLog", "User", "Verification", "allowed"]
