"""Where a listing ships from, when only its text says so: "ships from Germany", "Versand aus
DE", "envío desde España", "wysyłka z Polski" (phrases and inflected names in
`lexicon/_shipping.yaml`, country names from `nlp.countries`). Only "from" phrases count:
"ships to France" names a destination.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

import yaml

from nlp.countries import country_at
from nlp.fold import fold
from nlp.lexicon import LEXICON_DIR, LexiconError
from nlp.prefix_regex import finditer_at, word_starts

_TOKEN_RE = re.compile(r"[^\W_]+")
# Articles and elisions between the phrase and the name: "from the Netherlands", "dall'Italia",
# "depuis la France", "aus den Niederlanden", "desde los Países Bajos"
_ARTICLE_RE = re.compile(
    r"(?:\s*(?:the|la|le|les|l'|d'|dall'|dell'|den|der|dem|das|los|las|el|il|lo|dai|dagli|"
    r"do|da|dos|a|uit)(?![^\W_'])\s*|['’:\-–]\s*)*\s*"
)
_LIST_RE = re.compile(r"\s*(?:,|/|&|\+|and|und|et|y|e|en|i|or|oder|ou|o|and/or)\s*")
_ENGLISH_VERBS = ("ship", "ships", "shipping", "shipped", "dispatch", "dispatched", "send", "sent",
                  "sending", "post", "posted")
_ENGLISH_VERB = f"(?:{'|'.join(_ENGLISH_VERBS)})"
MAX_COUNTRIES = 5
MAX_PHRASES = 50  # phrases looked at per text: a text repeating "ships from" is not more telling


@cache
def _data() -> tuple[re.Pattern[str], re.Pattern[str], dict[tuple[str, ...], str]]:
    data = yaml.safe_load((LEXICON_DIR / "_shipping.yaml").read_text(encoding="utf-8"))
    section = data.get("ships_from") if isinstance(data, dict) else None
    if not isinstance(section, dict) or not isinstance(section.get("phrases"), list):
        raise LexiconError("_shipping.yaml: 'ships_from' needs 'phrases' and 'country_forms'")
    phrases = sorted({tuple(_TOKEN_RE.findall(fold(p))) for p in section["phrases"]},
                     key=lambda t: -len(" ".join(t)))
    alt = "|".join(r"\s+".join(map(re.escape, p)) for p in phrases if p)
    # "we ship only from", "shipping worldwide from": up to two words between verb and "from"
    flexible = rf"{_ENGLISH_VERB}(?:\s+[^\W\d_]+){{1,2}}\s+from"
    regex = re.compile(rf"(?<![^\W_])(?:{alt}|{flexible})(?![^\W_])")
    # where a phrase can begin: its first word, or an English verb of the flexible form
    starts = word_starts({p[0] for p in phrases if p} | set(_ENGLISH_VERBS))
    raw_forms = section.get("country_forms") or {}
    forms = {tuple(_TOKEN_RE.findall(fold(k))): str(v) for k, v in raw_forms.items()}
    return regex, starts, forms


def find(texts: Mapping[str, str], folded_texts: Mapping[str, str] | None = None) -> list[str]:
    """Countries (ISO 3166-1 alpha-2, `EU`) the texts say the listing ships from, in order
    (`folded_texts`: `fold` of each text, when the caller has them)."""
    regex, starts, forms = _data()
    out: list[str] = []
    for field, text in texts.items():
        if not text:
            continue
        folded = folded_texts[field] if folded_texts is not None else fold(text)
        for i, m in enumerate(finditer_at(regex, starts, folded)):
            if i >= MAX_PHRASES:
                break
            pos = _ARTICLE_RE.match(folded, m.end()).end()  # type: ignore[union-attr]
            while len(out) < MAX_COUNTRIES:
                hit = country_at(text, pos, forms)
                if hit is None:
                    break
                code, end = hit
                if code != "WORLDWIDE" and code not in out:
                    out.append(code)
                sep = _LIST_RE.match(folded, end)
                if sep is None or not sep.group().strip():
                    break
                pos = _ARTICLE_RE.match(folded, sep.end()).end()  # type: ignore[union-attr]
            if out:
                return out
    return out
