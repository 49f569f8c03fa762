"""The simulator's world: determinism, evolution over days, content realism, identities."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from demo import MARKETS, World, changes, day_date, novel_substances, truth_json
from demo.catalog import CLASSES

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def test_day_date() -> None:
    assert day_date(1) == dt.date(2026, 1, 5)
    assert day_date(3) == dt.date(2026, 1, 7)


def test_same_seed_same_truth_other_seed_differs() -> None:
    assert truth_json(7, 40, 2) == truth_json(7, 40, 2)
    assert truth_json(7, 40, 1)["markets"] != truth_json(8, 40, 1)["markets"]


def test_day_one_has_the_requested_count() -> None:
    truth = World(seed=3, listings=40).truth()
    assert set(truth) == set(MARKETS)
    assert all(len(t.listings) == 40 for t in truth.values())
    assert truth["swapbay"].render == "browser" and truth["nightowl"].render == "static"


def test_changes_agree_with_truth_of_both_days() -> None:
    for day_from, day_to in ((1, 2), (2, 3), (1, 4)):
        before = World(seed=7, listings=200, day=day_from).truth()
        after = World(seed=7, listings=200, day=day_to).truth()
        diff = changes(7, 200, day_from, day_to)
        for market in MARKETS:
            old, new = before[market].listings, after[market].listings
            c = diff[market]
            assert c.appeared == set(new) - set(old)
            assert c.removed == set(old) - set(new)
            assert c.price_changed == {i for i in set(old) & set(new) if old[i].price != new[i].price}
            assert c.appeared and c.removed and c.price_changed
            assert all(new[i].first_day > day_from for i in c.appeared)


def test_daily_rates_are_roughly_ten_ten_fifteen_percent() -> None:
    c = changes(11, 2000, 1, 2)
    for market in MARKETS:
        assert 120 <= len(c[market].removed) <= 280
        assert len(c[market].appeared) == 200
        assert 180 <= len(c[market].price_changed) <= 380


def test_novel_substance_only_from_day_two() -> None:
    day1 = World(seed=7, listings=40, day=1).truth()
    seen_day1 = {t.substance for m in day1.values() for t in m.listings.values()}
    assert not any(t.novel for m in day1.values() for t in m.listings.values())
    assert not novel_substances(7, 40, 1)
    novel = novel_substances(7, 40, 2)
    assert novel and not novel & seen_day1
    day2 = World(seed=7, listings=40, day=2).truth()
    carriers = [t for m in day2.values() for t in m.listings.values() if t.substance in novel]
    assert carriers and all(t.novel and t.first_day == 2 for t in carriers)
    assert any(t.substance_class == "synthetic_opioid" and t.substance.endswith("nitazene") for t in carriers)
    # the truth JSON names them too
    assert set(truth_json(7, 40, 2)["novel_substances"]) == novel


def test_content_covers_substances_classes_languages() -> None:
    truth = World(seed=7, listings=400).truth()
    listings = [t for m in truth.values() for t in m.listings.values()]
    substances = {t.substance for t in listings if t.substance}
    assert len(substances) >= 40, sorted(substances)
    assert {t.substance_class for t in listings if t.substance_class} == set(CLASSES)
    assert len({t.language for t in listings}) >= 5
    assert any(t.substance is None for t in truth["nightowl"].listings.values())
    assert any(t.counterfeit for t in listings)
    assert any(t.cas for t in truth["rc-labor"].listings.values())
    assert all(t.currency == "USD" for t in truth["nightowl"].listings.values())
    assert all(t.currency == "EUR" for t in truth["rc-labor"].listings.values())
    # obfuscated spellings and Cyrillic look-alikes occur in titles
    assert any(not t.title.isascii() and any("\u0400" <= ch <= "\u04ff" for ch in t.title) for t in listings)
    for market in ("nightowl", "swapbay"):
        for t in truth[market].listings.values():
            assert t.title and t.path.startswith("/") and t.price > 0
            assert t.quantity_text.casefold() in t.title.casefold()


def test_same_person_on_two_markets() -> None:
    truth = World(seed=7, listings=40).truth()
    owl = [v for v in truth["nightowl"].vendors.values() if "swapbay" in v.markets]
    assert owl
    for vendor in owl:
        other = truth["swapbay"].vendors[vendor.markets["swapbay"]]
        assert other.markets["nightowl"] == vendor.alias
        assert other.pgp_fingerprint == vendor.pgp_fingerprint
        telegram = {v for k, v in vendor.contacts if k == "telegram"}
        assert telegram and telegram <= {v for k, v in other.contacts if k == "telegram"}


def _b58_valid(address: str) -> bool:
    num = 0
    for ch in address:
        num = num * 58 + B58.index(ch)
    raw = num.to_bytes(25, "big")
    return hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] == raw[21:]


def test_identifiers_are_well_formed() -> None:
    world = World(seed=5, listings=60)
    sim = world.markets["nightowl"]
    for j in range(sim.vendor_count):
        v = sim.vendor(j)
        lines = v.pgp_armor.splitlines()
        assert lines[0] == "-----BEGIN PGP PUBLIC KEY BLOCK-----" and lines[-1].startswith("-----END")
        data = base64.b64decode("".join(lines[2:-2]))
        assert data[0] == 0xC6  # new-format public-key packet
        length = ((data[1] - 192) << 8) + data[2] + 192
        body = data[3:3 + length]
        fpr = hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest().upper()
        assert fpr == v.pgp_fingerprint
        session = [val for k, val in v.contacts if k == "session"]
        assert all(len(s) == 66 and s.startswith("05") for s in session)
        if v.btc.startswith("1"):
            assert _b58_valid(v.btc)
        else:
            assert v.btc.startswith("bc1q")


def test_big_world_is_lazy() -> None:
    world = World(seed=1, listings=100_000)
    sim = world.markets["nightowl"]
    assert sim.max_index(1) == 100_000
    t = sim.listing(99_999, 1)
    assert t.id == sim.listing_id(99_999) and sim.index_of(t.id) == 99_999
