"""Shipping methods a listing advertises: carriers, parcel lockers, stealth packing, dead drops,
express and tracked options, and the chemical suppliers named on precursor listings.

Names and patterns are data (`lexicon/_shipping.yaml`); this module matches them. Matching runs
on folded text (same length as the original: offsets are offsets into the field), whole words
only. Words that are also everyday words need a cue nearby (`cue` in the data file), and a
method right after a negation ("no tracking", "kein DHL") is not advertised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from nlp.fold import fold
from nlp.lexicon import LEXICON_DIR, LexiconError, cas_valid
from nlp.prefix_regex import letter_first, word_starts

KINDS = frozenset({"post", "courier", "parcel_locker", "stealth", "dead_drop", "express", "tracked",
                   "supplier"})
CARRIER_KINDS = frozenset({"post", "courier", "parcel_locker"})
_CUES = frozenset({"shipping", "drug", "dead_drop"})
_CUE_CHARS = {"shipping": 40, "drug": 40, "dead_drop": 60}
MAX_METHODS = 40  # per listing: a catalogue of every carrier on earth is not more informative

_TOKEN_RE = re.compile(r"[^\W_]+")
_SEP = r"[\s\-_./&+']{0,3}"
_NEGATION_RE = re.compile(
    r"(?<![^\W_])(?:no|not|never|without|w/o|ohne|kein|keine|keinen|sans|pas\sde|pas|sin|senza|"
    r"geen|zonder|bez|nie|non|don't|dont|do\snot)\W{1,3}"
    r"(?:(?:use|using|ship|send|with|via|by|per|mit|uber|met|par|con|avec|przez)\W{1,3})?$"
)


@dataclass(frozen=True, slots=True)
class Method:
    name: str
    kind: str
    cue: str | None  # None, "shipping", "drug" or "dead_drop"


@dataclass(frozen=True)
class Shipping:
    folded_re: re.Pattern[str] | None
    exact_re: re.Pattern[str] | None
    folded_keys: Mapping[str, Method]
    exact_keys: Mapping[str, Method]
    cue_res: Mapping[str, re.Pattern[str]]
    # where a word begins with the first token of some pattern: a match can start nowhere else
    # (`_matches` tries the alternations there only), and most listings name no carrier
    starts_re: re.Pattern[str] | None = None


def _starts_re(patterns: list[list[str]]) -> re.Pattern[str] | None:
    return word_starts({fold(tokens[0]) for tokens in patterns}) if patterns else None


def _key(text: str) -> str:
    return "".join(_TOKEN_RE.findall(text))


def _pattern(tokens: list[str]) -> str:
    return _SEP.join(re.escape(t) for t in tokens)


def _alternation(patterns: list[list[str]]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    ordered = sorted({tuple(p) for p in patterns}, key=lambda p: -len("".join(p)))
    # `(?<![^\W_])(?:alt)(?![^\W_])`, grouped by first letter with the look-behind after it (the
    # same matches): `re` scans for the letters that begin a pattern instead of trying everywhere
    return re.compile(letter_first([_pattern(list(p)) for p in ordered], r"[^\W_]") + r"(?![^\W_])")


def _words(data: Mapping[str, Any], key: str) -> re.Pattern[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"_shipping.yaml: '{key}' must be a list of words")
    alternatives = _alternation([_TOKEN_RE.findall(fold(v)) for v in value])
    assert alternatives is not None
    return alternatives


def parse(data: Any) -> Shipping:
    """The matcher for a parsed `_shipping.yaml`; LexiconError names what is wrong."""
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("groups"), list):
        raise LexiconError("_shipping.yaml: needs 'version: 1' and 'groups'")
    folded_keys: dict[str, Method] = {}
    exact_keys: dict[str, Method] = {}
    folded_patterns: list[list[str]] = []
    exact_patterns: list[list[str]] = []
    errors: list[str] = []
    for i, group in enumerate(data["groups"]):
        kind = group.get("kind") if isinstance(group, dict) else None
        if kind not in KINDS:
            errors.append(f"_shipping.yaml: groups[{i}]: kind {kind!r} is not one of {sorted(KINDS)}")
            continue
        if not isinstance(group.get("sources"), str) or not group["sources"].strip():
            errors.append(f"_shipping.yaml: {kind}: every group names its sources")
        for entry in group.get("entries") or []:
            name, patterns = entry.get("name"), entry.get("patterns")
            cue, exact = entry.get("cue"), bool(entry.get("exact"))
            if not isinstance(name, str) or not isinstance(patterns, list) or not patterns:
                errors.append(f"_shipping.yaml: {kind}: an entry needs 'name' and 'patterns'")
                continue
            if cue is not None and cue not in _CUES:
                errors.append(f"_shipping.yaml: {name}: cue {cue!r} is not one of {sorted(_CUES)}")
                continue
            method = Method(name, kind, cue)
            for raw in map(str, patterns):
                tokens = _TOKEN_RE.findall(raw if exact else fold(raw))
                keys, store = (exact_keys, exact_patterns) if exact else (folded_keys, folded_patterns)
                key = _key(raw if exact else fold(raw))
                if not tokens:
                    errors.append(f"_shipping.yaml: {name}: pattern {raw!r} has no letters or digits")
                elif key in keys and keys[key] != method:
                    errors.append(f"_shipping.yaml: {name}: pattern {raw!r} already means {keys[key].name!r}")
                else:
                    keys[key] = method
                    store.append(tokens)
    if errors:
        raise LexiconError("\n".join(errors))
    return Shipping(
        folded_re=_alternation(folded_patterns),
        exact_re=_alternation(exact_patterns),
        folded_keys=folded_keys,
        exact_keys=exact_keys,
        cue_res={"shipping": _words(data, "shipping_cues"), "dead_drop": _words(data, "dead_drop_cues")},
        starts_re=_starts_re(folded_patterns + exact_patterns),
    )


@cache
def load() -> Shipping:
    path = LEXICON_DIR / "_shipping.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LexiconError(f"_shipping.yaml: not valid YAML: {exc}") from exc
    return parse(data)


# ------------------------------------------------------------------------------ suppliers

_CAP = r"[A-Z][A-Za-z0-9&'\-]*"
_INDUSTRY = (
    r"(?i:chemicals?|chem|bio-?tech(?:nology)?|bio-?technological|pharmaceuticals?|pharmatech|"
    r"pharma|biological|bio-?science|bio-?pharm)"
)
_TRADE = r"(?:\s+(?i:technology|tech|trading|industry|industrial|science|sci-?tech|products|materials?|"
_TRADE += r"development|and\s+trade|&\s+trade|import\s+(?:and|&)\s+export))"
_SUFFIX = (
    r"(?:\s*,?\s*(?i:co\.?|company)\s*,?\s*(?i:ltd\.?|limited)|\s+(?i:co)\.|"
    r"\s*,?\s+(?i:ltd\.?|limited|inc\.|llc|gmbh|corp\.|corporation)(?![^\W_]))"
)
# "Hebei Xinsheng Chemical Co., Ltd", "Wuhan Bright Biotech", "Shandong Jinan Pharmaceutical Co."
_SUPPLIER_RE = re.compile(
    rf"(?<![\w&'-])(?P<name>(?:{_CAP}\s+){{0,3}}{_CAP}\s+{_INDUSTRY}{_TRADE}{{0,2}}(?P<suffix>{_SUFFIX})?)"
    rf"(?![\w-])"
)
# "Jinan Long Sheng Industry & Trade Co., Ltd": any capitalised name with a company suffix
_COMPANY_RE = re.compile(
    rf"(?<![\w&'-])(?P<name>(?:{_CAP}\s+|&\s+){{1,5}}(?i:co\.?|company)\s*,?\s*(?i:ltd\.?|limited))"
    rf"(?![\w-])"
)
# Words that open a sentence, not a company name: dropped from the left of a match
_NOT_NAME = frozenset({
    "we", "our", "the", "a", "an", "contact", "from", "buy", "by", "of", "supplier", "suppliers",
    "manufacturer", "manufacturers", "factory", "sold", "made", "produced", "is", "are", "china",
    "chinese", "top", "best", "professional", "high", "quality", "pure", "purity", "with", "and",
    "for", "at", "in", "to", "order", "ship", "shipping", "directly", "direct", "company", "trusted",
    "reliable", "leading", "official", "new", "hot", "sale", "selling", "good", "price", "cas",
    "pmk", "bmk", "apaan", "powder", "oil", "liquid", "glycidate", "glycidic", "acid", "ethyl",
    "methyl", "sodium", "supply", "supplying", "brand", "from:", "i", "my", "your", "this",
})
_CAS_RE = re.compile(r"\d(?<![\d-]\d)\d{1,6}-\d{2}-\d(?![\d-])")  # (look-behind after the first digit)


def has_cas(text: str) -> bool:
    """True when the text names a chemical by a CAS number whose check digit holds."""
    return "-" in text and any(cas_valid(m.group()) for m in _CAS_RE.finditer(text))


def _suppliers(text: str) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []
    for regex in (_SUPPLIER_RE, _COMPANY_RE):
        for m in regex.finditer(text):
            start, end = m.span("name")
            words = list(re.finditer(r"\S+", text[start:end]))
            keep = 0
            for i, w in enumerate(words):
                if w.group().lower().strip(",.") in _NOT_NAME:
                    keep = i + 1
            if keep >= len(words) - 1:
                continue  # nothing left but the industry word or the suffix
            start += words[keep].start()
            if regex is _SUPPLIER_RE and m.group("suffix") is None and len(words) - keep < 3:
                continue  # "SSD Chemical solution", "European Pharmaceuticals": one word is a brand
            if any(a < end and start < b for a, b in taken):
                continue
            taken.append((start, end))
            raw = text[start:end]
            name = re.sub(r"\s+", " ", raw)
            name = re.sub(r"(?i)\bco\.?\s*,\s*", "Co., ", name).rstrip(" ,")
            name = re.sub(r"(?i)(ltd|limited)\.$", r"\1", name)
            out.append((name, start, end))
    return sorted(out, key=lambda s: s[1])


# ------------------------------------------------------------------------------ matching


def _cue(sh: Shipping, cue: str, folded: str, start: int, end: int) -> bool:
    width = _CUE_CHARS[cue]
    regex = sh.cue_res["dead_drop" if cue == "dead_drop" else "shipping"]
    before = folded[max(0, start - width) : start]
    after = folded[end : end + width]
    return regex.search(before) is not None or regex.search(after) is not None


def _matches(sh: Shipping, text: str, folded: str) -> list[tuple[Method, int, int]]:
    found: list[tuple[Method, int, int]] = []
    taken: list[tuple[int, int]] = []
    if sh.starts_re is None or sh.starts_re.search(folded) is None:
        return found
    if sh.exact_re is not None:
        for m in sh.exact_re.finditer(text):
            found.append((sh.exact_keys[_key(m.group())], m.start(), m.end()))
            taken.append(m.span())
    if sh.folded_re is not None:
        for m in sh.folded_re.finditer(folded):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            found.append((sh.folded_keys[_key(m.group())], m.start(), m.end()))
    return sorted(found, key=lambda f: f[1])


def find(texts: Mapping[str, str], *, offers_drug: bool = False, offers_chemical: bool = False,
         folded_texts: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """`shipping_methods` of a listing: `[{name, kind, text, start, end, field}]`, one per
    (name, kind), first occurrence (title first). `texts` maps field -> text (already bounded),
    `folded_texts` field -> `fold(text)` when the caller has them.

    `offers_drug`: the listing offers a substance (stealth words then need no shipping cue);
    `offers_chemical`: it offers a precursor or a chemical by CAS number (suppliers count)."""
    sh = load()
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    offers_chemical = offers_chemical or any(has_cas(t) for t in texts.values())
    for field, text in texts.items():
        if not text:
            continue
        folded = folded_texts[field] if folded_texts is not None else fold(text)
        matches = _matches(sh, text, folded)
        carriers = [(s, e) for m, s, e in matches if m.cue is None and m.kind in CARRIER_KINDS]
        for method, start, end in matches:
            if _NEGATION_RE.search(folded[max(0, start - 24) : start]):
                continue
            if method.cue is not None and not (
                (method.cue == "drug" and offers_drug)
                or _cue(sh, method.cue, folded, start, end)
                or (method.cue != "dead_drop"
                    and any(s - 40 <= end and start <= e + 40 for s, e in carriers if s != start))
            ):
                continue
            _add(out, seen, method.name, method.kind, text, start, end, field)
        if offers_chemical:
            for name, start, end in _suppliers(text):
                _add(out, seen, name, "supplier", text, start, end, field)
        if len(out) >= MAX_METHODS:
            break
    return out[:MAX_METHODS]


def _add(out: list[dict[str, Any]], seen: set[tuple[str, str]], name: str, kind: str, text: str,
         start: int, end: int, field: str) -> None:
    if (name, kind) in seen:
        return
    seen.add((name, kind))
    out.append({"name": name, "kind": kind, "text": text[start:end], "start": start, "end": end,
                "field": field})
