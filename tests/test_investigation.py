"""Investigating what was crawled: search, one listing, one vendor, the runs, the evidence.

One demo world is crawled once (day 1, then day 2) into a temporary data dir. Every test
reads it through the `vigil` command and checks what a user sees against the simulator's
ground truth (`demo.World`, `demo.changes`), never against Vigil's own parsing. Exit codes
and `error:` lines are checked in a real process (`run_vigil`); checks that fan out over
many records use the same Typer app in-process.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, run_vigil, vigil_on_a_terminal
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from demo import Changes, ListingTruth, VendorTruth, World, changes
from demo.markets.nightowl import btc
from index.evidence import EvidenceVault
from vigil.cli.main import app
from vigil.cli.search import _cell
from vigil.services.errors import NotFound, UsageError

SEED, LISTINGS = 7, 40
CRAWLED = ("nightowl", "rc-labor")  # static markets only: swapbay (Chromium) is in test_browser.py
SHA256 = re.compile(r"[0-9a-f]{64}")
SEARCH_KEYS = {"market", "listing_id", "url", "title", "vendor", "price", "price_alt", "ships_from",
               "ships_to", "status", "first_seen", "last_seen", "substances", "extraction", "evidence"}

DAY1 = World(SEED, LISTINGS, day=1).truth()
DAY2 = World(SEED, LISTINGS, day=2).truth()
CHANGES: dict[str, Changes] = changes(SEED, LISTINGS, 1, 2)


def seen(market: str) -> dict[str, ListingTruth]:
    """Every listing the market showed on day 1 or day 2, as last shown."""
    return {**DAY1[market].listings, **DAY2[market].listings}


def vendors(market: str) -> dict[str, VendorTruth]:
    return {**DAY1[market].vendors, **DAY2[market].vendors}


@dataclass(frozen=True)
class Crawled:
    data: Path

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`vigil ARGS --data-dir DATA` in a fresh process."""
        return run_vigil(*args, "--data-dir", str(self.data))

    def json(self, *args: str) -> Any:
        """`vigil ARGS --json` in-process (for checks that fan out over many records)."""
        result = CliRunner().invoke(app, [*args, "--json", "--data-dir", str(self.data)])
        assert result.exit_code == 0, (result.output, result.exception)
        return json.loads(result.stdout)

    def hits(self, *args: str) -> list[dict[str, Any]]:
        """`vigil search ARGS --format json` in-process, every hit."""
        args = ("search", *args, "--format", "json", "--limit", "10000", "--data-dir", str(self.data))
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, (result.output, result.exception)
        return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    """The demo world crawled on day 1, then on day 2, into a fresh data dir."""
    data = tmp_path_factory.mktemp("investigation") / "data"
    for day in ("1", "2"):
        result = run_vigil("demo", "run", "--day", day, "--seed", str(SEED), "--listings", str(LISTINGS),
                           "--data-dir", str(data), "--progress", "0",
                           *(arg for market in CRAWLED for arg in ("--market", market)),
                           env={"VIGIL_REMOVE_AFTER_RUNS": "1"})  # day 2 removes what vanished
        assert result.returncode == 0, result.stderr[-3000:]
    return Crawled(data)


def vigil_bytes(*args: str, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    """`vigil ARGS` in a fresh process, stdout kept as raw bytes (or sent where asked)."""
    env = {**os.environ, "VIGIL_PROGRESS_INTERVAL": "0"}
    return subprocess.run([sys.executable, "-m", "vigil", *args], stdout=stdout,
                          stderr=subprocess.PIPE, env=env, cwd=ROOT, timeout=120)


def first(ids: set[str]) -> str:
    return sorted(ids)[0]


# --- vigil search -------------------------------------------------------------------------


def test_search_json_prints_every_crawled_listing_once_with_the_documented_fields(crawled):
    hits = crawled.hits()
    expected = {(m, lid) for m in CRAWLED for lid in seen(m)}
    assert sorted((h["market"], h["listing_id"]) for h in hits) == sorted(expected)
    for hit in hits:
        assert set(hit) >= SEARCH_KEYS
        truth = seen(hit["market"])[hit["listing_id"]]
        assert hit["title"] == truth.title and hit["vendor"] == truth.vendor
        assert set(hit["price"]) == {"amount", "currency", "eur"}
        assert (hit["price"]["amount"], hit["price"]["currency"]) == (str(truth.price), truth.currency)
        active = hit["listing_id"] in DAY2[hit["market"]].listings
        assert hit["status"] == ("active" if active else "removed")
        assert hit["evidence"] and all(SHA256.fullmatch(h) for h in hit["evidence"])


def test_search_json_flag_is_format_json(crawled):
    flag = crawled.cli("search", "cocaine", "--json")
    option = crawled.cli("search", "cocaine", "--format", "json")
    assert flag.returncode == option.returncode == 0
    assert flag.stdout == option.stdout and flag.stdout.strip()


def test_search_csv_has_a_header_and_one_row_per_json_hit(crawled):
    result = crawled.cli("search", "--format", "csv", "--limit", "10000")
    assert result.returncode == 0, result.stderr
    header, *rows = list(csv.reader(io.StringIO(result.stdout)))
    assert header == ["market", "listing_id", "title", "substances", "vendor", "price_amount",
                      "price_currency", "price_eur", "ships_from", "ships_to", "status", "first_seen",
                      "last_seen", "url"]
    hits = crawled.hits()
    assert len(rows) == len(hits)
    assert sorted((r[0], r[1]) for r in rows) == sorted((h["market"], h["listing_id"]) for h in hits)
    titles = {(h["market"], h["listing_id"]): h["title"] for h in hits}
    for row in rows:
        assert row[2] in (titles[row[0], row[1]], "'" + titles[row[0], row[1]])


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
        ("+31 6 123", "'+31 6 123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Ketamine 1g =5", "Ketamine 1g =5"),
        (12.5, "12.5"),
        (None, ""),
    ],
)
def test_csv_cell_that_a_spreadsheet_would_run_as_a_formula_starts_with_a_quote(value, cell):
    assert _cell(value) == cell


def test_search_table_shows_the_listings_and_how_many_there_are(crawled):
    result = crawled.cli("search", "--market", "rc-labor", "--limit", "5", "--format", "table")
    assert result.returncode == 0, result.stderr
    assert "market" in result.stdout and "rc-labor" in result.stdout
    assert result.stdout.rstrip().endswith(f"1-5 of {len(seen('rc-labor'))} listings")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--class", "bogus"),
        ("--market", "bogus"),
        ("--ships-from", "Netherlands"),
        ("--since", "notadate"),
        ("--format", "xml"),
    ],
)
def test_search_with_an_unknown_value_is_an_error_not_an_empty_result(crawled, option, value):
    result = crawled.cli("search", "ketamine", option, value)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert value.lower() in lines[0].lower()


def test_substance_is_found_by_any_of_its_names(crawled):
    german = {(h["market"], h["listing_id"]) for h in crawled.hits("--substance", "Ketamin")}
    english = {(h["market"], h["listing_id"]) for h in crawled.hits("--substance", "ketamine")}
    truth = {(m, lid) for m in CRAWLED for lid, t in seen(m).items() if t.substance == "ketamine"}
    assert german == english == truth != set()


def test_the_bitcoin_price_nightowl_shows_is_kept_and_searchable(crawled):
    hits = crawled.hits("--market", "nightowl")
    assert hits
    for hit in hits:
        shown = f"BTC {btc(seen('nightowl')[hit['listing_id']].price)}"
        assert hit["price_alt"]["text"] == shown
        assert (hit["price_alt"]["currency"], hit["price_alt"]["amount"]) == ("BTC", shown.split()[1])
    some = hits[0]
    found = crawled.hits(some["price_alt"]["text"], "--market", "nightowl")
    assert some["listing_id"] in {h["listing_id"] for h in found}
    assert len(crawled.hits("BTC", "--market", "nightowl")) == len(seen("nightowl"))


# --- vigil listing show -------------------------------------------------------------------


@pytest.mark.parametrize("market", CRAWLED)
def test_listing_changed_on_day_two_has_both_prices_in_its_history(crawled, market):
    lid = first(CHANGES[market].price_changed)
    detail = crawled.json("listing", "show", market, lid)
    before, after = DAY1[market].listings[lid], DAY2[market].listings[lid]
    assert (detail["market"], detail["listing_id"], detail["title"]) == (market, lid, after.title)
    assert detail["vendor"] == after.vendor and detail["status"] == "active"
    assert detail["description"] and detail["price"]["amount"] == str(after.price)
    assert [h["change"] for h in detail["history"]] == ["new", "changed"]
    assert [h["price"]["amount"] for h in detail["history"]] == [str(before.price), str(after.price)]
    assert [h["observed_at"][:10] for h in detail["history"]] == ["2026-01-05", "2026-01-06"]


@pytest.mark.parametrize("market", CRAWLED)
def test_listing_removed_on_day_two_ends_its_history_with_removed(crawled, market):
    lid = first(CHANGES[market].removed)
    detail = crawled.json("listing", "show", market, lid)
    assert detail["status"] == "removed" and detail["removed_at"].startswith("2026-01-06")
    assert [h["change"] for h in detail["history"]] == ["new", "removed"]
    assert detail["history"][-1]["available"] is False


@pytest.mark.parametrize("market", CRAWLED)
def test_listing_pages_are_preserved_evidence_that_cites_the_listing(crawled, market):
    lid = first(CHANGES[market].price_changed)
    pages = crawled.json("listing", "show", market, lid)["pages"]
    tabs = {"feedback", "terms"} if market == "nightowl" else set()  # nightowl's listing sub-pages
    assert {role for p in pages for role in p["roles"]} == {"card", "listing", *tabs}
    assert {p["fetched_at"][:10] for p in pages} == {"2026-01-05", "2026-01-06"}
    for page in pages:
        assert SHA256.fullmatch(page["sha256"]) and page["status"] == 200
        info = crawled.json("evidence", "info", page["sha256"])
        assert info["intact"] is True and info["url"] == page["url"]
        cites = {(c["record"], c["market"], c["key"], c["role"]) for c in info["cited_by"]}
        assert {("listing", market, lid, role) for role in page["roles"]} <= cites


def test_listing_show_prints_fields_history_and_pages_as_text(crawled):
    lid = first(CHANGES["nightowl"].price_changed)
    detail = crawled.json("listing", "show", "nightowl", lid)
    result = crawled.cli("listing", "show", "nightowl", lid)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert f"nightowl / {lid}: {DAY2['nightowl'].listings[lid].title}" in text
    assert f"price (alt)  BTC {btc(DAY2['nightowl'].listings[lid].price)}" in text
    history = text.split("  history\n")[1].split("  feedback ")[0].splitlines()
    assert [line.split()[3] for line in history] == ["new", "changed"]
    assert f"sales {DAY2['nightowl'].listings[lid].sales}" in history[-1]
    assert f"  feedback     {len(DAY2['nightowl'].listings[lid].feedback)} stored" in text
    for page in detail["pages"]:
        assert page["sha256"] in text


def test_listing_show_of_an_unknown_listing_is_exit_2(crawled):
    result = crawled.cli("listing", "show", "nightowl", "99999999")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: no listing '99999999' in market 'nightowl'")


# --- vigil vendor show --------------------------------------------------------------------


@pytest.mark.parametrize(("market", "alias"), [(m, a) for m in CRAWLED for a in vendors(m)])
def test_vendor_profile_has_the_simulators_identifiers_and_listings(crawled, market, alias):
    truth = vendors(market)[alias]
    profile = crawled.json("vendor", "show", market, alias)
    assert profile["pgp_fingerprints"] == ([truth.pgp_fingerprint] if truth.pgp_fingerprint else [])
    assert [a["address"] for a in profile["crypto_addresses"]] == truth.btc_addresses
    contacts = {(c["kind"], c["value"]) for c in profile["contacts"]}
    assert contacts and contacts <= {(k, v.removeprefix("@")) for k, v in truth.contacts}
    sold = {lid: lid in DAY2[market].listings for lid, t in seen(market).items() if t.vendor == alias}
    assert {x["listing_id"]: x["status"] == "active" for x in profile["listings"]} == sold
    # the same person elsewhere, as far as a crawled market can show it
    assert profile["other_markets"] == [
        {"market": m, "alias": a, "shared": ["alias"]} for m, a in truth.markets.items() if m in CRAWLED
    ]


def test_nightowl_vendor_profiles_have_every_contact_the_vendor_page_shows(crawled):
    for alias, truth in vendors("nightowl").items():
        profile = crawled.json("vendor", "show", "nightowl", alias)
        found = {(c["kind"], c["value"]) for c in profile["contacts"]}
        assert found == {(k, v.removeprefix("@")) for k, v in truth.contacts}, alias


def test_vendor_show_prints_identifiers_and_listings_as_text(crawled):
    alias, truth = next(iter(vendors("nightowl").items()))
    result = crawled.cli("vendor", "show", "nightowl", alias)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"nightowl / {alias}\n")
    assert f"  pgp          {truth.pgp_fingerprint}\n" in result.stdout
    assert f"BTC:{truth.btc_addresses[0]}" in result.stdout
    for lid, listing in seen("nightowl").items():
        if listing.vendor == alias:
            assert f"    {lid} " in result.stdout


def test_vendor_show_of_an_unknown_vendor_is_exit_2(crawled):
    result = crawled.cli("vendor", "show", "nightowl", "NoSuchVendor")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: no vendor 'NoSuchVendor' in market 'nightowl'")


# --- vigil runs ---------------------------------------------------------------------------


def test_runs_json_counts_what_the_simulator_changed_each_day(crawled):
    result = crawled.cli("runs", "--json")
    assert result.returncode == 0, result.stderr
    runs = json.loads(result.stdout)
    assert len(runs) == 4
    assert [r["id"] for r in runs] == sorted((r["id"] for r in runs), reverse=True)  # newest first
    assert {r["status"] for r in runs} == {"ok"}
    # the mirror each run used: the demo serves nightowl under its onion name, through Tor
    assert {r["mirror"].endswith(".onion") for r in runs if r["market"] == "nightowl"} == {True}
    assert {r["mirror"].startswith("http://127.0.0.1:") for r in runs if r["market"] != "nightowl"} == {True}
    for market in CRAWLED:
        day1, day2 = sorted((r for r in runs if r["market"] == market), key=lambda r: r["id"])
        assert day1["started_at"][:10] == "2026-01-05" and day2["started_at"][:10] == "2026-01-06"
        assert (day1["new"], day1["changed"], day1["removed"]) == (len(DAY1[market].listings), 0, 0)
        change = CHANGES[market]
        assert (day2["new"], day2["changed"], day2["removed"]) == (
            len(change.appeared), len(change.price_changed | change.trade_changed), len(change.removed))


def test_runs_prints_one_line_per_run(crawled):
    result = crawled.cli("runs")
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.strip().splitlines()
    assert header.split()[:3] == ["run", "market", "status"]
    assert sorted(line.split()[1] for line in lines) == sorted(CRAWLED * 2)
    assert {line.split()[2] for line in lines} == {"ok"}


# --- vigil evidence -----------------------------------------------------------------------


def a_listing_page(crawled: Crawled) -> dict[str, Any]:
    lid = first(CHANGES["nightowl"].price_changed)
    pages = crawled.json("listing", "show", "nightowl", lid)["pages"]
    return {**next(p for p in pages if p["roles"] == ["listing"]), "listing_id": lid}


def test_evidence_info_says_where_a_page_came_from_and_who_cites_it(crawled):
    page = a_listing_page(crawled)
    result = crawled.cli("evidence", "info", page["sha256"], "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    raw = vigil_bytes("evidence", "show", page["sha256"], "--data-dir", str(crawled.data)).stdout
    assert info["sha256"] == page["sha256"] and info["url"] == page["url"]
    assert info["url"].endswith(f"/listing/{page['listing_id']}/")
    assert (info["fetched_at"], info["status"], info["size"]) == (page["fetched_at"], 200, len(raw))
    assert info["intact"] is True and info["problem"] is None
    assert {"record": "listing", "market": "nightowl", "key": page["listing_id"],
            "role": "listing"} in info["cited_by"]
    text = crawled.cli("evidence", "info", page["sha256"])
    assert text.returncode == 0
    assert f"  url         {page['url']}" in text.stdout and "  intact      yes" in text.stdout
    assert f"listing      nightowl/{page['listing_id']}  as listing" in text.stdout


def test_evidence_show_writes_the_bytes_that_hash_to_the_address(crawled, tmp_path):
    page = a_listing_page(crawled)
    out = tmp_path / "page.html"
    with out.open("wb") as file:
        result = vigil_bytes("evidence", "show", page["sha256"], "--data-dir", str(crawled.data),
                             stdout=file)
    assert result.returncode == 0, result.stderr
    assert hashlib.sha256(out.read_bytes()).hexdigest() == page["sha256"]
    assert DAY1["nightowl"].listings[page["listing_id"]].title.encode() in out.read_bytes()


@pytest.fixture
def tampered(crawled, tmp_path) -> tuple[Path, str]:
    """A copy of the data dir whose preserved listing page now holds other bytes."""
    data = tmp_path / "data"
    shutil.copytree(crawled.data, data)
    sha256 = a_listing_page(crawled)["sha256"]
    EvidenceVault(data / "evidence").path_for(sha256).write_bytes(gzip.compress(b"<html>forged</html>"))
    return data, sha256


def test_evidence_show_refuses_altered_bytes_and_prints_nothing(tampered):
    data, sha256 = tampered
    result = vigil_bytes("evidence", "show", sha256, "--data-dir", str(data))
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr.decode().startswith(f"error: evidence {sha256} is altered or corrupt")


def test_evidence_info_reports_altered_bytes_as_not_intact(tampered):
    data, sha256 = tampered
    result = vigil_bytes("evidence", "info", sha256, "--json", "--data-dir", str(data))
    assert result.returncode == 1
    info = json.loads(result.stdout)
    forged = hashlib.sha256(b"<html>forged</html>").hexdigest()
    assert info["intact"] is False and forged in info["problem"]
    text = vigil_bytes("evidence", "info", sha256, "--data-dir", str(data))
    assert text.returncode == 1 and b"  intact      NO: hash mismatch" in text.stdout


def test_evidence_show_of_a_missing_file_is_exit_1(crawled, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(crawled.data, data)
    sha256 = a_listing_page(crawled)["sha256"]
    EvidenceVault(data / "evidence").path_for(sha256).unlink()
    result = vigil_bytes("evidence", "show", sha256, "--data-dir", str(data))
    assert result.returncode == 1 and result.stdout == b""
    assert b"the stored file is missing" in result.stderr


def on_a_terminal(*args: str) -> tuple[int, bytes, str]:
    """`vigil ARGS` with stdout on a pseudo-terminal: exit code, what the terminal got, stderr."""
    code, shown, stderr = vigil_on_a_terminal(*args)
    return code, shown, stderr.decode()


def test_evidence_show_refuses_a_terminal_unless_forced(crawled):
    page = a_listing_page(crawled)
    code, shown, stderr = on_a_terminal("evidence", "show", page["sha256"], "--data-dir", str(crawled.data))
    assert code == 2 and shown == b""
    assert stderr.startswith("error: refusing to write a market's raw page to a terminal")
    code, shown, _ = on_a_terminal("evidence", "show", page["sha256"], "--force",
                                   "--data-dir", str(crawled.data))
    assert code == 0
    # the terminal turns each "\n" into "\r\n" (the pages have no "\r" of their own)
    assert hashlib.sha256(shown.replace(b"\r\n", b"\n")).hexdigest() == page["sha256"]


@pytest.mark.parametrize("command", ["show", "info"])
def test_evidence_of_a_well_formed_but_unknown_hash_is_exit_2(crawled, command):
    unknown = hashlib.sha256(b"never fetched").hexdigest()
    result = crawled.cli("evidence", command, unknown)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"error: no evidence {unknown} in the index\n"


@pytest.mark.parametrize("command", ["show", "info"])
def test_evidence_of_a_malformed_hash_is_exit_2(crawled, command):
    result = crawled.cli("evidence", command, "../../../../etc/passwd")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: not a SHA-256 hex digest")


# --- no string reaches a file outside the data dir ----------------------------------------


class OpenRecorder:
    """Every path this process opens while recording, whichever API opens it: builtins.open,
    io.open (under pathlib), os.open, gzip, sqlite3.connect, directory listings. An audit hook,
    installed on first use (hooks cannot be removed) and idle outside `record`."""

    EVENTS = frozenset({"open", "os.listdir", "os.scandir", "sqlite3.connect"})

    def __init__(self) -> None:
        self.paths: list[object] | None = None
        self.installed = False

    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        if self.paths is not None and event in self.EVENTS:
            self.paths.append(args[0])

    def record(self, call: Any) -> tuple[Any, list[object]]:
        """`call()`'s result and every path it opened."""
        if not self.installed:
            sys.addaudithook(self._hook)
            self.installed = True
        self.paths = paths = []
        try:
            return call(), paths
        finally:
            self.paths = None


RECORDER = OpenRecorder()


def _inside(path: object, root: Path) -> bool:
    if isinstance(path, int):  # a descriptor already opened (and recorded) by path
        return True
    name = os.fsdecode(path)  # type: ignore[arg-type]
    if name.startswith("file:"):  # sqlite3 URI: file:/path?mode=ro
        name = name.removeprefix("file:").split("?")[0]
    try:
        return Path(name).resolve().is_relative_to(root.resolve())
    except (OSError, ValueError):
        return False


@pytest.fixture(scope="module")
def outside(crawled) -> dict[str, Any]:
    """Files next to the data dir that no hash may lead to, and the strings that try."""
    root = crawled.data.parent
    secret = b"SECRET-OUTSIDE-THE-DATA-DIR"
    secret_sha = hashlib.sha256(secret).hexdigest()
    (root / "secret.txt").write_bytes(secret)
    # a well-formed page where a vault rooted one level too high would look for it
    decoy = EvidenceVault(root / "evidence").path_for(secret_sha)
    decoy.parent.mkdir(parents=True, exist_ok=True)
    decoy.write_bytes(gzip.compress(secret))
    passwd = Path("/etc/passwd").read_bytes()[:40] if Path("/etc/passwd").is_file() else b""
    known = {p.name.removesuffix(".gz") for p in (crawled.data / "evidence").glob("*/*/*.gz")}
    real = sorted(known)[0]
    shapes = [
        "../../../../etc/passwd", "/etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "..%2f..%2fsecret.txt",
        "....//....//secret.txt", "../../../secret.txt", "../../../../secret.txt",
        str(root / "secret.txt"), f"file://{root / 'secret.txt'}", "~/.bashrc", ".", "..", "", " ",
        "../" * 18 + "etc/passwd",  # 64 characters, like a hash
        f"{real[:2]}/{real[3:]}", f"{real[:2]}/{real[2:4]}/{real}", f"{real}.gz", f"../{real}",
        real + "\x00", "\x00" * 64, real[:63] + "\x00", f"{real}\x00../../secret.txt",
        real.upper(), f"  {real}\n", secret_sha, secret_sha.upper(),
        real.translate(str.maketrans("0123456789abcdef", "０１２３４５６７８９ａｂｃｄｅｆ")),
    ]
    for command in ("show", "info"):  # import what these commands import before recording
        for value in (real, "not-a-hash", secret_sha):
            CliRunner().invoke(app, ["evidence", command, "--data-dir", str(crawled.data), "--", value])
    return {"secret": secret, "passwd": passwd, "real": real, "known": known, "shapes": shapes}


@settings(max_examples=200, deadline=None, database=None)
@given(data=st.data())
def test_no_string_given_as_a_hash_opens_or_prints_a_file_outside_the_data_dir(crawled, outside, data):
    value = data.draw(st.one_of(st.text(), st.sampled_from(outside["shapes"])), label="hash")
    candidate = value.strip().lower()
    runner = CliRunner()
    for command in ("show", "info"):
        args = ["evidence", command, "--data-dir", str(crawled.data), "--", value]
        result, opened = RECORDER.record(lambda args=args: runner.invoke(app, args, catch_exceptions=True))
        assert [p for p in opened if not _inside(p, crawled.data)] == [], value
        assert outside["secret"] not in result.stdout_bytes
        assert not outside["passwd"] or outside["passwd"] not in result.stdout_bytes
        if candidate in outside["known"]:  # a page's hash, in capitals or with spaces around
            assert result.exit_code == 0 and result.exception is None, result.exception
            if command == "show":
                assert hashlib.sha256(result.stdout_bytes).hexdigest() == candidate
        elif SHA256.fullmatch(candidate):
            assert isinstance(result.exception, NotFound) and result.stdout_bytes == b""
        else:
            assert isinstance(result.exception, UsageError) and result.stdout_bytes == b""
            assert opened == []  # refused before the index or the vault is opened


def test_the_open_recorder_sees_the_index_and_the_vault_read(crawled, outside):
    real = outside["real"]
    args = ["evidence", "show", "--data-dir", str(crawled.data), "--", real.upper()]
    result, opened = RECORDER.record(lambda: CliRunner().invoke(app, args))
    assert result.exit_code == 0 and hashlib.sha256(result.stdout_bytes).hexdigest() == real
    names = {os.fsdecode(p) for p in opened if not isinstance(p, int)}
    assert str(EvidenceVault(crawled.data / "evidence").path_for(real)) in names
    assert any(name.startswith("file:") and "vigil.sqlite3" in name for name in names)
