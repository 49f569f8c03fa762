"""Text from captured pages, made inert for HTML: escaped, with Unicode format and control
characters (bidi overrides such as U+202E, zero-width characters, C0/C1 controls) shown as a
visible `<U+202E>` badge instead of acting on the text around them.

`visible(text)` is the Jinja `finalize` of every template, so every `{{ value }}` goes through
it; `highlight(text, spans)` marks extracted spans by code-point offsets, slicing the text
first and escaping each slice, never inserting tags into raw text.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

#: Kept as they are: line breaks and tabs are layout, not tricks (descriptions have them).
_KEPT = {"\n", "\t"}
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp", "Cn"}


def is_hidden(char: str) -> bool:
    """A character that is invisible or changes how the text around it is shown."""
    return char not in _KEPT and unicodedata.category(char) in _HIDDEN_CATEGORIES


def code_point(char: str) -> str:
    return f"<U+{ord(char):04X}>"


def shown_text(text: str) -> str:
    """The text as a reader sees it on a page: each hidden character as `<U+XXXX>`."""
    return "".join(code_point(c) if is_hidden(c) else c for c in text)


def visible(text: Any) -> Markup:
    """Escaped HTML of `text`, each hidden character as a `<span class="cc">` badge."""
    if isinstance(text, Markup):
        return text
    if text is None:
        return Markup("")
    text = str(text)
    if not any(is_hidden(c) for c in text):
        return escape(text)
    out, start = [], 0
    for i, char in enumerate(text):
        if is_hidden(char):
            out.append(escape(text[start:i]))
            out.append(Markup('<span class=cc>{}</span>').format(code_point(char)))
            start = i + 1
    out.append(escape(text[start:]))
    return Markup("").join(out)


def attr(text: Any) -> Markup:
    """For an attribute value: escaped (quotes too), hidden characters as plain `<U+XXXX>`."""
    return escape("" if text is None else shown_text(str(text)))


def url_part(text: Any) -> Markup:
    """One path segment or query value: percent-encoded, so nothing but ASCII is left."""
    return Markup(quote("" if text is None else str(text), safe=""))


def json_script(value: Any) -> Markup:
    """JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the line
    separators escaped, so `</script>` in the data cannot end the block."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                       ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return Markup(text)


def highlight(text: str, spans: list[tuple[int, int, str, str]]) -> Markup:
    """`text` with each span (start, end, kind, label) in a `<mark class="x-KIND">`. Overlapping
    or out-of-range spans are dropped (the earlier, then longer, wins)."""
    out, pos = [], 0
    for start, end, kind, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < pos or end <= start or end > len(text):
            continue
        out.append(visible(text[pos:start]))
        out.append(Markup('<mark class="x-{}" title="{}">{}</mark>').format(
            kind, attr(label), visible(text[start:end])))
        pos = end
    out.append(visible(text[pos:]))
    return Markup("").join(out)
