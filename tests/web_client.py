"""Helpers of the web app's page tests: an app on a private copy of the demo index, and a
TestClient that logs in through the login form like a browser."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from vigil.settings import Settings, load_settings

CSRF_FIELD = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def private_data(index: Path, folder: Path) -> Path:
    """A copy of the demo index (users, sessions and the audit log are written under web/)."""
    data = folder / "data"
    shutil.copytree(index, data, ignore=shutil.ignore_patterns("web"))
    return data


def web_settings(data: Path, **values: object) -> Settings:
    return load_settings(environ={}, data_dir=data, web_secure_cookies=False, **values)


def csrf_of(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def login(client: TestClient, name: str, password: str, next_path: str = "/search"):
    """POST the login form (after GETting it for its CSRF token); the response, not followed."""
    form = client.get("/login")
    return client.post("/login", data={"username": name, "password": password, "csrf": csrf_of(form.text),
                                       "next": next_path}, follow_redirects=False)


def logged_in(app, name: str, password: str, **kwargs) -> TestClient:
    client = TestClient(app, **kwargs)
    response = login(client, name, password)
    assert response.status_code == 303, response.text[-2000:]
    return client
