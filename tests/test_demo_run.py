"""What `make demo` does, then what a newcomer does next: search, verify evidence.

`make demo` crawls swapbay through Chromium: the module is marked `browser`."""

from __future__ import annotations

import gzip
import json

import pytest
from helpers import need_chromium, run_vigil

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    need_chromium()  # the demo crawls swapbay through Chromium
    data_dir = tmp_path_factory.mktemp("demo")
    result = run_vigil("demo", "run", "--listings", "30", "--data-dir", str(data_dir),
                       "--progress", "0")
    return data_dir, result


def test_demo_run_crawls_every_market_and_summarises(demo_data):
    _, result = demo_data
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.strip()}
    assert lines["nightowl"][1] == "ok" and int(lines["nightowl"][-1]) == 30
    assert lines["rc-labor"][1] == "ok" and int(lines["rc-labor"][-1]) == 30
    assert lines["swapbay"][1] == "ok" and int(lines["swapbay"][-1]) == 30  # through Chromium


def test_search_json_returns_extraction_vendor_price_and_evidence(demo_data):
    data_dir, _ = demo_data
    result = run_vigil("search", "cocaine", "--json", "--data-dir", str(data_dir))
    assert result.returncode == 0
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits
    for hit in hits:
        assert "cocaine" in {s["name"] for s in hit["extraction"]["substances"]}
        assert hit["vendor"]
        assert hit["price"]["amount"] and hit["price"]["currency"] and hit["price"]["eur"]
        assert hit["evidence"] and all(len(sha) == 64 for sha in hit["evidence"])


def test_search_table_and_filters(demo_data):
    data_dir, _ = demo_data
    table = run_vigil("search", "cocaine", "--market", "nightowl", "--data-dir", str(data_dir))
    assert table.returncode == 0 and "nightowl" in table.stdout and "listings" in table.stdout
    bad = run_vigil("search", "x", "--since", "yesterday", "--data-dir", str(data_dir))
    assert bad.returncode == 2 and "since" in bad.stderr


def test_evidence_verify_passes_then_catches_tampering(demo_data):
    data_dir, _ = demo_data
    ok = run_vigil("evidence", "verify", "--data-dir", str(data_dir))
    assert ok.returncode == 0, ok.stdout
    victim = next((data_dir / "evidence").glob("*/*/*.gz"))
    original = victim.read_bytes()
    victim.write_bytes(gzip.compress(b"<html>forged</html>"))
    try:
        bad = run_vigil("evidence", "verify", "--data-dir", str(data_dir))
    finally:
        victim.write_bytes(original)
    assert bad.returncode == 1
    assert f"MISMATCH {victim.name.removesuffix('.gz')}" in bad.stdout


def test_demo_summary_shows_the_sample_dark_markets_trade(demo_data):
    """Sales and feedback figures, as the simulator made them (seed 7 is the demo's)."""
    from demo import World

    _, result = demo_data
    truth = World(seed=7, listings=30, day=1).truth()["nightowl"].listings.values()
    sales = sum(t.sales or 0 for t in truth)
    with_sales = sum(1 for t in truth if t.sales is not None)
    feedback = sum(len(t.feedback) for t in truth)
    assert feedback and sales
    expected = (f"nightowl: sales shown on {with_sales} listings ({sales:,} in all); "
                f"{feedback} feedback records read")
    assert expected in result.stdout.splitlines()
