"""Vendor identifiers other than crypto: contact handles, PGP fingerprints and key blocks,
mentions of other markets ("also on X as Y")."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from typing import Any

import phonenumbers

from nlp.prefix_regex import matches_at

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@(?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,24}(?![\w-])",
                       re.IGNORECASE)
_XMPP_HINT_RE = re.compile(r"(?:jabber|xmpp|jid|omemo)\W{0,5}$", re.IGNORECASE)
_XMPP_DOMAINS = ("jabber", "xmpp", "exploit.im", "thesecure.biz", "jabb.im", "dismail.de",
                 "404.city", "creep.im", "riseup.net", "jabber.cz", "xmpp.jp", "conversations.im")
_TELEGRAM_LINK_RE = re.compile(r"(?:https?://)?(?:t|telegram)\.me/(?:joinchat/|\+)?([A-Za-z0-9_+-]{4,64})",
                               re.IGNORECASE)
# "telegram: @handle", "TG - handle", "wickr me: handle", "threema ABCD1234", and the
# obfuscated spellings of the markets ("w.i.c.k.r :--> x", "Wick...r...x", "k1k....x")
_APP_RE = re.compile(
    r"(?=[tswkembid])(?<![\w])(?P<app>telegram|telegramm|telgram|teleg|tele|tg|signal|session|threema|wire|"
    r"w\W{0,4}[i1!]{1,2}\W{0,4}c?\W{0,4}k{1,2}\W{0,4}r(?:\s?me(?![a-z]))?|"
    r"k\W?[i1!]{1,2}\W?k|snapchat|snap|whatsapp|whats\s?app|wa|element|matrix|briar|simplex|icq|"
    r"skype|discord)(?![a-z])"
    r"(?P<between>(?:[\s\-/]?(?:id|user(?:name)?|name|handle|me|contact|messenger|app)(?![a-z]))*"
    r"[\s:;=\-–>@.*…,?/(\[\"'“]{0,40})"
    r"(?P<handle>@?[A-Za-z0-9_][A-Za-z0-9_.\-+#:]{2,80})",
    re.IGNORECASE,
)
# the same, where a handle that ran into an app name was cut: "moonrider71|KIK....x"
_APP_AT_RE = re.compile(_APP_RE.pattern.replace("(?=[tswkembid])(?<![\\w])", "", 1), re.IGNORECASE)
# the same, case-sensitive, for ASCII text lower-cased (its literals are lower case): `re` scans
# for its first letters, where with IGNORECASE it tries every position (`_search_app`)
_APP_LOWER_RE = re.compile(_APP_AT_RE.pattern)
_OBFUSCATED_APP_RE = re.compile(r"[\W1!]")
_APP_KIND = {"telegram": "telegram", "telegramm": "telegram", "tg": "telegram",
             "telgram": "telegram", "teleg": "telegram", "tele": "telegram",
             "signal": "signal", "session": "session", "threema": "threema", "wickr": "wickr",
             "wickrme": "wickr", "wire": "wire", "kik": "kik", "snapchat": "snapchat",
             "snap": "snapchat", "whatsapp": "whatsapp", "wa": "whatsapp", "element": "matrix",
             "matrix": "matrix", "briar": "briar", "simplex": "simplex", "icq": "icq",
             "skype": "skype", "discord": "discord"}
# App names that are also ordinary words: a handle needs an explicit "app: handle" / "@handle".
_WORDY_APPS = frozenset({"tg", "wa", "snap", "signal", "session", "wire", "element", "matrix",
                         "briar", "kik", "icq", "skype", "discord", "whatsapp", "snapchat",
                         "telegram", "telegramm", "telgram", "teleg", "tele", "simplex"})
# "Telegram ID name", "Signal username name": the keyword makes the handle explicit
_EXPLICIT_WORD_RE = re.compile(r"(?<![a-z])(?:id|user(?:name)?|handle)(?![a-z])", re.IGNORECASE)
# a link's domain is not a handle ("Telegram: t.me/name" gives the name from the link)
_LINK_DOMAINS = frozenset({"t.me", "telegram.me", "wa.me", "signal.me", "threema.id"})
_ICQ_UIN_RE = re.compile(r"\d{3}[ \-]?\d{3}[ \-]?\d{3,4}(?![\d])|\d{5,10}(?![\d])")
_SESSION_ID_RE = re.compile(r"05(?<![0-9a-fA-F]05)[0-9a-fA-F]{64}(?![0-9a-fA-F])")
_THREEMA_ID_RE = re.compile(r"^[A-Z0-9*][A-Z0-9]{7}$")
_PHONE_HINT_RE = re.compile(r"(?<![\w+])\+\s?\d[\d\s().\-]{6,18}\d")
_STOP_HANDLES = {"name", "before", "after", "from", "aus", "now", "asap", "today", "download",
                 "store", "play", "ssenger", "wickr", "kik", "telegram", "whatsapp", "signal",
                 "email", "mail", "text", "call", "you", "your", "if", "by", "add", "hit", "send",
                 "for", "only", "and", "the", "me", "us", "or", "to", "app", "please", "contact",
                 "message", "msg", "available", "number", "id", "user", "handle", "is", "at",
                 "on", "via", "with", "account", "group", "channel", "protocol", "messenger",
                 "private", "chat", "orders", "order", "customers", "support", "update",
                 "updates", "news", "here", "link", "below", "above", "key", "sessions", "ask",
                 "pm", "dm", "inbox", "soon", "later", "none", "tba", "profile", "bio", "see"}

# Ten groups of four hex digits; the look-behind after the first digit, so that `re` scans for
# a hex digit (the same matches as `(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{4}[ \t]?){9}[0-9A-Fa-f]{4}…`)
_FPR_RE = re.compile(
    r"[0-9A-Fa-f](?<![0-9A-Fa-f][0-9A-Fa-f])[0-9A-Fa-f]{3}[ \t]?(?:[0-9A-Fa-f]{4}[ \t]?){8}"
    r"[0-9A-Fa-f]{4}(?![0-9A-Fa-f])"
)
_FPR_HINT_RE = re.compile(r"(?:fingerprint|fpr|key\s?id|pgp|gpg|fp)\W{0,12}$", re.IGNORECASE)
_KEY_BLOCK_RE = re.compile(
    r"-----BEGIN PGP PUBLIC KEY BLOCK-----(?P<body>.{0,60000}?)-----END PGP PUBLIC KEY BLOCK-----",
    re.DOTALL,
)

# Markets vendors name when they say where else they sell. Folded lower case.
MARKETS = (
    "silk road", "silkroad", "agora", "evolution", "alphabay", "alpha bay", "hansa", "dream market",
    "dreammarket", "dream", "wall street market", "wallstreet", "empire market", "empire",
    "white house market",
    "whitehouse", "berlusconi", "cannazon", "versus", "torrez", "dark0de", "darkode", "asap market",
    "archetyp", "incognito", "abacus", "bohemia", "nexus", "kerberos", "tor2door", "mgm grand",
    "cypher", "darkmarket", "dark market", "hydra", "omg", "blacksprut", "kraken", "mega market",
    "agartha", "cannahome", "monopoly", "apollon", "valhalla", "silkkitie", "flugsvamp", "televend",
    "nucleus", "abraxas", "middle earth", "outlaw", "tochka", "point", "wayaway", "deepsea",
    "vice city", "world market", "mars market", "drughub", "we the north", "cocorico", "bitbazaar",
    "tormarket", "black market", "samsara", "olympus", "recon", "dread", "reddit", "telegram shop",
)
_MARKET_ALT = "|".join(sorted((re.escape(m).replace(r"\ ", r"\s?") for m in MARKETS),
                       key=len, reverse=True))
_MARKET_MENTION_RE = re.compile(
    r"(?:also\s(?:on|at|available\son|selling\son|vending\son)|find\s(?:me|us)\son|"
    r"vend(?:ing|or)?\son|sell(?:ing)?\son|formerly\son|previously\son|ex[\s-]|as\sseen\son|"
    r"auch\sauf|aussi\ssur|ook\sop|też\sna|tez\sna)\s"
    rf"(?P<market>{_MARKET_ALT})(?:\smarket)?"
    r"(?:\s(?:as|under|als|comme|jako|name)\s(?P<alias>@?[A-Za-z0-9_.\-]{2,40}))?",
    re.IGNORECASE,
)


# A market we do not know by name counts only with the alias the vendor uses there ("also on
# swapbay as dutch_direct"), and not when the "market" is an everyday word ("also on holiday
# as usual", "also on sale as a bundle").
_OTHER_MARKET_MENTION_RE = re.compile(
    r"(?:also\s(?:on|at)|auch\sauf|aussi\ssur|ook\sop|te[zż]\sna)\s"
    r"(?P<market>[A-Za-z][A-Za-z0-9\-]{2,30})\s(?:as|under|als|comme|jako)\s"
    r"(?P<alias>@?[A-Za-z0-9_.\-]{2,40})",
    re.IGNORECASE,
)
_NOT_MARKETS = frozenset([
    "holiday", "holidays", "vacation", "leave", "sale", "offer", "stock", "request", "demand",
    "call", "duty", "break", "standby", "record", "display", "hand", "board", "top", "time",
    "site", "website", "the", "a", "an", "my", "our", "this", "that", "it", "urlaub", "lager",
    "anfrage", "vacances", "demande", "voorraad", "aanvraag",
])  # fmt: skip

# Where a mention can begin: the first word of either pattern, by its first letter and the rest.
# The first letter is a literal in each case it matches without case (`ſ` is an `s`), so that
# `re` scans for those characters; the rest is looked ahead at without case (a match is one
# character long: one start never hides the next, as "also" would hide "ook op" in "alsook op").
MENTION_WORDS = {"a": r"lso|s\sseen|uch|ussi", "f": r"ind|ormerly", "v": "end", "s": "ell",
                 "p": "reviously", "e": r"x[\s-]", "o": r"ok\sop", "t": r"e[zż]\sna"}
_MENTION_START_RE = re.compile("|".join(
    f"{c}(?=(?i:{rest}))" for first, rest in MENTION_WORDS.items()
    for c in (first, first.upper(), *("ſ" if first == "s" else ""))))
_MENTION_START_LOWER_RE = re.compile("|".join(f"{c}(?={rest})" for c, rest in MENTION_WORDS.items()))


def mention_starts(text: str) -> list[int]:
    """Where `_MENTION_START_RE` matches in `text` (ASCII text: the case-sensitive pattern over
    it lower-cased, which compares fewer characters at each position)."""
    if text.isascii():
        return [m.start() for m in _MENTION_START_LOWER_RE.finditer(text.lower())]
    return [m.start() for m in _MENTION_START_RE.finditer(text)]


# Top-level domains seen in vendor e-mail addresses: a longer last label ran into the next
# word ("gmail.comyou", "protonmail.comwhatzapp").
_TLDS = ("com", "net", "org", "info", "biz", "io", "me", "ch", "de", "nl", "fr", "uk", "co", "ru",
         "pl", "cz", "es", "it", "eu", "li", "is", "se", "at", "be", "dk", "fi", "no", "pt", "cc",
         "to", "im", "su", "us", "ca", "au", "xyz", "onion", "city", "email", "tech", "pro")
_TLD_SET = frozenset(_TLDS)


def _clean_email(value: str) -> str | None:
    """An address as written, without the words run into either end of it."""
    local, _, domain = value.rpartition("@")
    local = re.split(r"\.{2,}|…", local)[-1].strip(".")
    if not local:
        return None
    labels = domain.split(".")
    last = labels[-1]
    if last not in _TLD_SET:
        prefixes = [tld for tld in _TLDS if last.startswith(tld)]
        if prefixes:
            labels[-1] = max(prefixes, key=len) if last[:3] not in _TLD_SET else last[:3]
    return f"{local}@{'.'.join(labels)}"


def _norm_handle(h: str) -> str:
    return h.strip(".,;:)(-[]\"'“”").lstrip("@")


def _app_name(raw: str) -> str | None:
    """The app a (possibly obfuscated) keyword names: "w.i.c.k.r" → wickr, "k1k" → kik."""
    low = raw.lower()
    plain = re.sub(r"\s", "", low)
    if plain in _APP_KIND or plain in ("whatsapp", "whats app"):
        return plain
    squeezed = _OBFUSCATED_APP_RE.sub("", low.replace("1", "i").replace("!", "i"))
    squeezed = re.sub(r"(.)\1+", r"\1", squeezed)
    if squeezed in ("wickr", "wikr", "wickrme", "wikrme"):
        return "wickr"
    if squeezed in ("kik", "kiik"):
        return "kik"
    return None


# App names and small words that run into a handle when a listing lost its line breaks:
# "snow41Whatsapp", "moonrider71KIK", "Fisherman27Email", "NIGHTSHOPTEAMemai"
_RUN_IN_WORDS = ("whatsapp", "whatzapp", "whats-app", "whats", "telegram", "wickr", "email",
                 "emai", "gmail", "signal", "snapchat", "contact", "phone", "kik", "icq", "text",
                 "call", "tel", "or", "and", "dear", "hello", "hi", "shipping", "thanks", "thank",
                 "please", "we", "our", "for", "buy", "order", "orders", "price", "prices", "note",
                 "welcome", "available", "delivery", "product", "fast", "the", "to", "me", "id",
                 "protonmail", "proton", "mail", "online", "full", "details", "info", "more")
# an obfuscated app name glued after a handle: "for2uK1k", "APPW1ckr"
_OBFUSCATED_RUN_IN_RE = re.compile(r"(?<=[a-z0-9])(?:W[i1!]ckr|K[i1!]k|WICKR|KIK)$|(?<=[A-Z])W[i1!]ckr$")
_LONG_RUN_IN = frozenset({"whatsapp", "whatzapp", "telegram", "wickr", "email", "signal",
                          "snapchat", "contact", "phone"})


def _clean_handle(raw: str) -> str:
    """A handle as written, cut where the next word or a run of dots begins."""
    handle = re.split(r"\.{2,}|…|\.(?=[A-Z][a-z])", raw, maxsplit=1)[0]
    handle = _norm_handle(handle)
    m = _OBFUSCATED_RUN_IN_RE.search(handle)
    if m and m.start() >= 2:
        handle = _norm_handle(handle[: m.start()])
    changed = True
    while changed and len(handle) > 2:
        changed = False
        low = handle.lower()
        for word in _RUN_IN_WORDS:
            cut = len(handle) - len(word)
            if cut < 2 or not low.endswith(word):
                continue
            head, tail = handle[:cut], handle[cut:]
            boundary = (tail[0].isupper() and (head[-1].islower() or head[-1].isdigit())) or (
                tail[0].islower() and (head[-1].isupper() or head[-1].isdigit()))
            if boundary or word in _LONG_RUN_IN:
                handle = _norm_handle(head)
                changed = True
                break
    return handle


def _search_app(text: str, low: str, pos: int, ascii_text: bool) -> re.Match[str] | None:
    """`_APP_RE.search(text, pos)`. For ASCII text (`low`: `text.lower()`, `ascii_text`:
    `text.isascii()`), the case-sensitive pattern over `low` finds where the match begins (the
    same character classes at every position, so the same matches), the word-start look-behind
    is checked here, and `_APP_RE` matched there gives the match over `text` itself."""
    if not ascii_text:
        return _APP_RE.search(text, pos)
    m = _APP_LOWER_RE.search(low, pos)
    while m is not None and (start := m.start()) > 0 and (low[start - 1].isalnum() or low[start - 1] == "_"):
        m = _APP_LOWER_RE.search(low, start + 1)
    return None if m is None else _APP_RE.match(text, m.start())


def find_contacts(text: str) -> list[dict[str, str]]:
    """Contact handles: telegram, signal, session, threema, wickr, xmpp, email, phone, …"""
    out: list[dict[str, str]] = []

    def add(kind: str, value: str) -> None:
        item = {"kind": kind, "value": value}
        if value and item not in out:
            out.append(item)

    if "@" in text:
        for m in _EMAIL_RE.finditer(text):
            value = _clean_email(m.group().lower().strip("."))
            if value is None:
                continue
            before = text[max(0, m.start() - 20) : m.start()]
            domain = value.rsplit("@", 1)[1]
            is_xmpp = _XMPP_HINT_RE.search(before) or any(d in domain for d in _XMPP_DOMAINS)
            add("xmpp" if is_xmpp else "email", value)
    low = text.lower()
    if ".me/" in low:
        for m in _TELEGRAM_LINK_RE.finditer(text):
            add("telegram", m.group(1))
    for m in _SESSION_ID_RE.finditer(text):
        add("session", m.group().lower())
    handles: list[tuple[str, str]] = []
    pos = 0
    cut = False
    ascii_text = text.isascii()
    while (m := (cut and _APP_AT_RE.match(text, pos)) or _search_app(text, low, pos, ascii_text)) is not None:
        pos = m.end()
        cut = False
        app = _app_name(m.group("app"))
        if app is None:
            continue
        kind = _APP_KIND.get(app, app)
        raw_handle = m.group("handle")
        handle = _clean_handle(raw_handle)
        if handle and len(handle) < len(raw_handle):
            # the handle ran into the next words: read them again ("x25KIK....x25")
            pos = m.start("handle") + max(raw_handle.find(handle), 0) + len(handle)
            cut = True
        if (len(handle) < 3 or re.sub(r"\d+$", "", handle.lower()) in _STOP_HANDLES
                or handle.lower() in _LINK_DOMAINS or _app_name(handle) is not None):
            continue
        between = m.group("between")
        if any(q in between for q in "\"'“"):
            # a quoted handle closes its quote: 'Wickr "name"', not 'the app "Wickr me"But'
            end = m.start("handle") + max(raw_handle.find(handle), 0) + len(handle)
            if text[end : end + 1] not in ("\"", "'", "”"):
                continue
        explicit = (raw_handle.startswith("@") or any(c in between for c in ":=-–>@.*…")
                    or _EXPLICIT_WORD_RE.search(between) is not None)
        if app in _WORDY_APPS and not explicit:
            continue  # "wire transfer", "fast session", "tg" + a word: not a handle
        if kind == "threema":
            if not _THREEMA_ID_RE.match(handle.upper()) or not any(c.isdigit() for c in handle):
                continue
            handle = handle.upper()
        elif kind == "session":
            continue  # Session IDs are caught by their shape above
        elif kind == "icq" and (uin := _ICQ_UIN_RE.match(text, m.start("handle"))) is not None:
            handle = re.sub(r"\D", "", uin.group())  # an ICQ number: "icq = 747 165 525"
        elif handle.startswith("+") or handle.replace("-", "").replace(".", "").isdigit():
            continue  # a number: the phone pass below reads it
        elif not any(c.isalpha() for c in handle):
            continue
        handles.append((kind, handle))
    for kind, handle in handles:
        # "NoLimitTradeour" beside "NoLimitTrade": the longer one ran into the next word
        if any(k == kind and h != handle and handle.startswith(h) for k, h in handles):
            continue
        add(kind, handle)
    if "+" in text:
        for m in _PHONE_HINT_RE.finditer(text):
            try:
                number = phonenumbers.parse(m.group(), None)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                add("phone", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return out


def _key_block_fingerprint(armored: str) -> str | None:
    """V4 fingerprint of the first public-key packet of an ASCII-armoured key block."""
    lines = [ln.strip() for ln in armored.strip().splitlines()]
    # skip armour headers ("Version: …") up to the blank line, drop the CRC line
    if "" in lines:
        lines = lines[lines.index("") + 1 :]
    data_lines = [ln for ln in lines if ln and not ln.startswith("=") and ":" not in ln]
    try:
        raw = base64.b64decode("".join(data_lines), validate=False)
    except (binascii.Error, ValueError):
        return None
    if len(raw) < 3 or not raw[0] & 0x80:
        return None
    tag_byte = raw[0]
    if tag_byte & 0x40:  # new format
        tag = tag_byte & 0x3F
        first = raw[1]
        if first < 192:
            length, off = first, 2
        elif first < 224:
            if len(raw) < 3:
                return None
            length, off = ((first - 192) << 8) + raw[2] + 192, 3
        elif first == 255:
            if len(raw) < 6:
                return None
            length, off = int.from_bytes(raw[2:6], "big"), 6
        else:
            return None
    else:
        tag = (tag_byte >> 2) & 0x0F
        ltype = tag_byte & 0x03
        size = {0: 1, 1: 2, 2: 4}.get(ltype)
        if size is None or len(raw) < 1 + size:
            return None
        length, off = int.from_bytes(raw[1 : 1 + size], "big"), 1 + size
    body = raw[off : off + length]
    if tag != 6 or len(body) != length or not body or body[0] != 4:
        return None
    digest = hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest()
    return digest.upper()


def find_pgp_fingerprints(text: str) -> list[str]:
    """PGP fingerprints written out (40 hex digits, near a PGP word) or computed from a key block."""
    out: list[str] = []
    if "PGP PUBLIC KEY BLOCK" in text:
        for m in _KEY_BLOCK_RE.finditer(text):
            fpr = _key_block_fingerprint(m.group("body"))
            if fpr and fpr not in out:
                out.append(fpr)
    for m in _FPR_RE.finditer(text):
        value = re.sub(r"\s", "", m.group()).upper()
        before = text[max(0, m.start() - 40) : m.start()]
        if (_FPR_HINT_RE.search(before) or " " in m.group()) and value not in out:
            out.append(value)
    return out


def find_market_mentions(texts: Mapping[str, str]) -> list[dict[str, Any]]:
    """Other markets a vendor names ("also on Dream as Foo"), with the alias when given."""
    out: list[dict[str, Any]] = []
    for field, text in texts.items():
        starts = mention_starts(text) if text else []
        if not starts:
            continue
        known = list(matches_at(_MARKET_MENTION_RE, starts, text))
        other = [m for m in matches_at(_OTHER_MARKET_MENTION_RE, starts, text)
                 if m.group("market").lower() not in _NOT_MARKETS
                 and m.group("alias").lower() not in _NOT_MARKETS
                 and not any(k.start() < m.end() and m.start() < k.end() for k in known)]
        for m in sorted(known + other, key=lambda match: match.start()):
            item: dict[str, Any] = {
                "market": re.sub(r"\s+", " ", m.group("market")).lower(),
                "alias": _norm_handle(m.group("alias")) if m.group("alias") else None,
                "text": m.group(), "start": m.start(), "end": m.end(), "field": field,
            }
            out.append(item)
    return out
