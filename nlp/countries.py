"""Countries in "ships from / ships to" text, as ISO 3166-1 alpha-2 codes, `EU` or `WORLDWIDE`.

Names come from `pycountry` (ISO 3166 names, common and official) and its translations in the
EU's languages and a few neighbours, plus the informal names listings use ("USA", "UK",
"Holland", "Deutschland", "Worldwide", "Europe"). Matching is on folded text (case and
diacritics removed), longest phrase first. "Undeclared", "unknown" and the like give nothing.
"""

from __future__ import annotations

import gettext
import re
from functools import cache, lru_cache

import pycountry

from nlp.fold import fold
from nlp.limits import MAX_SHORT_FIELD_CHARS

# Translations read from pycountry's own catalogues.
_LANGUAGES = ["bg", "cs", "da", "de", "el", "es", "et", "fi", "fr", "ga", "hr", "hu", "it",
              "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "nb_NO", "ru", "uk",
              "tr", "sq", "sr", "ca"]

# Informal names, abbreviations and regions, folded. Values: a code, "EU" or "WORLDWIDE".
_EXTRA: dict[str, str] = {
    "usa": "US", "u.s.a": "US", "u.s": "US", "united states of america": "US", "america": "US",
    "amerika": "US", "etats-unis": "US", "estados unidos": "US", "stati uniti": "US",
    "verenigde staten": "US", "stany zjednoczone": "US", "vereinigte staaten": "US",
    "uk": "GB", "u.k": "GB", "united kingdom": "GB", "great britain": "GB", "britain": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "grossbritannien": "GB",
    "großbritannien": "GB", "royaume-uni": "GB", "reino unido": "GB", "regno unito": "GB",
    "engeland": "GB", "verenigd koninkrijk": "GB", "wielka brytania": "GB", "anglia": "GB",
    "holland": "NL", "the netherlands": "NL", "nederland": "NL", "dutch": "NL",
    "deutschland": "DE", "germany": "DE", "brd": "DE", "czechia": "CZ", "czech republic": "CZ",
    "cesko": "CZ", "russia": "RU", "south korea": "KR", "korea": "KR", "vietnam": "VN",
    "iran": "IR", "syria": "SY", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ",
    "moldova": "MD", "laos": "LA", "taiwan": "TW", "macedonia": "MK", "kosovo": "XK",
    "hong kong": "HK", "china": "CN", "canada": "CA", "aussie": "AU", "oz": "AU",
    "turkey": "TR", "turkiye": "TR", "ivory coast": "CI", "cote d'ivoire": "CI",
    "eu": "EU", "e.u": "EU", "europe": "EU", "european union": "EU", "europa": "EU",
    "europaische union": "EU", "union europeenne": "EU", "europese unie": "EU",
    "unia europejska": "EU", "unione europea": "EU", "union europea": "EU", "evropa": "EU",
    "europe only": "EU", "schengen": "EU", "eu only": "EU", "europaweit": "EU",
    "worldwide": "WORLDWIDE", "world wide": "WORLDWIDE", "world": "WORLDWIDE",
    "ww": "WORLDWIDE", "global": "WORLDWIDE", "globally": "WORLDWIDE", "international": "WORLDWIDE",
    "everywhere": "WORLDWIDE", "all countries": "WORLDWIDE", "weltweit": "WORLDWIDE",
    "monde entier": "WORLDWIDE", "le monde entier": "WORLDWIDE", "mondial": "WORLDWIDE",
    "wereldwijd": "WORLDWIDE", "hele wereld": "WORLDWIDE", "todo el mundo": "WORLDWIDE",
    "mundial": "WORLDWIDE", "in tutto il mondo": "WORLDWIDE", "mondo": "WORLDWIDE",
    "caly swiat": "WORLDWIDE", "swiat": "WORLDWIDE", "cely svet": "WORLDWIDE",
    "vaerldsomspannande": "WORLDWIDE", "hela varlden": "WORLDWIDE", "mundo inteiro": "WORLDWIDE",
    "россия": "RU", "германия": "DE", "нидерланды": "NL", "польша": "PL", "украина": "UA",
    "по всему миру": "WORLDWIDE", "весь мир": "WORLDWIDE",
}

# Texts that mean "no country": they produce an empty list.
_NONE = {"undeclared", "unknown", "n/a", "na", "none", "not specified", "-", "?", "private",
         "hidden", "torland", "darknet", "anywhere"}

_TOKEN_RE = re.compile(r"[^\W_]+(?:['.][^\W_]+)*")


def _norm(name: str) -> tuple[str, ...]:
    return tuple(_TOKEN_RE.findall(fold(name)))


@cache
def _index() -> tuple[dict[tuple[str, ...], str], int]:
    names: dict[tuple[str, ...], str] = {}

    def add(name: str, code: str) -> None:
        key = _norm(name)
        if key:
            names.setdefault(key, code)

    translations = []
    for lang in _LANGUAGES:
        try:
            translations.append(
                gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
            )
        except OSError:
            continue
    for key, code in _EXTRA.items():  # informal names win over translations
        add(key, code)
    for c in pycountry.countries:
        english = [c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)]
        for name in filter(None, english):
            add(name, c.alpha_2)
            short = name.split(",")[0]
            add(short, c.alpha_2)
            for t in translations:
                translated = t.gettext(name)
                add(translated, c.alpha_2)
                add(translated.split(",")[0], c.alpha_2)
    longest = max(len(k) for k in names)
    return names, longest


@cache
def _code(raw: str) -> str | None:
    if raw == "UK":
        return "GB"
    if raw == "EU":
        return "EU"
    country = (
        pycountry.countries.get(alpha_2=raw) if len(raw) == 2
        else pycountry.countries.get(alpha_3=raw)
    )
    return country.alpha_2 if country is not None else None


def countries(text: str) -> list[str]:
    """ISO 3166-1 alpha-2 codes (or `EU`, `WORLDWIDE`) named in `text`, in order, unique."""
    if not text:
        return []
    return list(_countries(text[:MAX_SHORT_FIELD_CHARS]))


@lru_cache(maxsize=8192)
def _countries(text: str) -> tuple[str, ...]:
    """`countries`, memoised: a short field, and markets repeat a few values ("Germany",
    "Worldwide") on thousands of listings."""
    folded = fold(text)
    if folded.strip(" .!*") in _NONE:
        return ()
    names, longest = _index()
    # ISO codes count only when written in capitals ("DE", "NL", "US", "DEU"): "and", "can" or
    # "per" in lower case are words, not Andorra, Canada or Peru.
    tokens = [(m.group(), m.start()) for m in _TOKEN_RE.finditer(folded)]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        found = None
        for n in range(min(longest, len(tokens) - i), 0, -1):
            key = tuple(t for t, _ in tokens[i : i + n])
            code = names.get(key)
            if code is not None:
                found = (code, n)
                break
        if found is None:
            word, start = tokens[i]
            raw = text[start : start + len(word)]
            if len(raw) in (2, 3) and raw.isupper() and raw.isascii():
                code = _code(raw)
                if code is not None:
                    found = (code, 1)
        if found is None:
            i += 1
            continue
        code, n = found
        if code not in out:
            out.append(code)
        i += n
    return tuple(out)


def country_at(text: str, start: int,
               extra: dict[tuple[str, ...], str] | None = None) -> tuple[str, int] | None:
    """The country named right at `start` of `text` (spaces skipped) and where its name ends:
    the longest known name (or one of `extra`, folded token tuples), else an ISO code written
    in capitals ("Versand aus DE"). None when no country begins there."""
    window = text[start : start + 80]
    folded = fold(window)
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(folded)]
    if not tokens or folded[: tokens[0][1]].strip():
        return None
    names, longest = _index()
    for n in range(min(longest, len(tokens)), 0, -1):
        key = tuple(t for t, _, _ in tokens[:n])
        code = (extra or {}).get(key) or names.get(key)
        if code is not None and key[0] not in _NONE:
            return code, start + tokens[n - 1][2]
    _, s, e = tokens[0]
    raw = window[s:e]
    if len(raw) in (2, 3) and raw.isupper() and raw.isascii():
        code = _code(raw)
        if code is not None:
            return code, start + e
    return None
