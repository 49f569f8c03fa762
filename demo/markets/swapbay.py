"""swapbay: an open-web classifieds site whose pages are built by JavaScript from a JSON API.

HTML (`/`, `/search?page=N`, `/item/<id>`, `/user/<alias>`) is a shell with a `<noscript>`
note and no listings; `/static/app.js` fills it from `/api/listings?page=N`,
`/api/item/<id>` and `/api/user/<alias>`. Prices in EUR.
"""

# ruff: noqa: E501  (HTML templates and phrase data read better unwrapped)

from __future__ import annotations

import re

from demo.compose import country_name
from demo.identities import format_fingerprint
from demo.markets.html import json_response, page
from demo.models import day_date
from demo.phrases import KIND_WORDS
from demo.server import Request, Response
from demo.world import MarketSim, World

PER_PAGE = 24
_ITEM = re.compile(r"^/item/(\d+)/?$")
_API_ITEM = re.compile(r"^/api/item/(\d+)/?$")
_USER = re.compile(r"^/user/([A-Za-z0-9_.\-]+)/?$")
_API_USER = re.compile(r"^/api/user/([A-Za-z0-9_.\-]+)/?$")

APP_JS = r"""'use strict';
(function () {
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function link(cls, href, text) { var a = el('a', cls, text); a.href = href; return a; }
  function money(x) { return x.price.replace('.', ',') + ' \u20ac'; }
  function get(url, done) {
    fetch(url, {credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    }).then(done).catch(function () {
      document.getElementById('app').appendChild(el('p', 'error', 'Not found / Nicht gefunden'));
    });
  }
  function grid(data) {
    var root = document.getElementById('app');
    var list = el('div', 'ad-grid');
    data.items.forEach(function (x) {
      var card = el('article', 'ad-card');
      card.setAttribute('data-id', x.id);
      card.appendChild(link('ad-title', x.url, x.title));
      card.appendChild(el('span', 'ad-price', money(x)));
      card.appendChild(el('span', 'ad-location', x.location));
      card.appendChild(link('ad-seller', x.seller_url, x.seller));
      card.appendChild(el('span', 'ad-category', x.category));
      list.appendChild(card);
    });
    root.appendChild(list);
    var nav = el('nav', 'pagination');
    if (data.prev) { var p = link('prev', data.prev, '\u00ab'); p.rel = 'prev'; nav.appendChild(p); }
    nav.appendChild(el('span', 'page-no', data.page + ' / ' + data.pages));
    if (data.next) { var n = link('next', data.next, '\u00bb'); n.rel = 'next'; nav.appendChild(n); }
    root.appendChild(nav);
  }
  function item(x) {
    var root = document.getElementById('app');
    var box = el('article', 'ad-detail');
    box.setAttribute('data-id', x.id);
    box.appendChild(el('h1', 'ad-title', x.title));
    box.appendChild(el('div', 'ad-price', money(x)));
    var facts = el('dl', 'ad-facts');
    [['Kategorie / Category', x.category, 'ad-category'], ['Standort / Location', x.location, 'ad-location'],
     ['Versand aus / Ships from', x.ships_from, 'ad-ships-from'],
     ['Versand nach / Ships to', x.ships_to.join(', '), 'ad-ships-to'], ['Online seit', x.posted, 'ad-posted']
    ].forEach(function (f) { facts.appendChild(el('dt', null, f[0])); facts.appendChild(el('dd', f[2], f[1])); });
    box.appendChild(facts);
    var seller = el('div', 'ad-seller-box');
    seller.appendChild(link('ad-seller', x.seller_url, x.seller));
    box.appendChild(seller);
    var desc = el('div', 'ad-description');
    x.description.split('\n').forEach(function (line) { desc.appendChild(el('p', null, line)); });
    box.appendChild(desc);
    x.images.forEach(function (src) { var i = el('img', 'ad-image'); i.src = src; i.alt = ''; box.appendChild(i); });
    root.appendChild(box);
  }
  function user(u) {
    var root = document.getElementById('app');
    var box = el('section', 'seller-profile');
    box.appendChild(el('h1', 'seller-name', u.alias));
    box.appendChild(el('p', 'seller-since', 'Mitglied seit / member since ' + u.member_since));
    box.appendChild(el('p', 'seller-about', u.about));
    root.appendChild(box);
  }
  var path = window.location.pathname;
  var m = path.match(/^\/item\/(\d+)/);
  var u = path.match(/^\/user\/([^\/]+)/);
  if (m) { get('/api/item/' + m[1], item); }
  else if (u) { get('/api/user/' + u[1], user); }
  else {
    var q = new URLSearchParams(window.location.search);
    get('/api/listings?page=' + encodeURIComponent(q.get('page') || '1'), grid);
  }
})();
"""


class SwapBay:
    """Request handler of the swapbay classifieds site."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.sim: MarketSim = world.markets["swapbay"]

    def handle(self, request: Request) -> Response:
        path = request.path
        if path in ("/", "/search", "/search/") or _ITEM.match(path) or _USER.match(path):
            return self._shell()
        if path == "/static/app.js":
            return Response(200, APP_JS.encode(), "application/javascript; charset=utf-8")
        if path == "/api/listings":
            return self._api_listings(request.query.get("page", "1"))
        if m := _API_ITEM.match(path):
            return self._api_item(m.group(1))
        if m := _API_USER.match(path):
            return self._api_user(m.group(1))
        if path.startswith("/img/"):
            from demo.markets.html import png
            return png()
        return json_response({"error": "not found"}, 404) if path.startswith("/api/") else \
            page("<h1>404</h1><p>Diese Seite gibt es nicht.</p>", 404)

    def _shell(self) -> Response:
        body = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>SwapBay - Kleinanzeigen / Classifieds</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header class="sb-header"><a class="sb-logo" href="/">SwapBay</a>
  <form action="/search" method="get"><input name="q" placeholder="Suchen / Search"></form>
  <a href="/post">Anzeige aufgeben</a></header>
<main id="app"></main>
<noscript><p class="noscript">Bitte aktiviere JavaScript. Please enable JavaScript to see the ads.</p></noscript>
<footer>SwapBay &copy; 2026 &middot; <a href="/impressum">Impressum</a> &middot; <a href="/report">Anzeige melden / Report</a></footer>
<script src="/static/app.js"></script>
</body></html>"""
        return page(body)

    def _summary(self, i: int, day: int) -> dict[str, object]:
        t = self.sim.listing(i, day)
        v = self.sim.vendor(self.sim.content(i).vendor)
        return {"id": t.id, "title": t.title, "price": str(t.price), "currency": "EUR", "url": t.path,
                "category": t.category, "seller": v.alias, "seller_url": f"/user/{v.alias}",
                "location": self._location(i, t.ships_from)}

    def _location(self, i: int, code: str | None) -> str:
        from demo.catalog import CITIES
        if code is None or code not in CITIES:
            return country_name(code) if code else "k. A."
        cities = CITIES[code]
        return f"{cities[i % len(cities)]}, {country_name(code)}"

    def _api_listings(self, page_arg: str) -> Response:
        try:
            number = int(page_arg)
        except ValueError:
            return json_response({"error": "bad page"}, 400)
        day = self.world.day
        top = self.sim.max_index(day)
        pages = max(1, -(-top // PER_PAGE))
        if number < 1 or number > pages:
            return json_response({"error": "no such page"}, 404)
        items = [self._summary(i, day) for i in range((number - 1) * PER_PAGE, min(top, number * PER_PAGE))
                 if self.sim.active(i, day)]
        return json_response({
            "page": number, "pages": pages, "items": items,
            "next": f"/search?page={number + 1}" if number < pages else None,
            "prev": f"/search?page={number - 1}" if number > 1 else None,
            "api_next": f"/api/listings?page={number + 1}" if number < pages else None,
        })

    def _api_item(self, listing_id: str) -> Response:
        i = self.sim.index_of(listing_id)
        day = self.world.day
        if i is None or not self.sim.active(i, day):
            return json_response({"error": "Anzeige nicht gefunden / ad not found"}, 404)
        t = self.sim.listing(i, day)
        data = self._summary(i, day)
        data.update({
            "description": t.description,
            "ships_from": country_name(t.ships_from) if t.ships_from else "k. A.",
            "ships_to": [country_name(c) for c in t.ships_to],
            "images": [f"/img/{t.id}-{n}.jpg" for n in (1, 2)],
            "posted": day_date(t.first_day).isoformat(),
        })
        return json_response(data)

    def _api_user(self, alias: str) -> Response:
        j = self.sim.vendor_index(alias)
        if j is None:
            return json_response({"error": "not found"}, 404)
        v = self.sim.vendor(j)
        intro = {"de": "Privatverkauf, schneller Versand.", "en": "Private seller, fast shipping."}
        about = [intro.get(v.language, intro["en"]), *(f"{KIND_WORDS[k]}: {val}" for k, val in v.contacts)]
        if v.pgp_fingerprint:
            about.append(f"PGP {format_fingerprint(v.pgp_fingerprint)}")
        return json_response({"alias": v.alias, "member_since": f"20{20 + j % 6}-0{1 + j % 9}",
                              "about": " | ".join(about), "country": v.country})
