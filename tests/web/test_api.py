"""The REST API on the demo world: bearer tokens and roles, every endpoint against the service it
calls, cursor paging, errors as JSON, the OpenAPI document, and one audit entry per call."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from vigil.accounts import ROLES, Accounts, AuditLog, allowed
from vigil.services.evidence import evidence_bytes, evidence_info
from vigil.services.health import market_health
from vigil.services.listings import listing_detail
from vigil.services.runs import list_runs
from vigil.services.search import SearchRequest, search
from vigil.services.vendors import vendor_profile
from vigil.settings import Settings
from vigil.web.api import build_api
from vigil.web.api.operations import class_substances, trends

PASSWORD = "api test password"


@dataclass
class Api:
    settings: Settings
    client: TestClient
    tokens: dict[str, str]  # role -> a token of a user with that role
    listing: dict[str, Any]  # a listing with a vendor and evidence

    def get(self, url: str, role: str = "admin", **headers: str):
        return self.client.get(url, headers={"Authorization": f"Bearer {self.tokens[role]}", **headers})

    def json(self, url: str, role: str = "admin") -> Any:
        response = self.get(url, role)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def api(demo_index, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The API on a copy of the demo data (its own accounts and audit log), a user per role."""
    data = tmp_path_factory.mktemp("api") / "data"
    shutil.copytree(demo_index.data, data, ignore=shutil.ignore_patterns("web"))
    settings = Settings(data_dir=data)
    accounts = Accounts.open(settings)
    tokens = {}
    for role in ROLES:
        accounts.add_user(f"api-{role}", role, PASSWORD)
        tokens[role] = accounts.issue_token(f"api-{role}", label="tests")
    hits = search(settings, SearchRequest(limit=1000))["hits"]
    listing = next(h for h in hits if h["vendor"] and h["evidence"] and h["status"] == "active")
    with TestClient(build_api(settings)) as client:
        yield Api(settings, client, tokens, listing)


def endpoints(api: Api) -> dict[str, str]:
    """Each endpoint with real arguments, and the permission it needs."""
    lst = api.listing
    sha = lst["evidence"][0]
    return {
        "/search?q=&limit=5": "search",
        f"/listings/{lst['market']}/{lst['listing_id']}": "view",
        f"/vendors/{lst['market']}/{lst['vendor']}": "view",
        f"/evidence/{sha}": "evidence",
        f"/evidence/{sha}/raw": "evidence",
        "/runs": "runs",
        "/markets": "markets",
        "/trends?interval=day": "search",
    }


def test_every_endpoint_needs_a_token(api: Api) -> None:
    for url in endpoints(api):
        response = api.client.get(url)
        assert response.status_code == 401, url
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json() == {"error": "an API token is needed: Authorization: Bearer TOKEN"}


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Basic YWRtaW46YWRtaW4=", "Bearer"])
def test_a_bad_token_is_401(api: Api, header: str) -> None:
    response = api.client.get("/runs", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "error" in response.json()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_what_its_permissions_allow_and_gets_403_elsewhere(api: Api, role: str) -> None:
    for url, permission in endpoints(api).items():
        response = api.get(url, role)
        expected = 200 if allowed(role, permission) else 403
        assert response.status_code == expected, (role, url, response.text)
        if expected == 403:
            assert response.json() == {"error": f"role {role!r} lacks the {permission!r} permission"}


def test_a_revoked_token_or_a_disabled_user_is_401(api: Api) -> None:
    accounts = Accounts.open(api.settings)
    accounts.add_user("api-leaver", "investigator", PASSWORD)
    token = accounts.issue_token("api-leaver")
    other = accounts.issue_token("api-leaver")
    auth = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/search", headers=auth).status_code == 200
    accounts.revoke_tokens("api-leaver")
    assert api.client.get("/search", headers=auth).status_code == 401
    accounts.add_user("api-disabled", "investigator", PASSWORD)
    token = accounts.issue_token("api-disabled")
    accounts.disable("api-disabled")
    response = api.client.get("/search", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert api.client.get("/search", headers={"Authorization": f"Bearer {other}"}).status_code == 401


def test_search_answers_what_the_service_returns(api: Api) -> None:
    cases = [
        ("q=&limit=50", SearchRequest(limit=50)),
        ("q=ketamine&status=active&limit=10", SearchRequest(text="ketamine", status="active", limit=10)),
        (f"market={api.listing['market']}&sort=price&limit=20",
         SearchRequest(markets=(api.listing["market"],), sort="price", limit=20)),
        ("class=stimulant&class=dissociative&facet=substance&facet=market&limit=5",
         SearchRequest(classes=("stimulant", "dissociative"), facets=("substance", "market"), limit=5)),
        ("ships_to=EU&min_price=10&max_price=500&sort=-last_seen&limit=30",
         SearchRequest(ships_to=("EU",), min_price=10, max_price=500, sort="-last_seen", limit=30)),
    ]
    for query, request in cases:
        got = api.json(f"/search?{query}", "investigator")
        expected = search(api.settings, request)
        assert got["total"] == expected["total"] > 0, query
        assert got["hits"] == expected["hits"], query
        assert got.get("facets") == expected.get("facets"), query
        assert (got["next_cursor"] is None) == (expected["next_after"] is None), query


@pytest.mark.parametrize("sort", ["relevance", "price", "-last_seen", "first_seen"])
def test_cursor_paging_walks_every_match_once(api: Api, sort: str) -> None:
    everything = search(api.settings, SearchRequest(sort=sort, limit=10_000))
    expected = [(h["market"], h["listing_id"]) for h in everything["hits"]]
    assert len(expected) == everything["total"] > 20
    seen: list[tuple[str, str]] = []
    url, pages = f"/search?sort={sort}&limit=7", 0
    while True:
        page = api.json(url, "compliance")
        assert page["total"] == everything["total"] and len(page["hits"]) <= 7
        seen += [(h["market"], h["listing_id"]) for h in page["hits"]]
        pages += 1
        if page["next_cursor"] is None:
            break
        url = f"/search?sort={sort}&limit=7&cursor={page['next_cursor']}"
    assert seen == expected  # the same order, no duplicate, no gap
    assert pages == -(-len(expected) // 7)


def test_a_cursor_from_another_query_or_a_forged_one_is_400(api: Api) -> None:
    cursor = api.json("/search?sort=price&limit=3")["next_cursor"]
    assert cursor
    assert api.get(f"/search?sort=price&limit=10&cursor={cursor}").status_code == 200  # page size may change
    for url in (f"/search?sort=-price&limit=3&cursor={cursor}", f"/search?q=mdma&sort=price&cursor={cursor}"):
        response = api.get(url)
        assert response.status_code == 400, url
        assert response.json()["error"].startswith("cursor: it belongs to another query")
    for forged in ("garbage", "eyJ2IjoxfQ", cursor[:-4]):
        response = api.get(f"/search?sort=price&cursor={forged}")
        assert response.status_code == 400 and response.json()["error"].startswith("cursor"), forged


def test_listing_vendor_and_evidence_answer_what_the_services_return(api: Api) -> None:
    lst = api.listing
    market, listing_id, vendor = lst["market"], lst["listing_id"], lst["vendor"]
    assert api.json(f"/listings/{market}/{listing_id}", "compliance") == listing_detail(
        api.settings, market, listing_id)
    assert api.json(f"/listings/{market}/{listing_id}?feedback=1") == listing_detail(
        api.settings, market, listing_id, feedback=1)
    profile = vendor_profile(api.settings, market, vendor)
    assert api.json(f"/vendors/{market}/{vendor}", "investigator") == profile
    sha = lst["evidence"][0]
    assert api.json(f"/evidence/{sha}", "compliance") == evidence_info(api.settings, sha)


def test_raw_evidence_is_a_download_that_hashes_to_its_address(api: Api) -> None:
    sha = api.listing["evidence"][0]
    response = api.get(f"/evidence/{sha}/raw", "investigator")
    assert response.status_code == 200
    assert response.content == evidence_bytes(api.settings, sha)
    assert hashlib.sha256(response.content).hexdigest() == sha
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["X-Vigil-SHA256"] == sha
    assert response.headers["Content-Disposition"] == f'attachment; filename="{sha}.bin"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_raw_evidence_whose_bytes_were_altered_is_never_sent(api: Api) -> None:
    from index.evidence import EvidenceVault

    sha = api.listing["evidence"][0]
    path = EvidenceVault(api.settings.evidence_dir).path_for(sha)
    original = path.read_bytes()
    try:
        path.write_bytes(gzip.compress(b"<html>forged</html>"))
        response = api.get(f"/evidence/{sha}/raw", "investigator")
        assert response.status_code == 500
        assert list(response.json()) == ["error"] and sha in response.json()["error"]
        assert b"forged" not in response.content
        info = api.json(f"/evidence/{sha}", "investigator")
        assert info["intact"] is False and info == evidence_info(api.settings, sha)
    finally:
        path.write_bytes(original)


def test_runs_markets_and_trends_answer_what_the_services_return(api: Api) -> None:
    assert api.json("/runs", "monitor") == list_runs(api.settings)
    market = api.listing["market"]
    assert api.json(f"/runs?market={market}&limit=1") == list_runs(api.settings, market, 1)
    markets = api.json("/markets", "monitor")
    health = market_health(api.settings)
    assert [{k: v for k, v in m.items() if k != "session"} for m in markets] == health
    by_name = {m["market"]: m for m in markets}
    assert by_name[market]["session"]["stored"] is False
    assert "cookies" in by_name[market]["session"]
    got = api.json("/trends?interval=day&class=dissociative", "investigator")
    assert got == trends(api.settings, klass="dissociative", interval="day")
    assert got["substances"] == list(class_substances("dissociative"))
    assert got["listings"]
    assert api.json("/trends?substance=Ketamin&interval=all") == trends(
        api.settings, substances=("Ketamin",), interval="all")
    everything = api.json("/trends?interval=week")
    assert everything == trends(api.settings, interval="week")
    assert everything["prices"] and everything["substances"] == []


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/search?class=not-a-class", 400, "unknown class 'not-a-class'"),
        ("/search?market=nowhere", 400, "unknown market 'nowhere'"),
        ("/search?since=yesterday", 400, "since expects a date"),
        ("/search?limit=0", 400, "limit: "),
        ("/search?limit=5000", 400, "limit: "),
        ("/listings/nightowl/no-such-listing", 404, "no listing 'no-such-listing'"),
        ("/vendors/nightowl/nobody-at-all", 404, "no vendor 'nobody-at-all'"),
        ("/evidence/not-a-hash", 400, ""),
        (f"/evidence/{hashlib.sha256(b'never fetched').hexdigest()}/raw", 404, "no evidence"),
        ("/trends?interval=fortnight", 400, "interval must be one of"),
        ("/trends?class=nope", 400, "unknown class 'nope'"),
        ("/runs?market=nowhere", 400, "unknown market 'nowhere'"),
        ("/no-such-endpoint", 404, ""),
    ],
)
def test_errors_are_json_with_the_right_status(api: Api, url: str, status: int, message: str) -> None:
    response = api.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert list(response.json()) == ["error"] and message in response.json()["error"]


def test_an_index_that_does_not_answer_is_503(demo_index, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", store="elasticsearch", es_url="http://127.0.0.1:9",
                        es_timeout=2)
    accounts = Accounts.open(settings)
    accounts.add_user("api-es", "admin", PASSWORD)
    token = accounts.issue_token("api-es")
    with TestClient(build_api(settings)) as client:
        response = client.get("/search?q=mdma", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.json() == {"error": "the index is unavailable"}


def test_the_openapi_document_is_valid_and_describes_every_endpoint(api: Api) -> None:
    response = api.client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["info"]["title"] == "Vigil API" and document["info"]["version"] == "1"
    assert set(document["paths"]) == {
        "/search", "/listings/{market}/{listing_id}", "/vendors/{market}/{alias}", "/evidence/{sha256}",
        "/evidence/{sha256}/raw", "/runs", "/markets", "/trends"}
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    search_op = document["paths"]["/search"]["get"]
    names = {p["name"] for p in search_op["parameters"]}
    assert {"q", "class", "substance", "cursor", "limit", "X-Vigil-Case"} <= names
    listing = document["components"]["schemas"]["Listing"]["properties"]
    assert {"market", "listing_id", "title", "price", "substances", "evidence"} <= set(listing)


def test_every_answer_fits_the_schema_the_openapi_document_gives_for_it(api: Api) -> None:
    """The answers are the services' dicts as they are: the document must describe them truly."""
    from openapi_schema_validator import OAS31Validator

    document = api.client.get("/openapi.json").json()
    for url in endpoints(api):
        if url.endswith("/raw"):
            continue
        path = next(p for p in document["paths"] if _matches(p, url.split("?")[0]))
        schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        OAS31Validator({**schema, "components": document["components"]}).validate(api.json(url))


def _matches(template: str, path: str) -> bool:
    parts, wanted = template.split("/"), path.split("/")
    if len(parts) != len(wanted):
        return False
    return all(p.startswith("{") or p == w for p, w in zip(parts, wanted, strict=True))


def test_every_call_is_audited_with_user_path_and_case(api: Api) -> None:
    audit = AuditLog.open(api.settings)
    before = audit.count()
    calls = [(url, role) for url in endpoints(api) for role in ("investigator", "monitor")]
    for index, (url, role) in enumerate(calls):
        api.get(url, role, **{"X-Vigil-Case": f"CASE-{index}"})
    entries = list(reversed(audit.entries(limit=len(calls) + 10)))[-len(calls):]
    assert audit.count() == before + len(calls)
    for index, ((url, role), entry) in enumerate(zip(calls, entries, strict=True)):
        permission = endpoints(api)[url]
        assert entry["user"] == f"api-{role}"
        assert entry["action"] == ("api" if allowed(role, permission) else "api_denied")
        assert entry["target"] == url
        assert entry["case"] == f"CASE-{index}"
        assert entry["client"] == "testclient"
        assert entry["detail"] == {"permission": permission}
    assert audit.verify().ok


def test_the_case_header_is_kept_without_control_or_bidi_characters(api: Api) -> None:
    for sent, kept in ((" CASE-7\u202e1\t".encode(), "CASE-71"), ("Fall-Köln-3".encode(), "Fall-Köln-3"),
                       (b"x" * 500, "x" * 200)):
        auth = f"Bearer {api.tokens['admin']}"
        api.client.get("/runs", headers={"Authorization": auth, "X-Vigil-Case": sent})
        assert AuditLog.open(api.settings).entries(limit=1)[0]["case"] == kept


def test_a_call_without_a_token_is_not_audited(api: Api) -> None:
    audit = AuditLog.open(api.settings)
    before = audit.count()
    api.client.get("/search")
    api.client.get("/search", headers={"Authorization": "Bearer wrong"})
    assert audit.count() == before


def test_api_answers_are_not_cached(api: Api) -> None:
    response = api.get("/runs")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_web_app_serves_the_api_at_api_v1(api: Api) -> None:
    from vigil.web.app import create_app

    with TestClient(create_app(api.settings)) as client:
        document = client.get("/api/v1/openapi.json")
        assert document.status_code == 200 and document.json()["info"]["title"] == "Vigil API"
        auth = {"Authorization": f"Bearer {api.tokens['investigator']}", "X-Vigil-Case": "CASE-MOUNTED"}
        assert client.get("/api/v1/search?limit=3").status_code == 401
        got = client.get("/api/v1/search?q=ketamine&limit=3", headers=auth)
        assert got.status_code == 200
        assert got.json()["hits"] == search(api.settings, SearchRequest(text="ketamine", limit=3))["hits"]
        sha = api.listing["evidence"][0]
        raw = client.get(f"/api/v1/evidence/{sha}/raw", headers=auth)
        assert raw.headers["content-type"] == "application/octet-stream"
        assert raw.headers["Content-Disposition"] == f'attachment; filename="{sha}.bin"'
        assert hashlib.sha256(raw.content).hexdigest() == sha
    entry = AuditLog.open(api.settings).entries(limit=1)[0]
    assert (entry["user"], entry["target"], entry["case"]) == (
        "api-investigator", f"/api/v1/evidence/{sha}/raw", "CASE-MOUNTED")
