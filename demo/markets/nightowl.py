"""nightowl: a dark-web market in the style of Hansa (2017), behind a login wall and a queue guard.

A login's session may expire after `World.session_lifetime` pages (0: never): the next
page redirects to `/login?next=...`, as when a real market logs a crawler out mid-crawl.

Pages: `/` categories, `/category/<slug>/?page=N` (30 cards a page, `rel=next`),
`/listing/<id>/` with its `feedback/` and `terms/` tabs, `/vendor/<alias>/` (with the vendor's
statistics), `/login`. Prices in USD with BTC and XMR equivalents.
"""

# ruff: noqa: E501  (HTML templates and phrase data read better unwrapped)

from __future__ import annotations

import re
import secrets
import threading
import urllib.parse

from demo.catalog import NIGHTOWL_CATEGORIES, USD_PER_BTC, USD_PER_XMR
from demo.compose import country_name
from demo.identities import format_fingerprint
from demo.markets import nightowl_trade as trade
from demo.markets.html import esc, multiline, page, page_number, png, redirect
from demo.models import day_date
from demo.server import Request, Response
from demo.world import CATEGORY_NAMES, DEMO_CREDENTIALS, WHEEL, WHEEL_POSITIONS, MarketSim, World, unit_hash

COOKIE = "owl_session"
PER_PAGE = 30
_LISTING = re.compile(r"^/listing/(\d+)/?$")
_LISTING_TAB = re.compile(r"^/listing/(\d+)/(feedback|terms)/?$")
_VENDOR = re.compile(r"^/vendor/(.+?)/?$", re.S)  # the path comes percent-decoded
_CATEGORY = re.compile(r"^/category/([a-z0-9\-]+)/?$")


def vendor_href(alias: str) -> str:
    """The vendor page's path, percent-encoded (hostile aliases carry any character)."""
    return esc(f"/vendor/{urllib.parse.quote(alias, safe='')}/")


def btc(usd: object) -> str:
    return f"{float(str(usd)) / USD_PER_BTC:.8f}"


def xmr(usd: object) -> str:
    return f"{float(str(usd)) / USD_PER_XMR:.4f}"


class NightOwl:
    """Request handler of the nightowl market."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.sim: MarketSim = world.markets["nightowl"]
        self._sessions: dict[str, int] = {}  # token -> pages it opened
        self._hits: dict[str, int] = {}
        self._guarded: dict[str, bool] = {}
        self._lock = threading.Lock()

    # -- gatekeeping -------------------------------------------------------------------------
    def _queue_guard(self, request: Request) -> bool:
        """Interstitial for this request? Never twice in a row for the same URL."""
        if self.world.captcha_always:
            return True
        if self.world.interstitial_rate <= 0:
            return False
        key = request.raw_path
        with self._lock:
            count = self._hits.get(key, 0)
            self._hits[key] = count + 1
            hit = not self._guarded.get(key, False) and \
                unit_hash(self.world.seed, "queue", key, count) < self.world.interstitial_rate
            self._guarded[key] = hit
        return hit

    def handle(self, request: Request) -> Response:
        if request.path == "/login":
            return self._login(request)
        if self._queue_guard(request):
            return self._interstitial()
        if not self._session_valid(request.cookies.get(COOKIE)):
            return redirect("/login?next=" + urllib.parse.quote(request.raw_path, safe=""))
        path = request.path
        if path == "/":
            return self._home()
        if m := _CATEGORY.match(path):
            return self._category(m.group(1), request.query.get("page", "1"))
        if m := _LISTING.match(path):
            return self._listing(m.group(1))
        if m := _LISTING_TAB.match(path):
            return self._listing(m.group(1), m.group(2))
        if m := _VENDOR.match(path):
            return self._vendor(m.group(1))
        if path.startswith("/img/"):
            return png()
        return self._not_found()

    def _session_valid(self, token: str | None) -> bool:
        """Is the cookie a live session? Each page counts; past `world.session_lifetime` pages
        the session expires (the market forgets it), the way real markets log users out."""
        with self._lock:
            if token is None or token not in self._sessions:
                return False
            used = self._sessions[token] + 1
            lifetime = self.world.session_lifetime
            if lifetime and used > lifetime:
                del self._sessions[token]
                return False
            self._sessions[token] = used
            return True

    def _login(self, request: Request) -> Response:
        nxt = request.query.get("next") or request.form.get("next") or "/"
        if not nxt.startswith("/") or nxt.startswith("//"):
            nxt = "/"
        error = ""
        if request.method == "POST":
            if (request.form.get("username"), request.form.get("password")) == DEMO_CREDENTIALS:
                token = secrets.token_hex(16)
                with self._lock:
                    self._sessions[token] = 0
                return redirect(nxt, [("Set-Cookie", f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax")])
            error = '<div class="alert alert-error">Invalid username or password.</div>'
        body = f"""
<div class="login-box">
  <h1>Sign in to NightOwl</h1>
  {error}
  <form id="login-form" method="post" action="/login">
    <input type="hidden" name="next" value="{esc(nxt)}">
    <label>Username <input type="text" name="username" autocomplete="off"></label>
    <label>Password <input type="password" name="password"></label>
    <div class="captcha"><img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==" alt="captcha" width="150" height="50">
      <input type="text" name="captcha" placeholder="Enter the characters"></div>
    <button type="submit">Login</button>
  </form>
  <p>No account? <a href="/register">Register</a> (invitation only)</p>
</div>"""
        return page(self._layout("Login", body, nav=False), 200 if not error else 403)

    def _interstitial(self) -> Response:
        body = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>NightOwl - queue</title>
<meta http-equiv="refresh" content="10"></head><body>
<div id="queue-guard" class="ddos-guard">
  <h1>You are in the queue...</h1>
  <p>NightOwl is under heavy load. Please wait, you will be redirected automatically.</p>
  <p>Estimated waiting time: 10 seconds. Do not refresh this page.</p>
  <form class="captcha" method="get"><img src="data:image/png;base64,AAAA" alt="captcha">
  <input name="guard" placeholder="captcha"></form>
</div></body></html>"""
        return page(body, 503, [("Retry-After", "10")])

    def _not_found(self) -> Response:
        return page(self._layout("Not found", "<h1>404</h1><p>This listing or page does not exist.</p>"), 404)

    # -- layout -----------------------------------------------------------------------------
    def _layout(self, title: str, body: str, nav: bool = True) -> str:
        cats = "".join(
            f'<li><a href="/category/{slug}/">{esc(name)}</a></li>' for slug, name, *_ in NIGHTOWL_CATEGORIES
        )
        side = f'<nav class="cat-nav"><h4>Categories</h4><ul>{cats}</ul></nav>' if nav else ""
        date = day_date(self.world.day).isoformat()
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} | NightOwl Market</title></head>
<body>
<header class="topbar"><a class="brand" href="/">NightOwl Market</a>
  <form class="search" action="/search/" method="get"><input name="q" placeholder="Search NightOwl..."></form>
  <a href="/messages/">Messages</a> <a href="/orders/">Orders</a> <a href="/support/">Support</a></header>
<div class="wrap">{side}<main class="content">{body}</main></div>
<footer class="foot"><table class="rates"><tr><td>USD/BTC</td><td>{USD_PER_BTC:.2f}</td></tr>
<tr><td>USD/XMR</td><td>{USD_PER_XMR:.2f}</td></tr></table>
<p class="date">Date: {date} 12:00 UTC</p><p>nightowlxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion</p></footer>
</body></html>"""

    def _home(self) -> Response:
        items = "".join(
            f'<li class="cat-tile"><a href="/category/{slug}/">{esc(name)}</a></li>'
            for slug, name, *_ in NIGHTOWL_CATEGORIES
        )
        body = f'<h1>Welcome to NightOwl</h1><p>Escrow &amp; multisig. Read the rules before trading.</p>' \
               f'<ul class="home-categories">{items}</ul>'
        return page(self._layout("Home", body))

    # -- pages ------------------------------------------------------------------------------
    def _slots(self, slug: str, top: int) -> int:
        """How many indices below `top` belong to the category (arithmetic, no iteration)."""
        pos = WHEEL_POSITIONS[slug]
        full, rem = divmod(top, len(WHEEL))
        return full * len(pos) + sum(1 for p in pos if p < rem)

    def _category(self, slug: str, page_arg: str) -> Response:
        if slug not in WHEEL_POSITIONS:
            return self._not_found()
        number = page_number(page_arg)
        day = self.world.day
        top = self.sim.max_index(day)
        pages = max(1, -(-self._slots(slug, top) // PER_PAGE))
        if number < 1 or number > pages:
            return self._not_found()
        pos = WHEEL_POSITIONS[slug]
        cards = []
        for s in range((number - 1) * PER_PAGE, number * PER_PAGE):
            i = (s // len(pos)) * len(WHEEL) + pos[s % len(pos)]
            if i < top and self.sim.active(i, day):
                cards.append(self._card(i, day))
        pager = "".join(
            f'<li class="{"active" if n == number else "num"}"><a href="/category/{slug}/?page={n}">{n}</a></li>'
            for n in range(max(1, number - 3), min(pages, number + 3) + 1)
        )
        if number > 1:
            pager = f'<li><a rel="prev" class="prev" href="/category/{slug}/?page={number - 1}">&laquo; Prev</a></li>' + pager
        if number < pages:
            pager += f'<li><a rel="next" class="next" href="/category/{slug}/?page={number + 1}">Next &raquo;</a></li>'
        name = CATEGORY_NAMES[slug]
        body = f"""<ol class="crumbs"><li><a href="/">Home</a></li><li class="active">{esc(name)}</li></ol>
<h1 class="cat-title">{esc(name)}</h1>
<div class="offer-list">{"".join(cards)}</div>
<ul class="pager">{pager}</ul>"""
        return page(self._layout(name, body))

    def _card(self, i: int, day: int) -> str:
        t = self.sim.listing(i, day)
        v = self.sim.vendor(self.sim.content(i).vendor)
        return f"""
<div class="offer-card" data-listing="{t.id}">
  <a href="{t.path}"><img class="thumb" src="/img/l/{t.id}-s.jpg" alt=""></a>
  <div class="offer-main">
    <div class="offer-title"><a href="{t.path}">{esc(t.title)}</a></div>
    <div class="offer-vendor"><a class="vendor-link" href="{vendor_href(v.alias)}">{esc(v.alias)}</a>
      [<b class="fb-pos">+{v.fb_pos}</b>|<b class="fb-neg">&minus;{v.fb_neg}</b>]
      <span class="lvl">Level {v.level}</span></div>
    <div class="offer-ship">Ships from: <span class="ships-from">{esc(country_name(t.ships_from))}</span></div>
  </div>
  <div class="offer-price"><strong class="usd">USD {t.price}</strong><br>
    <span class="btc">BTC {btc(t.price)}</span></div>
  <a class="buy" href="{t.path}">Buy Now</a>
</div>"""

    def _listing(self, listing_id: str, tab: str = "") -> Response:
        i = self.sim.index_of(listing_id)
        day = self.world.day
        if i is None or not self.sim.active(i, day):
            return self._not_found()
        t = self.sim.listing(i, day)
        v = self.sim.vendor(self.sim.content(i).vendor)
        slug = self.sim.category_slug(i)
        ships_to = ", ".join(country_name(c) for c in t.ships_to)
        body = f"""<ol class="crumbs"><li><a href="/">Home</a></li>
<li><a href="/category/{slug}/">{esc(t.category)}</a></li><li class="active">{esc(t.title)}</li></ol>
<div class="offer-head">
  <div class="gallery"><img src="/img/l/{t.id}-1.jpg" alt="{esc(t.title)}"><img src="/img/l/{t.id}-2.jpg" alt=""></div>
  <h1 class="offer-name">{esc(t.title)}</h1>
  <div class="price-box"><strong class="usd">USD {t.price}</strong>
    <span class="btc">BTC {btc(t.price)}</span> <span class="xmr">XMR {xmr(t.price)}</span></div>
  {trade.trade_box(t)}
  <table class="offer-facts">
    <tr><th>Vendor</th><td><a class="vendor-link" href="{vendor_href(v.alias)}">{esc(v.alias)}</a>
      [<b class="fb-pos">+{v.fb_pos}</b>|<b class="fb-neg">&minus;{v.fb_neg}</b>] <span class="lvl">Level {v.level}</span></td></tr>
    <tr><th>Category</th><td><a href="/category/{slug}/">{esc(t.category)}</a></td></tr>
    <tr><th>Class</th><td>{"Digital" if t.substance is None and "Guide" in t.category else "Physical"}</td></tr>
    <tr><th>Ships from</th><td class="ships-from">{esc(country_name(t.ships_from))}</td></tr>
    <tr><th>Ships to</th><td class="ships-to">{esc(ships_to)}</td></tr>
  </table>
  <form method="post" action="{t.path}"><input name="qty" value="1"><button>Buy Now</button></form>
</div>
{trade.tabs(t, f"{tab}/" if tab else "")}"""
        if tab == "feedback":
            body += trade.feedback_tab(t, day_date(day))
        elif tab == "terms":
            body += trade.terms_tab(t)
        else:
            body += f"""<h3>Listing Details</h3>
<div class="offer-description">{self._description(i, t.description)}</div>"""
        return page(self._layout(t.title, body))

    def _description(self, i: int, text: str) -> str:
        """Escaped, except the hostile listings whose vendor HTML the market shows raw."""
        if self.sim.raw_description(i):
            return "<br>\n".join(text.split("\n"))
        return multiline(text)

    def _vendor(self, alias: str) -> Response:
        j = self.sim.vendor_index(alias)
        if j is None:
            return self._not_found()
        v = self.sim.vendor(j)
        words = {"telegram": "Telegram", "wickr": "Wickr", "session": "Session ID", "xmpp": "XMPP / Jabber"}
        contacts = "".join(f"<li>{words[k]}: {esc(val)}</li>" for k, val in v.contacts)
        about = [f"Welcome to {v.alias}'s store!", "All orders ship within 24h (Mon-Fri) & fully stealth.",
                 "Reships 50%, no refunds on customs seizures.", ""]
        about += [f"{words[k]}: {val}" for k, val in v.contacts]
        about += [f"also on {m} as {a}" for m, a in v.elsewhere]
        about += ["", f"Direct deals (no escrow) BTC: {v.btc}"]
        body = f"""<div class="vendor-head"><h1 class="vendor-name">{esc(v.alias)}</h1>
<p><span class="badge">Vendor</span> <span class="lvl">Level {v.level}</span>
 [<b class="fb-pos">+{v.fb_pos}</b>|<b class="fb-neg">&minus;{v.fb_neg}</b>]
 Ships from: {esc(country_name(v.country))}</p></div>
{trade.vendor_stats(self.sim.vendor_truth(j, self.world.day), day_date(self.world.day))}
<h3>Vendor Profile</h3>
<div class="vendor-about">{multiline(chr(10).join(about))}</div>
<h3>Contact</h3><ul class="contacts">{contacts}</ul>
<div class="btc-address">BTC: <code>{v.btc}</code></div>
<h3>PGP</h3>
<p class="fingerprint">Fingerprint: {format_fingerprint(v.pgp_fingerprint or "")}</p>
<pre class="pgp">{esc(v.pgp_armor or "")}</pre>"""
        return page(self._layout(v.alias, body))
