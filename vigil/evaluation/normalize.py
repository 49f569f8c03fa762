"""Comparison keys: two spellings of the same substance, address, contact or amount compare equal."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "µ": "u", "μ": "u"}
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def normalize_name(name: str) -> str:
    """Comparison key of a substance name: ``α-PVP``, ``alpha-PVP``, ``Alpha PVP`` → ``alphapvp``."""
    text = unicodedata.normalize("NFKC", str(name))
    for letter, spelt in _GREEK.items():
        text = text.replace(letter, spelt).replace(letter.upper(), spelt)
    return _NON_ALNUM.sub("", text.casefold())


_CHAIN_ALIASES = {
    "btc": "bitcoin", "xbt": "bitcoin", "xmr": "monero", "eth": "ethereum", "erc20": "ethereum",
    "ltc": "litecoin", "trx": "tron", "trc20": "tron", "doge": "dogecoin", "bch": "bitcoin-cash",
    "bitcoincash": "bitcoin-cash", "sol": "solana",
}


def normalize_crypto(chain: str, address: str) -> tuple[str, str]:
    key = str(chain).strip().casefold().replace("_", "-").replace(" ", "-")
    key = _CHAIN_ALIASES.get(key.replace("-", ""), _CHAIN_ALIASES.get(key, key))
    addr = str(address).strip()
    # EIP-55 case and bech32 case carry no identity: compare those case-insensitively.
    if addr.lower().startswith(("0x", "bc1", "tb1", "ltc1")):
        addr = addr.lower()
    return key, addr


_KIND_ALIASES = {
    "tg": "telegram", "e-mail": "email", "mail": "email", "jabber": "xmpp", "tel": "phone",
    "telephone": "phone", "phone-number": "phone", "phonenumber": "phone", "mobile": "phone",
    "sessionid": "session", "session-id": "session", "wickrme": "wickr", "wickr-me": "wickr",
}
_PHONE = re.compile(r"^\+?\d{7,15}$")


def normalize_contact(kind: str, value: str) -> tuple[str, str]:
    """(kind, value) comparison key. A value that is a phone number compares as ``phone``
    whatever channel it was given for (WhatsApp, Signal, Telegram, call/text)."""
    raw = str(value).strip()
    compact = re.sub(r"[\s().\-/]", "", raw)
    if _PHONE.match(compact):
        return "phone", compact.lstrip("+")
    key = str(kind).strip().casefold().replace("_", "-").replace(" ", "-")
    key = _KIND_ALIASES.get(key, key)
    text = raw.casefold()
    for prefix in ("https://t.me/", "http://t.me/", "t.me/", "mailto:", "xmpp:"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return key, text.lstrip("@")


def digest(value: str) -> str:
    """How identifiers read from real listings are kept in the gold set: the SHA-256 of their
    normalised value, never the value (no personal data or real text in the repository)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


_QTY_BASE = {"g": ("g", 1.0), "mg": ("g", 1e-3), "ug": ("g", 1e-6), "kg": ("g", 1e3),
             "ml": ("ml", 1.0), "l": ("ml", 1e3), "unit": ("unit", 1.0)}
_DOSE_BASE = {"g": ("mg", 1e3), "mg": ("mg", 1.0), "ug": ("mg", 1e-3), "ml": ("ml", 1.0),
              "mg/ml": ("mg/ml", 1.0), "ug/ml": ("mg/ml", 1e-3), "unit": ("unit", 1.0)}
_UNIT_ALIASES = {"mcg": "ug", "µg": "ug", "μg": "ug", "units": "unit", "mcg/ml": "ug/ml",
                 "µg/ml": "ug/ml", "μg/ml": "ug/ml"}


def round_sig(value: float, digits: int = 3) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def _amount_key(item: Mapping[str, Any], table: Mapping[str, tuple[str, float]]) -> tuple[float, str]:
    unit = str(item.get("unit", "")).strip().casefold()
    unit = _UNIT_ALIASES.get(unit, unit)
    base, factor = table.get(unit, (unit, 1.0))
    return round_sig(float(item["value"]) * factor), base


def amount_set(items: Iterable[Mapping[str, Any]] | None, *, dose: bool = False) -> frozenset:
    """Amounts in their base unit (g or mg, ml, mg/ml, unit), rounded to 3 significant digits."""
    table = _DOSE_BASE if dose else _QTY_BASE
    out = set()
    for item in items or ():
        try:
            out.add(_amount_key(item, table))
        except (KeyError, TypeError, ValueError):
            out.add(("invalid", repr(dict(item))))  # never equal to a gold amount
    return frozenset(out)
