"""The fourth speed round's shortcuts find exactly what the plain searches find: the contact-app
pattern searched case-sensitively over lower-cased ASCII text (see test_extract_prechecks*.py
for the earlier rounds)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import contacts

APP_WORDS = ["Telegram", "TELEGRAMM", "tg", "Signal", "session", "Threema", "wire", "W.i.c.k.r",
             "wickr me", "WickrMe", "K1K", "kik", "Snapchat", "WhatsApp", "whats app", "WA",
             "element", "Matrix", "briar", "SimpleX", "icq", "Skype", "discord", "ID", "username",
             "contact", "me", "@", "moonrider71", "x25KIK", "Dream_Boss", "t.me/shop", "é", "İ",
             "K", "ſ", "ı", "s1gnal", "the", "ship"]
GAPS = [" ", "\n", ": ", " - ", "", "|", "....", "_", "@", "\"", "'", "=>", ",", "1"]
app_texts = st.lists(st.tuples(st.sampled_from(APP_WORDS), st.sampled_from(GAPS)), max_size=14).map(
    lambda parts: "".join(w + g for w, g in parts))


def plain_search(text: str, pos: int) -> tuple[int, int, str, str, str] | None:
    m = contacts._APP_RE.search(text, pos)
    return None if m is None else (m.start(), m.end(), m["app"], m["between"], m["handle"])


def shortcut_search(text: str, pos: int) -> tuple[int, int, str, str, str] | None:
    m = contacts._search_app(text, text.lower(), pos, text.isascii())
    return None if m is None else (m.start(), m.end(), m["app"], m["between"], m["handle"])


@settings(max_examples=600, deadline=None)
@given(app_texts, st.integers(min_value=0, max_value=40))
def test_the_app_search_finds_what_the_case_insensitive_search_finds(text: str, pos: int) -> None:
    pos = min(pos, len(text))
    assert shortcut_search(text, pos) == plain_search(text, pos)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("tTsSwWkKeEmMbBiIdDaArRcC1!_.:@ -\nxyz9"), max_size=60))
def test_the_app_search_agrees_on_any_ascii_mix(text: str) -> None:
    pos = 0
    while (m := plain_search(text, pos)) is not None:
        assert shortcut_search(text, pos) == m
        pos = m[1]
    assert shortcut_search(text, pos) is None


def test_find_contacts_reads_the_apps_of_mixed_case_text() -> None:
    found = contacts.find_contacts("Contact: WICKR ME: moonrider71 | Telegram @Dream_Boss | k1k: shopx25")
    assert {"kind": "wickr", "value": "moonrider71"} in found
    assert any(item["kind"] == "telegram" for item in found)
