"""Crypto-currency addresses that pass their checksums (and only those).

Bitcoin: base58check P2PKH/P2SH and bech32 (SegWit v0) / bech32m (v1+, Taproot); Litecoin
(base58 `L`/`M`, bech32 `ltc1`); Tron (base58check, version 0x41); Monero standard,
subaddress and integrated addresses (Monero's block base58, Keccak-256 checksum);
Ethereum (EIP-55 mixed-case checksum; an all-lower-case or all-upper-case address carries no
checksum and is accepted as written).
"""

from __future__ import annotations

import re
from typing import Any

import base58
import bech32
from Crypto.Hash import keccak

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# (a look-behind after the first character is slower here: most letters are base58 characters)
_B58_RE = re.compile(r"(?<![A-Za-z0-9])[1-9A-HJ-NP-Za-km-z]{26,106}(?![A-Za-z0-9])")
_BECH32_RE = re.compile(r"(?<![A-Za-z0-9])(?:bc|ltc|BC|LTC)1[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}"
                        r"(?![A-Za-z0-9])")
_ETH_RE = re.compile(r"(?<![A-Za-z0-9])0x[0-9a-fA-F]{40}(?![A-Za-z0-9])")
_BASE58_VERSIONS = {0x00: "BTC", 0x05: "BTC", 0x30: "LTC", 0x32: "LTC", 0x41: "TRX"}
_BECH32M_CONST = 0x2BC830A3
_HRP_CHAIN = {"bc": "BTC", "ltc": "LTC"}
_XMR_PREFIXES = {18: 95, 42: 95, 19: 106}  # standard, subaddress, integrated → length
_XMR_BLOCK_SIZES = [0, 2, 3, 5, 6, 7, 9, 10, 11]


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def base58check_chain(addr: str) -> str | None:
    """Chain of a base58check address (Bitcoin, Litecoin, Tron) or None if invalid."""
    if not 26 <= len(addr) <= 35:
        return None
    try:
        raw = base58.b58decode_check(addr)
    except ValueError:
        return None
    if len(raw) != 21:
        return None
    return _BASE58_VERSIONS.get(raw[0])


def segwit_chain(addr: str) -> str | None:
    """Chain of a valid bech32 (witness v0) / bech32m (v1–16) address, or None."""
    if addr.lower() != addr and addr.upper() != addr:
        return None
    addr = addr.lower()
    pos = addr.rfind("1")
    hrp, data_part = addr[:pos], addr[pos + 1 :]
    if hrp not in _HRP_CHAIN or len(data_part) < 6 or len(addr) > 90:
        return None
    try:
        data = [bech32.CHARSET.index(c) for c in data_part]
    except ValueError:
        return None
    const = bech32.bech32_polymod(bech32.bech32_hrp_expand(hrp) + data)
    if not data or data[0] > 16:
        return None
    version = data[0]
    if (version == 0 and const != 1) or (version > 0 and const != _BECH32M_CONST):
        return None
    program = bech32.convertbits(data[1:-6], 5, 8, False)
    if program is None or not 2 <= len(program) <= 40:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    return _HRP_CHAIN[hrp]


def _xmr_b58decode(s: str) -> bytes | None:
    out = bytearray()
    for i in range(0, len(s), 11):
        block = s[i : i + 11]
        try:
            size = _XMR_BLOCK_SIZES.index(len(block))
        except ValueError:
            return None
        num = 0
        for c in block:
            num = num * 58 + _B58.index(c)
        if num >= 1 << (8 * size):
            return None
        out += num.to_bytes(size, "big")
    return bytes(out)


def monero_valid(addr: str) -> bool:
    """True for a Monero mainnet standard, subaddress or integrated address."""
    if len(addr) not in (95, 106) or addr[0] not in "48":
        return False
    raw = _xmr_b58decode(addr)
    if raw is None or len(raw) < 5:
        return False
    prefix = raw[0]
    if _XMR_PREFIXES.get(prefix) != len(addr):
        return False
    return keccak256(raw[:-4])[:4] == raw[-4:]


def eip55_valid(addr: str) -> bool:
    """EIP-55: a mixed-case address must carry the right checksum."""
    body = addr[2:]
    if body.lower() == body or body.upper() == body:
        return True
    digest = keccak256(body.lower().encode("ascii")).hex()
    for c, h in zip(body, digest, strict=False):
        if c.isalpha() and (c.isupper() != (int(h, 16) >= 8)):
            return False
    return True


def find_addresses(text: str) -> list[dict[str, Any]]:
    """Checksum-valid addresses in `text`, in order of appearance, unique."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()

    def add(chain: str, address: str) -> None:
        if address not in seen:
            seen.add(address)
            out.append({"chain": chain, "address": address})

    found: list[tuple[int, str, str]] = []
    # (a match holds one of these: four substring tests are cheaper than the pattern's scan)
    bech = "bc1" in text or "BC1" in text or "ltc1" in text or "LTC1" in text
    for m in _BECH32_RE.finditer(text) if bech else ():
        chain = segwit_chain(m.group())
        if chain:
            found.append((m.start(), chain, m.group()))
    if "0x" in text:
        for m in _ETH_RE.finditer(text):
            if eip55_valid(m.group()):
                found.append((m.start(), "ETH", m.group()))
    for m in _B58_RE.finditer(text):
        addr = m.group()
        if len(addr) in (95, 106):
            if monero_valid(addr):
                found.append((m.start(), "XMR", addr))
        elif len(addr) <= 35:
            chain = base58check_chain(addr)
            if chain:
                found.append((m.start(), chain, addr))
    for _, chain, addr in sorted(found):
        add(chain, addr)
    return out
