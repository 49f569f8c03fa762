"""Vendor identities: aliases, PGP public keys, contact handles, Bitcoin addresses.

All fake but well-formed: the PGP armor is a real v4 public-key packet (random RSA modulus)
whose fingerprint is computed as OpenPGP does; Bitcoin addresses carry valid checksums.
"""

from __future__ import annotations

import base64
import hashlib
import random

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

_ALIAS_A = ("Dutch", "Euro", "Green", "Silent", "Polar", "Night", "Crystal", "Alpine", "Baltic", "Royal",
            "Pharma", "Lucky", "Iron", "Golden", "Frosty", "Nordic", "Urban", "Bavarian", "Iberian",
            "Prague", "Vienna", "Medi", "Stealth", "Candy", "Blue", "Rhine", "Flemish", "Tulip")
_ALIAS_B = ("Direct", "Express", "Kings", "Labs", "Supply", "Connect", "Shop", "Plug", "Garden", "Dealer",
            "Pharmacy", "Depot", "Store", "Bros", "Chem", "Market", "Drops", "Factory", "House", "Crew")


def alias_for(rng: random.Random) -> str:
    """A vendor alias in the CamelCase style of dark-web vendors (DutchDirect, PolarLabs77)."""
    alias = rng.choice(_ALIAS_A) + rng.choice(_ALIAS_B)
    if rng.random() < 0.35:
        alias += str(rng.randint(2, 99))
    return alias


def variant_alias(alias: str, rng: random.Random) -> str:
    """The same seller's alias elsewhere: dutch_direct, DutchDirect_NL, dutchdirect."""
    snake = "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(alias))
    return rng.choice((snake, alias.lower(), alias + "_official", snake.replace("_", ".")))


def _crc24_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
        table.append(crc & 0xFFFFFF)
    return tuple(table)


_CRC24 = _crc24_table()


def _crc24(data: bytes) -> int:
    """OpenPGP's CRC-24 (RFC 4880, 6.1) of the armored data."""
    crc = 0xB704CE
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFF) ^ _CRC24[((crc >> 16) ^ byte) & 0xFF]
    return crc


def _mpi(value: int) -> bytes:
    return value.bit_length().to_bytes(2, "big") + value.to_bytes((value.bit_length() + 7) // 8, "big")


def _packet(tag: int, body: bytes) -> bytes:
    # new-format header, lengths < 8384 (two-octet form when needed)
    n = len(body)
    if n < 192:
        length = bytes([n])
    else:
        n -= 192
        length = bytes([(n >> 8) + 192, n & 0xFF])
    return bytes([0xC0 | tag]) + length + body


def pgp_key(rng: random.Random, user_id: str, created: int = 1_735_689_600) -> tuple[str, str]:
    """A public key block and its 40-hex fingerprint (computed from the key packet)."""
    modulus = rng.getrandbits(2048) | (1 << 2047) | 1
    body = bytes([4]) + created.to_bytes(4, "big") + bytes([1]) + _mpi(modulus) + _mpi(65537)
    fingerprint = hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest().upper()
    data = _packet(6, body) + _packet(13, user_id.encode())
    b64 = base64.b64encode(data).decode()
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    crc = base64.b64encode(_crc24(data).to_bytes(3, "big")).decode()
    armor = "\n".join(
        ["-----BEGIN PGP PUBLIC KEY BLOCK-----", "", *lines, "=" + crc, "-----END PGP PUBLIC KEY BLOCK-----"]
    )
    return armor, fingerprint


def format_fingerprint(fpr: str) -> str:
    """`ABCD 1234 ...` groups of four, as gpg prints it."""
    return " ".join(fpr[i:i + 4] for i in range(0, 40, 4))


def _b58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    num = int.from_bytes(data, "big")
    out = ""
    while num:
        num, rem = divmod(num, 58)
        out = _B58[rem] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _bech32_address(program: bytes) -> str:
    hrp = "bc"
    data = [0]  # witness version 0
    acc = bits = 0
    for byte in program:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _bech32_polymod([*expanded, *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def btc_address(rng: random.Random) -> str:
    """A checksum-valid Bitcoin address: legacy P2PKH (1...) or native segwit (bc1q...)."""
    h160 = rng.getrandbits(160).to_bytes(20, "big")
    if rng.random() < 0.5:
        return _b58check(b"\x00" + h160)
    return _bech32_address(h160)


def session_id(rng: random.Random) -> str:
    """A Session messenger id: 66 hex digits starting with 05."""
    return "05" + format(rng.getrandbits(256), "064x")


_PHONE = (("+31 6", 8), ("+49 151", 8), ("+49 176", 8), ("+33 6", 8), ("+34 6", 8), ("+48 5", 8),
          ("+39 3", 9), ("+420 7", 8))


def phone_number(rng: random.Random) -> str:
    """A mobile number in international format (Signal / WhatsApp contacts)."""
    prefix, digits = rng.choice(_PHONE)
    number = "".join(str(rng.randint(0, 9)) for _ in range(digits))
    return f"{prefix}{number[:2]} {number[2:5]} {number[5:]}".replace("  ", " ")


def contacts_for(alias: str, rng: random.Random, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """Contact handles of the given kinds, derived from the alias."""
    base = alias.lower().replace("_", "").replace(".", "")
    out: list[tuple[str, str]] = []
    for kind in kinds:
        if kind == "telegram":
            out.append(("telegram", "@" + base + rng.choice(("", "_bot", "_shop", "official", "eu"))))
        elif kind == "wickr":
            out.append(("wickr", base + str(rng.randint(10, 999))))
        elif kind == "session":
            out.append(("session", session_id(rng)))
        elif kind == "xmpp":
            out.append(("xmpp", f"{base}@{rng.choice(('jabber.fr', 'xmpp.jp', 'jabb.im', 'dismail.de'))}"))
        elif kind == "email":
            out.append(("email", f"{base}@{rng.choice(('protonmail.com', 'tutanota.com', 'cock.li'))}"))
        elif kind == "signal":
            out.append(("signal", phone_number(rng)))
        elif kind == "threema":
            out.append(("threema", "".join(rng.choice("ABCDEFGHJKMNPQRSTUVWXYZ23456789") for _ in range(8))))
    return out
