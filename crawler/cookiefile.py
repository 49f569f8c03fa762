"""Reading a browser's cookies: Netscape `cookies.txt` or browser-extension JSON.

`cookies.txt` is what curl, wget and the "cookies.txt" browser extensions write: one cookie a
line, seven tab-separated fields (domain, include-subdomains, path, secure, expiry, name,
value); `#` starts a comment, except `#HttpOnly_`, which prefixes the domain of an HttpOnly
cookie. The JSON form is what Cookie-Editor and EditThisCookie export: a list of objects
with `name`, `value`, `domain`, `path`, `expirationDate` (or `expires`), `secure`,
`httpOnly`; Playwright's `storage_state` (`{"cookies": [...]}`) is read too. The format is
told from the content, not the file name.

Every problem is a `CookieFileError` naming the line or entry and what is expected; the
message never contains a cookie value.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

MAX_BYTES = 5_000_000
# RFC 6265 token: no controls, spaces or separators in a cookie name
_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_BAD_VALUE = re.compile(r"[\x00-\x1f\x7f;]")
_DOMAIN = re.compile(r"^\.?[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_])?$|^\[[0-9A-Fa-f:.]+\]$")
NETSCAPE_FIELDS = "domain, include-subdomains (TRUE/FALSE), path, secure (TRUE/FALSE), expiry, name, value"


class CookieFileError(ValueError):
    """A cookie file that cannot be used: names the file, the line or entry, what is expected."""


@dataclass(frozen=True)
class Cookie:
    name: str
    value: str
    domain: str = ""
    path: str = "/"
    secure: bool = False
    http_only: bool = False
    expires: float | None = None  # seconds since the epoch; None: a browser-session cookie

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cookie:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def matches_host(self, host: str) -> bool:
        """Whether a browser would send this cookie to `host` (no domain: any host)."""
        domain = self.domain.lstrip(".").lower()
        host = host.lower()
        return not domain or host == domain or host.endswith("." + domain)


def read_cookie_file(path: Path) -> list[Cookie]:
    """The cookies in a file; every way reading it can fail is a CookieFileError."""
    if path.is_dir():
        raise CookieFileError(f"{path}: is a directory; expected a cookies.txt or JSON file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise CookieFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise CookieFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise CookieFileError(f"{path}: larger than {MAX_BYTES} bytes; expected a cookie export")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise CookieFileError(
            f"{path}: line {line}: not UTF-8 text; expected a cookies.txt or JSON file"
        ) from None
    return parse_cookies(text, str(path))


def parse_cookies(text: str, source: str = "<cookies>") -> list[Cookie]:
    """Cookies from the text of a `cookies.txt` or JSON export (told apart by content)."""
    if not text.strip():
        raise CookieFileError(f"{source}: empty; expected cookies in Netscape cookies.txt or JSON form")
    is_json = text.lstrip()[:1] in ("[", "{")
    cookies = _from_json(text, source) if is_json else _from_netscape(text, source)
    if not cookies:
        raise CookieFileError(f"{source}: no cookies in it (only comments or blank lines)")
    return cookies


# --- Netscape cookies.txt ----------------------------------------------------------------
def _from_netscape(text: str, source: str) -> list[Cookie]:
    cookies = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip("\r\n")
        http_only = line.startswith("#HttpOnly_")
        if http_only:
            line = line[len("#HttpOnly_"):]
        elif not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{source}: line {number}"
        fields = line.split("\t")
        if len(fields) == 1 and len(line.split()) in (6, 7):
            fields = line.split()  # tabs turned into spaces by a copy and paste
        if len(fields) == 6:
            fields.append("")  # an empty value, its trailing tab lost
        if len(fields) != 7:
            raise CookieFileError(
                f"{where}: expected 7 tab-separated fields ({NETSCAPE_FIELDS}), got {len(fields)}"
            )
        domain, subdomains, path, secure, expires, name, value = fields
        _flag(subdomains, where, "include-subdomains (field 2)")
        cookies.append(
            _cookie(
                where,
                name=name,
                value=value,
                domain=domain.strip(),
                path=path.strip() or "/",
                secure=_flag(secure, where, "secure (field 4)"),
                http_only=http_only,
                expires=_netscape_expiry(expires, where),
            )
        )
    return cookies


def _flag(value: str, where: str, what: str) -> bool:
    flag = value.strip().upper()
    if flag not in ("TRUE", "FALSE"):
        raise CookieFileError(f"{where}: {what} must be TRUE or FALSE, got {_shown(value)}")
    return flag == "TRUE"


def _netscape_expiry(value: str, where: str) -> float | None:
    try:
        seconds = float(value.strip())
    except ValueError:
        raise CookieFileError(
            f"{where}: expiry (field 5) must be seconds since 1970 (0 for a session cookie), "
            f"got {_shown(value)}"
        ) from None
    return _expiry(seconds, where, "expiry (field 5)")


# --- browser-extension JSON --------------------------------------------------------------
def _from_json(text: str, source: str) -> list[Cookie]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CookieFileError(
            f"{source}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}); expected a "
            "list of cookie objects as Cookie-Editor or EditThisCookie export them"
        ) from None
    except RecursionError:
        raise CookieFileError(
            f"{source}: JSON nested too deeply; expected a list of cookie objects"
        ) from None
    if isinstance(data, dict) and isinstance(data.get("cookies"), list):
        data = data["cookies"]  # Playwright's storage_state
    if not isinstance(data, list):
        raise CookieFileError(
            f"{source}: expected a JSON list of cookie objects (name, value, domain, ...), "
            f"got {type(data).__name__}"
        )
    return [_json_cookie(entry, f"{source}: entry {n}") for n, entry in enumerate(data, start=1)]


def _json_cookie(entry: Any, where: str) -> Cookie:
    if not isinstance(entry, dict):
        raise CookieFileError(f"{where}: expected an object with name and value, got {type(entry).__name__}")
    for key in ("name", "value"):
        if key not in entry:
            raise CookieFileError(f"{where}: `{key}` is missing; every cookie needs a name and a value")
        if not isinstance(entry[key], str):
            raise CookieFileError(f"{where}: `{key}` must be a string, got {type(entry[key]).__name__}")
    expires = None
    if not entry.get("session", False):
        for key in ("expirationDate", "expires", "expiry"):
            if entry.get(key) is not None:
                expires = _json_expiry(entry[key], where, key)
                break
    return _cookie(
        where,
        name=entry["name"],
        value=entry["value"],
        domain=_json_text(entry, "domain", where, ""),
        path=_json_text(entry, "path", where, "/") or "/",
        secure=_json_bool(entry, "secure", where),
        http_only=_json_bool(entry, "httpOnly", where),
        expires=expires,
    )


def _json_text(entry: dict[str, Any], key: str, where: str, default: str) -> str:
    value = entry.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise CookieFileError(f"{where}: `{key}` must be a string, got {type(value).__name__}")
    return value.strip()


def _json_bool(entry: dict[str, Any], key: str, where: str) -> bool:
    value = entry.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise CookieFileError(f"{where}: `{key}` must be true or false, got {type(value).__name__}")
    return value


def _json_expiry(value: Any, where: str, key: str) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CookieFileError(
            f"{where}: `{key}` must be a number of seconds since 1970, got {type(value).__name__}"
        )
    if value < 0:  # Playwright writes -1 for a session cookie
        return None
    return _expiry(float(value), where, f"`{key}`")


# --- shared checks -----------------------------------------------------------------------
def _expiry(seconds: float, where: str, what: str) -> float | None:
    if seconds != seconds or seconds in (float("inf"), float("-inf")) or seconds > 1e11:
        raise CookieFileError(f"{where}: {what} is not a plausible time (seconds since 1970)")
    return seconds if seconds > 0 else None


def _cookie(where: str, **fields: Any) -> Cookie:
    name = fields["name"].strip()
    if not _NAME.match(name):
        # the characters at fault, not the name: a misaligned line may put a value here
        bad = "".join(sorted({c for c in name if not _NAME.match(c)}))
        what = f"has characters a name cannot have: {bad!r}" if name else "is empty"
        raise CookieFileError(f"{where}: the cookie name {what} (letters, digits and !#$%&'*+-.^_`|~)")
    fields["name"] = name
    if _BAD_VALUE.search(fields["value"]):
        # never echo the value: it is the secret
        raise CookieFileError(f"{where}: the value of cookie {name!r} contains a control character or ';'")
    domain = fields["domain"]
    if domain and not _DOMAIN.match(domain):
        raise CookieFileError(f"{where}: domain {_shown(domain)} is not a host name (e.g. .example.onion)")
    if not fields["path"].startswith("/") or _BAD_VALUE.search(fields["path"]):
        raise CookieFileError(f"{where}: path {_shown(fields['path'])} must start with '/'")
    return Cookie(**fields)


def _shown(value: str) -> str:
    """A bit of the offending text, for the message (short: never a whole value)."""
    return repr(value[:16] + ("…" if len(value) > 16 else ""))
