"""The web app's doors: login and logout, sessions, CSRF, the login rate limit, roles, the
security headers and CSP on every route, the CSP report endpoint and the audit log. Through
FastAPI's TestClient on a private copy of the demo index (`demo_index`)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from web_client import csrf_of, logged_in, login, private_data, web_settings

from vigil.accounts import ROLES, Accounts, AuditLog, allowed
from vigil.settings import Settings
from vigil.web.app import create_app
from vigil.web.security import CSP, LoginLimiter

PASSWORD = "a long enough test password 7"
#: Pages and the permission each needs (a role without it gets the 403 page).
PAGES = {"/search": "search", "/search?q=ketamine": "search", "/trends": "search",
         "/listings/nightowl/{listing}": "view", "/vendors/nightowl/{vendor}": "view",
         "/evidence/{sha256}": "evidence", "/export.csv": "export", "/export.json": "export",
         "/markets": "markets", "/runs": "runs"}


@dataclass
class Site:
    settings: Settings
    app: object
    listing: str
    vendor: str
    sha256: str

    def url(self, template: str) -> str:
        return template.format(listing=self.listing, vendor=self.vendor, sha256=self.sha256)

    def client(self, role: str = "admin") -> TestClient:
        return logged_in(self.app, f"{role}-user", PASSWORD)


@pytest.fixture(scope="module")
def site(demo_index, tmp_path_factory) -> Site:
    data = private_data(demo_index.data, tmp_path_factory.mktemp("pages"))
    settings = web_settings(data, web_test_hooks=True)
    accounts = Accounts.open(settings)
    for role in ROLES:
        accounts.add_user(f"{role}-user", role, PASSWORD)
    from vigil.services.search import SearchRequest, search

    hit = search(settings, SearchRequest(markets=("nightowl",), limit=1, sort="first_seen"))["hits"][0]
    return Site(settings, create_app(settings), hit["listing_id"], hit["vendor"], hit["evidence"][0])


def audit_entries(site: Site, **filters) -> list[dict]:
    return AuditLog.open(site.settings).entries(limit=1000, **filters)


# --- login, sessions, logout ------------------------------------------------------------------


def test_pages_redirect_to_the_login_form_without_a_session(site):
    client = TestClient(site.app)
    for template in PAGES:
        response = client.get(site.url(template), follow_redirects=False)
        assert response.status_code == 303, template
        assert response.headers["location"].startswith("/login?next=%2F"), template


def test_login_starts_a_session_with_a_strict_httponly_cookie_and_goes_where_it_was_asked(site):
    client = TestClient(site.app)
    response = login(client, "investigator-user", PASSWORD, next_path="/trends")
    assert response.status_code == 303 and response.headers["location"] == "/trends"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("vigil_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    assert f"Max-Age={int(site.settings.web_session_hours * 3600)}" in cookie
    page = client.get("/trends")
    assert page.status_code == 200 and "investigator-user" in page.text


def test_session_and_csrf_cookies_are_secure_when_the_setting_says_so(site, tmp_path):
    settings = site.settings.with_overrides(web_secure_cookies=True)
    client = TestClient(create_app(settings), base_url="https://testserver")
    form = client.get("/login")
    assert "Secure" in form.headers["set-cookie"]
    response = login(client, "admin-user", PASSWORD)
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("vigil_session="))
    assert "Secure" in cookie


def test_a_login_form_never_sends_the_user_to_another_site(site):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = login(TestClient(site.app), "admin-user", PASSWORD, next_path=target)
        assert response.headers["location"] == "/search", target


def test_a_wrong_password_is_refused_and_audited_as_login_failed(site):
    client = TestClient(site.app, client=("198.51.100.1", 4000))
    response = login(client, "compliance-user", "wrong password!")
    assert response.status_code == 401 and "wrong password" in response.text
    assert "vigil_session" not in response.headers.get("set-cookie", "")
    failed = audit_entries(site, user="compliance-user", action="login_failed")
    assert failed and failed[0]["client"] == "198.51.100.1"
    assert PASSWORD not in str(failed) and "wrong password!" not in str(failed)


def test_logout_ends_the_session_on_the_server(site):
    client = site.client("compliance")
    stolen = client.cookies.get("vigil_session")
    page = client.get("/search")
    response = client.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    replay = TestClient(site.app, cookies={"vigil_session": stolen})
    assert replay.get("/search", follow_redirects=False).status_code == 303
    assert Accounts.open(site.settings).user_for_session(stolen) is None
    assert audit_entries(site, user="compliance-user", action="logout")


def test_a_made_up_session_cookie_is_no_session(site):
    client = TestClient(site.app, cookies={"vigil_session": "not-a-session"})
    assert client.get("/search", follow_redirects=False).status_code == 303


# --- CSRF ---------------------------------------------------------------------------------------


def test_posts_without_the_forms_token_are_refused(site):
    client = site.client("admin")
    for path, data in (("/logout", {}), ("/case", {"case": "OP-1"}),
                       ("/search/saved", {"title": "x", "query": "q=mdma"}),
                       ("/export.csv", {"sel": f"nightowl/{site.listing}"})):
        response = client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 403, path
        assert "security token" in response.text
    assert client.get("/search").status_code == 200  # still logged in: the logout was refused


def test_another_sessions_token_is_refused(site):
    mine, theirs = site.client("admin"), site.client("admin")
    token = csrf_of(theirs.get("/search").text)
    assert mine.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 403


def test_login_without_the_forms_cookie_and_token_is_refused(site):
    client = TestClient(site.app)
    response = client.post("/login", data={"username": "admin-user", "password": PASSWORD, "csrf": "0" * 64},
                           follow_redirects=False)
    assert response.status_code == 403 and "vigil_session" not in response.headers.get("set-cookie", "")


# --- the login rate limit -------------------------------------------------------------------------


def test_five_failures_from_one_address_get_429_with_retry_after_even_for_the_right_password(site):
    client = TestClient(create_app(site.settings), client=("203.0.113.5", 4000))  # its own limiter
    for _ in range(5):
        assert login(client, "nobody-in-particular", "guess").status_code == 401
    response = login(client, "admin-user", PASSWORD)  # another user, same address
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 300
    assert any(e["detail"] == {"reason": "rate limited"} for e in audit_entries(site, action="login_failed"))


def test_five_failures_for_one_user_name_lock_it_from_every_address(site):
    app = create_app(site.settings)  # its own limiter
    for i in range(5):
        client = TestClient(app, client=(f"192.0.2.{i + 1}", 4000))
        assert login(client, "monitor-user", "guess").status_code == 401
    fresh = TestClient(app, client=("192.0.2.77", 4000))
    assert login(fresh, "monitor-user", PASSWORD).status_code == 429
    assert login(fresh, "admin-user", PASSWORD).status_code == 303  # other names are not locked


def test_the_limit_lifts_once_the_failures_age_out():
    now = [1000.0]
    limiter = LoginLimiter(failures=5, window=300, clock=lambda: now[0])
    for _ in range(5):
        limiter.failed("client:a", "user:b")
    assert limiter.retry_after("client:a") == 301 and limiter.retry_after("user:b") == 301
    now[0] += 299
    assert limiter.retry_after("user:b") == 2
    now[0] += 1
    assert limiter.retry_after("client:a", "user:b") == 0


# --- roles --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_pages_its_permissions_allow_and_403_elsewhere(site, role):
    client = site.client(role)
    for template, permission in PAGES.items():
        response = client.get(site.url(template), follow_redirects=False)
        expected = 200 if allowed(role, permission) else 403
        assert response.status_code == expected, (role, template, response.text[-500:])
        if expected == 403:
            assert "Not allowed" in response.text


def test_the_header_bar_links_only_what_the_role_may_open(site):
    page = site.client("monitor").get("/markets").text
    assert 'href="/markets"' in page and 'href="/search"' not in page


# --- headers on every response ---------------------------------------------------------------------


def test_every_route_sends_the_csp_and_security_headers(site):
    client = site.client("admin")
    anonymous = TestClient(site.app)
    responses = [client.get(site.url(t), follow_redirects=False) for t in PAGES]
    responses += [client.get(p, follow_redirects=False) for p in (
        "/", "/account", "/no/such/page", "/listings/nightowl/no-such-listing", "/evidence/" + "0" * 64,
        "/evidence/not-a-hash", "/static/vigil.css", "/static/vendor/htmx/htmx.min.js")]
    responses += [anonymous.get(p, follow_redirects=False) for p in ("/login", "/search", "/")]
    responses.append(anonymous.post("/csp-report", content=b"{}"))
    for response in responses:
        where = f"{response.request.url} -> {response.status_code}"
        assert response.headers["content-security-policy"] == CSP, where
        assert response.headers["x-content-type-options"] == "nosniff", where
        assert response.headers["referrer-policy"] == "no-referrer", where
        assert response.headers["x-frame-options"] == "DENY", where


def test_no_page_has_an_inline_script_style_or_event_handler(site):
    import re

    client = site.client("admin")
    for template in [t for t, p in PAGES.items() if not t.startswith("/export")] + ["/login"]:
        html = client.get(site.url(template)).text
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (template, tag)
        assert "<style" not in html and " style=" not in html, template
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), template
        assert "javascript:" not in html, template


def test_the_vendored_libraries_are_served_from_the_app(site):
    client = site.client("admin")
    for path in ("/static/vendor/htmx/htmx.min.js", "/static/vendor/uplot/uPlot.iife.min.js",
                 "/static/vigil.js", "/static/vigil.css"):
        response = client.get(path)
        assert response.status_code == 200 and len(response.content) > 500, path
    assert "https://" not in client.get("/search").text.split("<main")[0]  # no CDN in the head


# --- CSP reports, the case reference, the audit log --------------------------------------------------


def test_csp_reports_are_counted_and_the_count_is_a_test_hook_only(site, tmp_path):
    client = TestClient(site.app)
    before = client.get("/csp-report/count").json()["count"]
    report = {"csp-report": {"violated-directive": "script-src", "blocked-uri": "inline"}}
    assert client.post("/csp-report", json=report).status_code == 204
    assert client.get("/csp-report/count").json()["count"] == before + 1
    hooks_off = TestClient(create_app(site.settings.with_overrides(web_test_hooks=False)))
    assert hooks_off.get("/csp-report/count").status_code == 404


def test_every_view_is_audited_with_the_case_reference(site):
    client = site.client("investigator")
    page = client.get("/search")
    assert client.post("/case", data={"case": "OP-2026/17", "csrf": csrf_of(page.text), "next": "/search"},
                       follow_redirects=False).status_code == 303
    client.get("/search?q=ketamine&market=nightowl")
    client.get(site.url("/listings/nightowl/{listing}"))
    client.get(site.url("/vendors/nightowl/{vendor}"))
    client.get(site.url("/evidence/{sha256}"))
    client.get("/export.csv?market=nightowl")
    entries = audit_entries(site, user="investigator-user")
    mine = {e["action"]: e for e in entries if e["case"] == "OP-2026/17"}
    assert mine["search"]["target"] == "q=ketamine&market=nightowl"
    assert mine["view_listing"]["target"] == f"nightowl:{site.listing}"
    assert mine["view_vendor"]["target"] == f"nightowl:{site.vendor}"
    assert mine["view_evidence"]["target"] == site.sha256
    assert mine["export"]["target"] == "market=nightowl" and mine["export"]["detail"]["format"] == "csv"
    assert all(e["client"] == "testclient" for e in mine.values())
    assert "OP-2026/17" in client.get("/search").text  # shown in the header bar


def test_a_case_reference_with_markup_is_refused(site):
    client = site.client("investigator")
    page = client.get("/search")
    response = client.post("/case", data={"case": "<script>", "csrf": csrf_of(page.text)})
    assert response.status_code == 400


def test_saved_searches_are_saved_listed_loaded_and_deleted_with_csrf(site):
    client = site.client("compliance")
    page = client.get("/search")
    form = {"title": "ketamine NL", "query": "q=ketamine&market=nightowl", "csrf": csrf_of(page.text)}
    response = client.post("/search/saved", data=form, follow_redirects=False)
    assert response.status_code == 303
    saved = Accounts.open(site.settings).saved_searches("compliance-user")
    item = next(s for s in saved if s["title"] == "ketamine NL")
    page = client.get("/search").text
    assert 'href="/search?q=ketamine&amp;market=nightowl">ketamine NL</a>' in page
    response = client.post(f"/search/saved/{item['id']}/delete", data={"csrf": csrf_of(page)},
                           follow_redirects=False)
    assert response.status_code == 303
    assert all(s["id"] != item["id"] for s in Accounts.open(site.settings).saved_searches("compliance-user"))


def test_an_unknown_filter_value_is_a_400_page_naming_it(site):
    response = site.client("admin").get("/search?class=not-a-class")
    assert response.status_code == 400 and "not-a-class" in response.text



def test_the_roles_table_in_the_docs_is_the_matrix():
    from helpers import ROOT

    from vigil.accounts import PERMISSIONS

    text = (ROOT / "docs" / "web.md").read_text()
    table = text.split("## Roles")[1].split("\n\n")[2]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]
    documented = {(row[0], role) for row in rows
                  for role, cell in zip(ROLES, row[1:], strict=True) if cell == "yes"}
    assert {row[0] for row in rows} == set(PERMISSIONS)
    assert documented == {(p, r) for p in PERMISSIONS for r in ROLES if allowed(r, p)}


def test_the_signing_key_is_made_once_private_and_kept(tmp_path):
    from vigil.web.security import signing_key

    first = signing_key(tmp_path / "web")
    assert len(first) == 32 and signing_key(tmp_path / "web") == first
    assert (tmp_path / "web" / "secret.key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in (tmp_path / "web").iterdir()] == ["secret.key"]
