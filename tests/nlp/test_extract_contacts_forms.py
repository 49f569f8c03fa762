"""Contact handles in the forms vendors write them (in-house, invented handles only)."""

from __future__ import annotations

import pytest

from nlp.contacts import find_contacts


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Wickr:moonfox22 for orders", "wickr", "moonfox22"),           # glued to the app name
    ("wickr-moonfox22", "wickr", "moonfox22"),
    ("Telegram @moon_fox", "telegram", "moon_fox"),
    ("tg: moonfox22", "telegram", "moonfox22"),
    ("threema ID ABCD1234", "threema", "ABCD1234"),
    ("Threema-ID: K2X9PQ7M", "threema", "K2X9PQ7M"),                # a hyphen before the keyword
    ("Telegram ID moonfox22", "telegram", "moonfox22"),             # the keyword makes it explicit
    ("Signal username moonfox.22", "signal", "moonfox.22"),
    ("Wickr (moonfox22)", "wickr", "moonfox22"),                    # in brackets or quotes
    ("wickr [moonfox22]", "wickr", "moonfox22"),
    ('Contact: wickr "moonfox22"', "wickr", "moonfox22"),
    ("Tele: @moonfox22", "telegram", "moonfox22"),                   # short forms of Telegram
    ("Teleg: moonfox22", "telegram", "moonfox22"),
])
def test_handle_forms(text: str, kind: str, value: str) -> None:
    assert {"kind": kind, "value": value} in find_contacts(text)


def test_a_link_domain_is_not_a_handle() -> None:
    assert find_contacts("Telegram: t.me/moonfox22") == [{"kind": "telegram", "value": "moonfox22"}]


@pytest.mark.parametrize("text", [
    "Signal (ask)", "WhatsApp (ask me first)", "Wire (bank transfer)", "Signal (strong)",
    "telegram group", "Television 42 inch", "tele 5 channel", "Telegram channel (link in profile)",
])
def test_words_after_an_app_name_are_not_handles(text: str) -> None:
    assert find_contacts(text) == []


def test_a_quote_that_closes_the_app_name_does_not_open_a_handle() -> None:
    assert find_contacts('Install the app "Wickr me"But message us first') == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Wickr//...moonfox", "wickr", "moonfox"),                           # slashes
    ("WICKR USER/ID>>>>> moonfox22 EU", "wickr", "moonfox22"),        # keywords with a slash
    ("Kik" + "." * 25 + "moonfox22,,,,", "kik", "moonfox22"),            # a long run of dots
    ("wickr ; moonfox22", "wickr", "moonfox22"),                         # a semicolon
    ("icq = 612 480 337", "icq", "612480337"),                           # an ICQ number
    ("ICQ: 123456789", "icq", "123456789"),
])
def test_separators_vendors_use(text: str, kind: str, value: str) -> None:
    assert {"kind": kind, "value": value} in find_contacts(text)


def test_an_obfuscated_app_name_is_not_a_handle() -> None:
    assert find_contacts("W1ckr ....... w1ckr") == []
