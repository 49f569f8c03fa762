"""Vendor identifiers: checksum-valid crypto addresses only, contacts, PGP, other markets."""

import base64
import hashlib
import random

import base58
import bech32
import pytest
from Crypto.Hash import keccak

from nlp import extract
from nlp.contacts import find_contacts, find_pgp_fingerprints
from nlp.crypto import find_addresses

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def monero_address(prefix: int, payload_len: int = 64, seed: int = 1) -> str:
    """Encode a Monero address from scratch (Monero's 8-byte block base58)."""
    rnd = random.Random(seed)
    data = bytes([prefix]) + bytes(rnd.randrange(256) for _ in range(payload_len))
    data += keccak256(data)[:4]
    sizes = [0, 2, 3, 5, 6, 7, 9, 10, 11]
    out = ""
    for i in range(0, len(data), 8):
        block = data[i : i + 8]
        num = int.from_bytes(block, "big")
        chars = ""
        for _ in range(sizes[len(block)]):
            num, r = divmod(num, 58)
            chars = B58[r] + chars
        out += chars
    return out


def bech32m_address(hrp: str, version: int, program: bytes) -> str:
    data = [version, *bech32.convertbits(program, 8, 5)]
    polymod = bech32.bech32_polymod(bech32.bech32_hrp_expand(hrp) + data + [0] * 6) ^ 0x2BC830A3
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(bech32.CHARSET[d] for d in data + checksum)


def eip55(raw: bytes) -> str:
    hexaddr = raw.hex()
    digest = keccak256(hexaddr.encode()).hex()
    return "0x" + "".join(c.upper() if int(h, 16) >= 8 else c for c, h in zip(hexaddr, digest[:40],
                                                                              strict=True))


VALID = [
    ("BTC", base58.b58encode_check(b"\x00" + bytes(range(20))).decode()),
    ("BTC", base58.b58encode_check(b"\x05" + bytes(range(20, 40))).decode()),
    ("BTC", bech32.encode("bc", 0, list(bytes(range(20))))),
    ("BTC", bech32m_address("bc", 1, bytes(range(32)))),  # Taproot
    ("BTC", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"),  # BIP-350 vector
    ("LTC", base58.b58encode_check(b"\x30" + bytes(range(5, 25))).decode()),
    ("LTC", bech32.encode("ltc", 0, list(bytes(range(1, 21))))),
    ("TRX", base58.b58encode_check(b"\x41" + bytes(range(7, 27))).decode()),
    ("XMR", monero_address(18)),  # standard
    ("XMR", monero_address(42, seed=2)),  # subaddress
    ("XMR", monero_address(19, payload_len=72, seed=3)),  # integrated
    ("ETH", eip55(bytes(range(100, 120)))),
    ("ETH", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),  # EIP-55 vector
]


def mutate(address: str) -> str:
    i = len(address) // 2
    alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l" if address[:3].lower() in ("bc1", "ltc") else B58
    if address.startswith("0x"):
        c = address[i]
        return address[:i] + (c.swapcase() if c.isalpha() else ("a" if c != "a" else "b")) + address[i + 1 :]
    replacement = next(ch for ch in alphabet if ch != address[i])
    return address[:i] + replacement + address[i + 1 :]


@pytest.mark.parametrize(("chain", "address"), VALID)
def test_valid_addresses_are_found(chain: str, address: str) -> None:
    assert find_addresses(f"pay to {address} please") == [{"chain": chain, "address": address}]


@pytest.mark.parametrize(("chain", "address"), VALID[:-1])
def test_one_character_mutation_is_rejected(chain: str, address: str) -> None:
    broken = mutate(address)
    assert broken != address
    assert find_addresses(f"pay to {broken}") == []


def test_bech32_checksum_on_a_taproot_address_is_not_accepted_as_bech32m() -> None:
    v1_with_v0_checksum = bech32.encode("bc", 1, list(bytes(range(32))))
    assert v1_with_v0_checksum is not None
    assert find_addresses(v1_with_v0_checksum) == []


def test_contacts() -> None:
    text = ("Contact: telegram @plugmaster, wickr: snowman22, threema ABCD1234, "
            "jabber: dealer@exploit.im, mail vendor@protonmail.com, signal +44 7911 123456, "
            "t.me/freshshop and session 05" + "a1" * 32)
    got = {(c["kind"], c["value"]) for c in find_contacts(text)}
    assert ("telegram", "plugmaster") in got
    assert ("telegram", "freshshop") in got
    assert ("wickr", "snowman22") in got
    assert ("threema", "ABCD1234") in got
    assert ("xmpp", "dealer@exploit.im") in got
    assert ("email", "vendor@protonmail.com") in got
    assert ("phone", "+447911123456") in got
    assert ("session", "05" + "a1" * 32) in got


def test_no_contacts_in_ordinary_text() -> None:
    assert find_contacts("Signal quality is great, fast session, wire transfer ok") == []


def test_pgp_fingerprint_written_out() -> None:
    text = "PGP fingerprint: 1234 5678 9ABC DEF0 1234  5678 9ABC DEF0 1234 5678"
    assert find_pgp_fingerprints(text.replace("  ", " ")) == ["123456789ABCDEF0123456789ABCDEF012345678"]


def test_pgp_fingerprint_from_key_block() -> None:
    # a minimal v4 public-key packet (RSA, tiny made-up numbers): fingerprint = SHA-1 of it
    body = bytes([4]) + (1_500_000_000).to_bytes(4, "big") + bytes([1]) + b"\x00\x08\xff\x00\x08\x11"
    packet = bytes([0x99]) + len(body).to_bytes(2, "big") + body
    expected = hashlib.sha1(packet).hexdigest().upper()
    armored = base64.b64encode(bytes([0xC6, len(body)]) + body).decode()
    block = ("-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: test\n\n"
             f"{armored}\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----")
    assert find_pgp_fingerprints(f"my key:\n{block}") == [expected]


def test_other_markets_and_aliases() -> None:
    r = extract({"title": "Cocaine 1g", "description": "Also on Dream as SnowWhite99."})
    assert [(m["market"], m["alias"]) for m in r["markets"]] == [("dream", "SnowWhite99")]


def _market_mentions(text: str) -> list[tuple[str, str | None]]:
    from nlp import extract

    result = extract({"id": "v", "title": "", "description": text})
    return [(m["market"], m["alias"]) for m in result["markets"]]


def test_a_market_not_in_the_list_counts_with_the_alias_used_there():
    assert _market_mentions("also on swapbay as dutch_direct.") == [("swapbay", "dutch_direct")]
    assert _market_mentions("auch auf Kleinmarkt als @gruen_shop") == [("kleinmarkt", "gruen_shop")]
    assert _market_mentions("also on swapbay as greendirect") == [("swapbay", "greendirect")]


def test_everyday_phrases_are_not_market_mentions():
    assert _market_mentions("I am also on holiday as usual") == []
    assert _market_mentions("also on sale as a bundle") == []
