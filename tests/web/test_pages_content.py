"""What the pages show, checked against the simulator's own truth (`demo.World(...).truth()`,
never Vigil's output): listings, vendors, search facets, exports; the evidence viewer's sandbox;
and hostile text staying inert (escaping, visible bidi controls, highlighting by offsets)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from web_client import csrf_of, logged_in, private_data, web_settings

from demo import World, changes
from vigil.accounts import Accounts
from vigil.services.evidence import evidence_bytes
from vigil.services.search import SearchRequest, search
from vigil.settings import Settings
from vigil.web.app import create_app
from vigil.web.security import FRAME_CSP
from vigil.web.text import highlight, json_script, shown_text, visible

SEED, LISTINGS = 7, 40
CRAWLED = ("nightowl", "rc-labor")
DAY1 = World(SEED, LISTINGS, day=1).truth()
DAY2 = World(SEED, LISTINGS, day=2).truth()
CHANGES = changes(SEED, LISTINGS, 1, 2)
PASSWORD = "a long enough test password 8"


def seen(market: str) -> dict:
    return {**DAY1[market].listings, **DAY2[market].listings}


def words(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Site:
    settings: Settings
    client: TestClient

    def soup(self, url: str) -> BeautifulSoup:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.text[-1500:])
        return BeautifulSoup(response.text, "html.parser")


@pytest.fixture(scope="module")
def site(demo_index, tmp_path_factory) -> Site:
    data = private_data(demo_index.data, tmp_path_factory.mktemp("pages-content"))
    settings = web_settings(data)
    Accounts.open(settings).add_user("ivy", "admin", PASSWORD)
    return Site(settings, logged_in(create_app(settings), "ivy", PASSWORD))


def field(soup: BeautifulSoup, name: str) -> str:
    dt = next(d for d in soup.select("dl.fields dt") if d.get_text() == name)
    return words(dt.find_next_sibling("dd").get_text(" "))


# --- listings -------------------------------------------------------------------------------------


def test_the_listing_page_shows_the_simulators_listing(site):
    for market in CRAWLED:
        for lid, truth in list(DAY2[market].listings.items())[:6]:
            soup = site.soup(f"/listings/{market}/{lid}")
            assert soup.select_one("h1.listing-title").get_text() == truth.title
            assert soup.select_one("#vendor-link").get_text() == truth.vendor
            assert field(soup, "Price").startswith(f"{truth.price} {truth.currency} (")
            assert field(soup, "Status") == "active"
            if truth.ships_from:
                assert field(soup, "Ships from").split()[0] == truth.ships_from
            assert words(truth.description) in words(soup.select_one("div.description").get_text())
            if truth.sales is not None:
                assert field(soup, "Sales") == str(truth.sales)
                rows = soup.select("table.feedback tbody tr")
                assert [words(r.select("td")[2].get_text()) for r in rows] == [
                    words(f.text) for f in truth.feedback]


@pytest.mark.parametrize("market", CRAWLED)
def test_a_price_change_shows_both_prices_in_the_history_and_the_chart_data(site, market):
    lid = sorted(CHANGES[market].price_changed)[0]
    before, after = DAY1[market].listings[lid], DAY2[market].listings[lid]
    soup = site.soup(f"/listings/{market}/{lid}")
    rows = [[words(td.get_text()) for td in tr.select("td")] for tr in soup.select("table.history tbody tr")]
    assert [r[1] for r in rows] == ["new", "changed"]
    assert [r[3] for r in rows] == [f"{before.price} {before.currency}", f"{after.price} {after.currency}"]
    chart = json.loads(soup.select_one("script#history-data").get_text())
    assert len(chart["t"]) == 2 and chart["available"] == [1, 1] and None not in chart["eur"]


@pytest.mark.parametrize("market", CRAWLED)
def test_a_listing_removed_on_day_two_says_so(site, market):
    lid = sorted(CHANGES[market].removed)[0]
    soup = site.soup(f"/listings/{market}/{lid}")
    assert field(soup, "Status").startswith("removed (removed 2026-01-06")
    rows = soup.select("table.history tbody tr")
    assert [words(r.select("td")[1].get_text()) for r in rows] == ["new", "removed"]


def test_the_extraction_is_highlighted_where_the_substance_is(site):
    checked = 0
    for market in CRAWLED:
        for lid, truth in DAY2[market].listings.items():
            if not truth.substance or truth.substance.lower() not in truth.title.lower():
                continue
            soup = site.soup(f"/listings/{market}/{lid}")
            found = soup.select("h1.listing-title mark.x-substance, h1.listing-title mark.x-novel")
            marks = [m.get_text().lower() for m in found]
            assert any(truth.substance.lower() in m for m in marks), (market, lid, truth.title)
            for mark in soup.select("h1.listing-title mark"):  # each mark is a slice of the title
                assert mark.get_text() in truth.title
            checked += 1
    assert checked >= 5


def test_the_evidence_list_links_to_the_viewer(site):
    lid = sorted(CHANGES["nightowl"].price_changed)[0]
    soup = site.soup(f"/listings/nightowl/{lid}")
    links = [a["href"] for a in soup.select("table.evidence a.hash")]
    assert links and all(re.fullmatch(r"/evidence/[0-9a-f]{64}", h) for h in links)


# --- vendors --------------------------------------------------------------------------------------


def test_the_vendor_page_shows_the_simulators_vendor(site):
    for market in CRAWLED:
        vendors = {**DAY1[market].vendors, **DAY2[market].vendors}
        for alias, truth in list(vendors.items())[:4]:
            soup = site.soup(f"/vendors/{market}/{alias}")
            assert soup.select_one("h1.vendor-alias").get_text() == alias
            assert [c.get_text() for c in soup.select("#pgp code")] == (
                [truth.pgp_fingerprint] if truth.pgp_fingerprint else [])
            assert [c.get_text().split(":", 1)[1] for c in soup.select("#crypto code")] == truth.btc_addresses
            others = {words(li.get_text()).split(" (")[0] for li in soup.select("#other-markets li a")}
            assert {a for m, a in truth.markets.items() if m in CRAWLED} <= others
            titles = {a.get_text() for a in soup.select("table.hits a")}
            assert titles == {t.title for t in seen(market).values() if t.vendor == alias}
            activity = json.loads(soup.select_one("script#activity-data").get_text())
            assert activity["t"] and max(activity["listings"]) >= 1


# --- search and exports ---------------------------------------------------------------------------


def test_search_counts_every_crawled_listing_and_facets_count_the_markets(site):
    soup = site.soup("/search")
    total = sum(len(seen(m)) for m in CRAWLED)
    assert soup.select_one("#results-title").get_text() == f"{total} listings"
    counts = {lbl.select_one("input")["value"]: int(lbl.select_one(".count").get_text())
              for lbl in soup.select("#facet-market label")}
    assert counts == {m: len(seen(m)) for m in CRAWLED}


def test_a_facet_filter_finds_what_the_simulator_says(site):
    expected = {lid for lid, t in seen("nightowl").items() if t.substance == "ketamine"}
    found = set()
    for page in range(1, 5):
        soup = site.soup(f"/search?substance=ketamine&market=nightowl&page={page}")
        found |= {a["href"].rsplit("/", 1)[1] for a in soup.select("table.hits td a[href^='/listings/']")}
    assert found == expected != set()
    soup = site.soup("/search?substance=ketamine&market=nightowl")
    assert [i["value"] for i in soup.select("#facet-substance input[checked]")] == ["ketamine"]


def test_csv_export_of_a_search_equals_the_search(site):
    query = "market=rc-labor&status=active"
    response = site.client.get(f"/export.csv?{query}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    hits = search(site.settings, SearchRequest(markets=("rc-labor",), status="active", limit=1000))["hits"]
    assert [(r["market"], r["listing_id"], r["title"]) for r in rows] == [
        (h["market"], h["listing_id"], h["title"]) for h in hits]
    assert {r["listing_id"] for r in rows} == set(DAY2["rc-labor"].listings)


def test_json_export_of_a_selection_holds_exactly_the_selected_listings(site):
    page = site.client.get("/search?market=nightowl")
    chosen = sorted(DAY2["nightowl"].listings)[:3]
    response = site.client.post("/export.json", data={
        "csrf": csrf_of(page.text), "sel": [f"nightowl/{lid}" for lid in chosen]})
    assert response.status_code == 200
    exported = response.json()
    assert [(x["market"], x["listing_id"]) for x in exported] == [("nightowl", lid) for lid in chosen]
    assert [x["title"] for x in exported] == [DAY2["nightowl"].listings[lid].title for lid in chosen]


# --- evidence -------------------------------------------------------------------------------------


def test_the_evidence_viewer_frames_the_page_in_a_sandbox_with_no_network(site):
    lid = sorted(DAY2["nightowl"].listings)[0]
    soup = site.soup(f"/listings/nightowl/{lid}")
    sha256 = soup.select_one("table.evidence a.hash").get_text()
    page = site.client.get(f"/evidence/{sha256}")
    viewer = BeautifulSoup(page.text, "html.parser")
    frame = viewer.select_one("iframe#capture")
    tag = re.search(r"<iframe[^>]*>", page.text).group(0)
    assert re.search(r"\ssandbox[\s>]", tag) and "allow-" not in tag  # no allow-scripts, no allow-same-origin
    assert frame["src"] == f"/evidence/{sha256}/frame"
    assert viewer.select_one("#sha256").get_text() == sha256
    raw = evidence_bytes(site.settings, sha256)
    assert viewer.select_one("pre#source").get_text() == raw.decode("utf-8")
    framed = site.client.get(frame["src"])
    assert framed.status_code == 200 and framed.content == raw
    assert framed.headers["content-security-policy"] == FRAME_CSP + "; frame-ancestors 'self'"
    assert "img-src data:;" in framed.headers["content-security-policy"]  # no image from the web
    assert framed.headers["content-type"] == "text/html; charset=utf-8"
    assert "x-frame-options" not in framed.headers
    assert framed.headers["x-content-type-options"] == "nosniff"


def test_an_unknown_or_malformed_hash_is_an_error_page_not_a_file(site):
    assert site.client.get("/evidence/" + "a" * 64).status_code == 404
    assert site.client.get("/evidence/..%2F..%2Fetc%2Fpasswd").status_code in (400, 404)
    assert site.client.get("/evidence/" + "a" * 64 + "/frame").status_code == 404


def test_markets_runs_and_trends_pages_show_the_crawled_markets(site):
    soup = site.soup("/markets")
    for market in CRAWLED:
        row = soup.select_one(f"#market-{market}")
        assert row is not None and "ok · 2026-01-06" in words(row.get_text())
    runs = site.soup("/runs").select("table.runs tbody tr")
    assert len(runs) == 4  # two markets, two days
    rows = site.soup("/trends?interval=day").select("table.first tbody tr")
    assert len(rows) >= 5
    for row in rows:  # each first sighting is a listing the simulator showed, on the day it appeared
        market, lid = row.select_one("a")["href"].split("/")[2:4]
        truth = seen(market)[lid]
        assert words(row.select("td")[2].get_text()) == f"2026-01-0{4 + truth.first_day}"


# --- hostile text stays inert ---------------------------------------------------------------------

HOSTILE = 'evil\u202egpj.exe <img src=x onerror="alert(1)"> </script><script>alert(2)</script> {{7*7}}'


def test_hostile_text_is_escaped_and_bidi_controls_are_shown(site):
    page = site.client.get("/search")
    site.client.post("/search/saved", data={"title": HOSTILE, "query": "q=mdma", "csrf": csrf_of(page.text)})
    text = site.client.get("/search").text
    assert "\u202e" not in text
    assert '<span class=cc>&lt;U+202E&gt;</span>' in text
    assert "<img src=x" not in text and "<script>alert" not in text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in text
    assert "{{7*7}}" in text and ">49<" not in text  # template syntax from data is text, not a template


def test_visible_shows_every_format_and_control_character():
    for char in ("\u202e", "\u202d", "\u2066", "\u200b", "\u200f", "\ufeff", "\x00", "\x1b", "\u2028",
                 "\x85"):
        out = str(visible(f"a{char}b"))
        assert char not in out and f"&lt;U+{ord(char):04X}&gt;" in out, repr(char)
    assert str(visible("line\nnext\ttab")) == "line\nnext\ttab"


def test_json_for_a_script_block_cannot_end_the_block():
    data = {"title": "</script><script>alert(1)</script>", "x": "a&b\u2028"}
    out = str(json_script(data))
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == data


def _spans(text_length: int):
    bound = st.integers(0, text_length)
    return st.lists(st.tuples(bound, bound, st.sampled_from(["substance", "price"]), st.text(max_size=5)),
                    max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60).flatmap(lambda t: st.tuples(st.just(t), _spans(len(t)))))
def test_highlighting_by_offsets_gives_the_text_back(case):
    """Stripping the tags and unescaping gives the text back (controls shown as their code
    point); each mark holds exactly its slice; nothing else is markup."""
    text, spans = case
    out = str(highlight(text, spans))
    assert html.unescape(re.sub(r"<[^>]*>", "", out)) == shown_text(text)
    tags = r'<mark class="x-[a-z]+" title="[^"<>]*">|</mark>|<span class=cc>|</span>'
    assert "<" not in re.sub(tags, "", out)
    accepted, pos = [], 0  # the documented rule: by start, longer first; overlaps dropped
    for start, end, *_ in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= pos and start < end <= len(text):
            accepted.append(shown_text(text[start:end]))
            pos = end
    inside = re.findall(r"<mark[^>]*>(.*?)</mark>", out, re.S)
    marked = [html.unescape(re.sub(r"<[^>]*>", "", m)) for m in inside]
    assert marked == accepted


def test_the_price_per_gram_range_filters_on_the_extraction(site):
    hits = search(site.settings, SearchRequest(limit=1000))["hits"]
    per_gram = sorted(h["extraction"]["price_per_gram_eur"] for h in hits
                      if h["extraction"].get("price_per_gram_eur") is not None)
    low, high = per_gram[len(per_gram) // 4], per_gram[len(per_gram) // 2]
    expected = {(h["market"], h["listing_id"]) for h in hits
                if h["extraction"].get("price_per_gram_eur") is not None
                and low <= h["extraction"]["price_per_gram_eur"] <= high}
    exported = site.client.get(f"/export.json?min_ppg={low}&max_ppg={high}").json()
    assert {(x["market"], x["listing_id"]) for x in exported} == expected != set()
    soup = site.soup(f"/search?min_ppg={low}&max_ppg={high}")
    assert soup.select_one("#results-title").get_text().startswith(f"{len(expected)} listing")
    assert soup.select_one("#min_ppg")["value"] == str(low)


def test_an_export_pages_through_the_search_with_its_cursor(site):
    from vigil.services.exports import search_hits

    request = SearchRequest(sort="first_seen")
    everything = search(site.settings, SearchRequest(sort="first_seen", limit=1000))["hits"]
    whole = [(h["market"], h["listing_id"]) for h in everything]
    paged = search_hits(site.settings, request, page_size=7)
    assert [(h["market"], h["listing_id"]) for h in paged] == whole and len(whole) > 7
    assert len(search_hits(site.settings, request, limit=10, page_size=7)) == 10


def test_deep_paging_follows_the_search_cursor(site):
    first = search(site.settings, SearchRequest(sort="first_seen", limit=25))
    second = search(site.settings, SearchRequest(sort="first_seen", limit=25, after=first["next_after"]))
    soup = site.soup(f"/search?sort=first_seen&after={first['next_after']}")
    shown = [a["href"] for a in soup.select("table.hits td a[href^='/listings/']")]
    assert shown == [f"/listings/{h['market']}/{h['listing_id']}" for h in second["hits"]]
    assert unquote(soup.select_one("nav.pages a[rel=next]")["href"]).endswith("after=" + second["next_after"])
    assert soup.select_one("#export-csv")["href"] == "/export.csv?sort=first_seen"  # no cursor in exports
