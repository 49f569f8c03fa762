"""The curated lexicon: data files in this folder, loaded and validated once.

Format (see README.md): each `*.yaml` file has `version: 1`, an optional default `class`, and
`entries`, each with `canonical`, `class` (unless the file's default applies), `aliases`,
`context_aliases` (ambiguous aliases that count only in drug context), `press_names` (pill
logos that count only in a pill listing), `cas` (CAS registry numbers, checked), optional
`flags` (e.g. `counterfeit_medicine`) and `sources` (where the names come from).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import yaml

from nlp.fold import fold

LEXICON_DIR = Path(__file__).resolve().parent

CLASSES = frozenset({
    "opioid", "synthetic_opioid", "stimulant", "cathinone", "entactogen", "psychedelic",
    "dissociative", "cannabis", "synthetic_cannabinoid", "benzodiazepine", "sedative",
    "steroid", "precursor", "medicine_other", "other",
})
# `adjuvant`: listed only when nothing else is offered (naloxone in Suboxone or Tilidin/Naloxon,
# a mixture name such as "tusi" when its contents are named); `generic`: a family name
# ("synthetic cannabinoid (unspecified)") listed only when no member of its class is.
ENTRY_FLAGS = frozenset({"counterfeit_medicine", "precursor", "masked_precursor", "adjuvant",
                         "generic"})
_ENTRY_KEYS = {"canonical", "class", "aliases", "context_aliases", "press_names", "cas", "flags",
               "note", "isomer_of", "sources"}
_CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
_KEY_RE = re.compile(r"[^\W_]+")


class LexiconError(ValueError):
    """A lexicon file is malformed: the message names the file and the entry."""


@lru_cache(maxsize=65536)  # (the rules squeeze the same aliases and names listing after listing)
def squeeze(alias: str) -> str:
    """The matching key of an alias: folded, letters and digits only (`3-MMC` → `3mmc`)."""
    return "".join(_KEY_RE.findall(fold(alias)))


def cas_valid(cas: str) -> bool:
    """True if `cas` is a CAS registry number whose check digit is right."""
    m = _CAS_RE.match(cas)
    if not m:
        return False
    digits = (m.group(1) + m.group(2))[::-1]
    total = sum((i + 1) * int(d) for i, d in enumerate(digits))
    return total % 10 == int(m.group(3))


@dataclass(frozen=True, slots=True)
class Entry:
    canonical: str
    cls: str
    aliases: tuple[str, ...]
    context_aliases: tuple[str, ...]
    cas: tuple[str, ...]
    flags: tuple[str, ...]
    source: str
    isomer_of: str | None = None  # the racemate: an isomer named beside it is its composition
    press_names: tuple[str, ...] = ()  # pill logos ("Tesla"): count only in a pill listing
    sources: tuple[str, ...] = ()  # where the names come from (EUDA, TripSit, seed-bank catalogues…)


@dataclass(frozen=True, slots=True)
class Term:
    """What one matching key means."""

    entry: Entry
    alias: str
    ambiguous: bool
    is_cas: bool = False
    press: bool = False  # a pill press name: ambiguous, and counts only in a pill listing


@dataclass
class Lexicon:
    entries: list[Entry] = field(default_factory=list)
    terms: dict[str, Term] = field(default_factory=dict)
    _by_canonical: dict[str, Entry] | None = field(default=None, repr=False)

    def by_canonical(self) -> dict[str, Entry]:
        if self._by_canonical is None or len(self._by_canonical) != len(self.entries):
            self._by_canonical = {e.canonical: e for e in self.entries}
        return self._by_canonical

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.entries:
            out[e.cls] = out.get(e.cls, 0) + 1
        return dict(sorted(out.items()))


def _as_list(value: object, where: str, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise LexiconError(f"{where}: '{name}' must be a list of strings")
    return [str(v) for v in value]


def _parse_file(path: Path) -> list[Entry]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or data.get("version") != 1:
        raise LexiconError(f"{path.name}: needs 'version: 1' and 'entries'")
    default_cls = data.get("class")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        raise LexiconError(f"{path.name}: 'entries' must be a list")
    out = []
    for i, raw in enumerate(raw_entries):
        where = f"{path.name}[{i}]"
        if not isinstance(raw, dict):
            raise LexiconError(f"{where}: an entry is a mapping")
        unknown = set(raw) - _ENTRY_KEYS
        if unknown:
            raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
        canonical = raw.get("canonical")
        if not isinstance(canonical, str) or not canonical.strip():
            raise LexiconError(f"{where}: 'canonical' is required")
        where = f"{path.name}: {canonical}"
        cls = raw.get("class", default_cls)
        if cls not in CLASSES:
            raise LexiconError(f"{where}: class {cls!r} is not one of {sorted(CLASSES)}")
        cas = _as_list(raw.get("cas"), where, "cas")
        for number in cas:
            if not cas_valid(number):
                raise LexiconError(f"{where}: CAS number {number!r} fails its check digit")
        flags = _as_list(raw.get("flags"), where, "flags")
        for flag in flags:
            if flag not in ENTRY_FLAGS:
                raise LexiconError(f"{where}: unknown flag {flag!r}")
        sources = _as_list(raw.get("sources"), where, "sources")
        if any(not s.strip() for s in sources):
            raise LexiconError(f"{where}: a source is an empty string")
        out.append(Entry(
            canonical=canonical,
            cls=cls,
            aliases=tuple(_as_list(raw.get("aliases"), where, "aliases")),
            context_aliases=tuple(_as_list(raw.get("context_aliases"), where, "context_aliases")),
            cas=tuple(cas),
            flags=tuple(flags),
            source=path.name,
            isomer_of=raw.get("isomer_of"),
            press_names=tuple(_as_list(raw.get("press_names"), where, "press_names")),
            sources=tuple(sources),
        ))
    return out


def build(entries: Iterable[Entry]) -> Lexicon:
    """Index entries by matching key, refusing duplicates and unmarked short aliases.

    All problems are collected and reported together, one per line.
    """
    lex = Lexicon()
    errors: list[str] = []
    seen: dict[str, Entry] = {}
    for e in entries:
        if e.canonical in seen:
            errors.append(f"{e.source}: canonical {e.canonical!r} also in {seen[e.canonical].source}")
            continue
        seen[e.canonical] = e
        lex.entries.append(e)
    for e in lex.entries:
        if e.isomer_of is not None and e.isomer_of not in seen:
            errors.append(f"{e.source}: {e.canonical}: isomer_of {e.isomer_of!r} is not an entry")
    for e in lex.entries:
        # an alias (or the canonical name itself) listed under context_aliases is ambiguous
        context_keys = {squeeze(a) for a in (*e.context_aliases, *e.press_names)}
        press_keys = {squeeze(a) for a in e.press_names}
        plain = [a for a in (e.canonical, *e.aliases, *e.cas) if squeeze(a) not in context_keys]
        ambiguous_aliases = [a for a in e.context_aliases if squeeze(a) not in press_keys]
        for alias, ambiguous in ([(a, False) for a in plain] + [(a, True) for a in ambiguous_aliases]
                                 + [(a, True) for a in e.press_names]):
            key = squeeze(alias)
            if not key:
                errors.append(f"{e.source}: {e.canonical}: alias {alias!r} has no letters or digits")
                continue
            if not ambiguous and len(key) <= 2:
                errors.append(
                    f"{e.source}: {e.canonical}: alias {alias!r} is too short to be unambiguous;"
                    " list it under context_aliases"
                )
                continue
            old = lex.terms.get(key)
            if old is not None:
                if old.entry is e:
                    if ambiguous or not old.ambiguous:
                        continue
                else:
                    errors.append(
                        f"{e.source}: {e.canonical}: alias {alias!r} already means"
                        f" {old.entry.canonical!r} ({old.entry.source})"
                    )
                    continue
            lex.terms[key] = Term(e, alias, ambiguous, is_cas=alias in e.cas,
                                  press=ambiguous and key in press_keys)
    if errors:
        raise LexiconError("\n".join(errors))
    return lex


@cache
def load(directory: Path = LEXICON_DIR) -> Lexicon:
    """All `*.yaml` files of the lexicon, validated and indexed (cached)."""
    entries: list[Entry] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        entries.extend(_parse_file(path))
    return build(entries)
