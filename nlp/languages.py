"""Language of a listing, offline (`py3langid`, restricted to the languages seen on EU markets)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# The EU's official languages plus the neighbours common on the markets monitored.
LANGUAGES = ["bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu",
             "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "no", "ru",
             "uk", "tr", "sq", "sr"]
MIN_LETTERS = 15          # below this a guess is noise ("Speed 10g")
MIN_PROBABILITY = 0.6
MAX_CHARS = 400           # the language of a listing shows in its first sentences
_LETTER_RE = re.compile(r"[^\W\d_]")


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages([lang for lang in LANGUAGES if lang in ident.nb_classes])
    return ident


def detect(text: str) -> list[str]:
    """ISO 639-1 codes of the listing's language (one, or none when unsure)."""
    text = text[:MAX_CHARS]
    if len(_LETTER_RE.findall(text)) < MIN_LETTERS:
        return []
    lang, prob = _identifier().classify(text)
    return [lang] if prob >= MIN_PROBABILITY else []
