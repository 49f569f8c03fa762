"""rc-labor: a German "research chemicals" web shop (static HTML, WooCommerce-like markup).

Pages: `/` start page, `/shop/?seite=N` product grid (24 a page, `rel=next`),
`/produkt/<slug>/` product with variant prices and a spec table (CAS numbers),
`/kontakt/` the shop's e-mail, Telegram and Threema. Prices in EUR with decimal commas.
"""

# ruff: noqa: E501  (HTML templates and phrase data read better unwrapped)

from __future__ import annotations

import re
from decimal import Decimal

from demo.compose import country_name
from demo.markets.html import esc, multiline, page, page_number, validated
from demo.phrases import SHOP_FORMS
from demo.server import Request, Response
from demo.world import MarketSim, World

PER_PAGE = 24
_PRODUCT = re.compile(r"^/produkt/([a-z0-9\-]+)/?$")


def euro(amount: Decimal) -> str:
    """12.5 -> '12,50 €' (German format, thousands with a dot)."""
    whole, frac = f"{amount:,.2f}".split(".")
    return f"{whole.replace(',', '.')},{frac}\u00a0€"


class RcLabor:
    """Request handler of the rc-labor shop."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.sim: MarketSim = world.markets["rc-labor"]

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == "/":
            return self._home()
        if path in ("/shop", "/shop/"):
            return self._shop(request.query.get("seite", "1"))
        if m := _PRODUCT.match(path):
            return self._product(m.group(1), request)
        if path in ("/kontakt", "/kontakt/"):
            return self._contact()
        return self._not_found()

    def _layout(self, title: str, body: str, head: str = "") -> str:
        return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>{esc(title)} – RC-Labor</title>{head}</head>
<body class="woocommerce">
<header id="masthead"><a class="site-title" href="/">RC-Labor</a>
<nav class="main-navigation"><a href="/shop/">Shop</a> <a href="/kontakt/">Kontakt</a> <a href="/agb/">AGB</a></nav>
<div class="notice">Alle Produkte sind ausschließlich für Forschungszwecke bestimmt – nicht für den menschlichen Verzehr.</div>
</header>
<main id="main">{body}</main>
{self._footer()}
</body></html>"""

    def _footer(self) -> str:
        # layout 2 (demo.world.LAYOUT_CHANGES): a redesign renamed the footer that names the shop
        footer = '<footer class="site-footer">' if self.world.layout >= 2 else '<footer id="colophon">'
        return f'{footer}© 2026 RC-Labor · Versand aus den Niederlanden · <a href="/kontakt/">Kontakt</a></footer>'

    def _not_found(self) -> Response:
        return page(self._layout("Seite nicht gefunden", "<h1>404 – Seite nicht gefunden</h1>"), 404)

    def _home(self) -> Response:
        body = """<h1>Research Chemicals kaufen</h1>
<p>Willkommen bei RC-Labor: Forschungschemikalien, Referenzstandards &amp; Laborbedarf in höchster Reinheit.</p>
<p><a class="button" href="/shop/">Zum Shop</a></p>"""
        return page(self._layout("Startseite", body))

    def _shop(self, page_arg: str) -> Response:
        number = page_number(page_arg)
        day = self.world.day
        top = self.sim.max_index(day)
        pages = max(1, -(-top // PER_PAGE))
        if number < 1 or number > pages:
            return self._not_found()
        cards = []
        for i in range((number - 1) * PER_PAGE, min(top, number * PER_PAGE)):
            if not self.sim.active(i, day):
                continue
            t = self.sim.listing(i, day)
            cards.append(f"""<li class="product type-product">
  <a href="{t.path}" class="woocommerce-LoopProduct-link"><img src="/bilder/{t.id}.webp" alt="">
  <h2 class="woocommerce-loop-product__title">{esc(t.title)}</h2>
  <span class="price">ab <span class="amount">{euro(t.price)}</span></span></a>
  <a href="{t.path}" class="button">Optionen wählen</a></li>""")
        head, links = "", []
        if number > 1:
            head += f'<link rel="prev" href="/shop/?seite={number - 1}">'
            links.append(f'<a class="prev page-numbers" rel="prev" href="/shop/?seite={number - 1}">← Zurück</a>')
        links.append(f'<span class="page-numbers current">Seite {number} von {pages}</span>')
        if number < pages:
            head += f'<link rel="next" href="/shop/?seite={number + 1}">'
            links.append(f'<a class="next page-numbers" rel="next" href="/shop/?seite={number + 1}">Weiter →</a>')
        body = f"""<h1 class="page-title">Shop</h1>
<ul class="products columns-4">{"".join(cards)}</ul>
<nav class="woocommerce-pagination">{" ".join(links)}</nav>"""
        return page(self._layout(f"Shop – Seite {number}", body, head))

    def _product(self, slug: str, request: Request) -> Response:
        i = self.sim.index_of(slug)
        day = self.world.day
        if i is None or not self.sim.active(i, day):
            return self._not_found()
        t = self.sim.listing(i, day)
        c = self.sim.content(i)
        rows = "".join(
            f'<tr><td class="variante">{esc(text)}</td><td class="preis">{euro(self.sim.price(i, day, amount))}</td></tr>'
            for text, amount in c.draft.variants
        )
        options = "".join(f"<option>{esc(text)}</option>" for text, _ in c.draft.variants)
        spec = [("Kategorie", t.category), ("Form", SHOP_FORMS.get(c.product.kind, "")),
                ("CAS-Nummer", t.cas or "–"), ("Reinheit", "≥ 99 % (HPLC)" if t.cas is None else "≥ 98 %")]
        if t.dose_text:
            spec.append(("Dosierung pro Einheit", t.dose_text))
        spec_rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in spec)
        ships = ", ".join(country_name(code, "de") for code in t.ships_to)
        body = f"""<nav class="woocommerce-breadcrumb"><a href="/">Start</a> / <a href="/shop/">Shop</a> / {esc(t.category)}</nav>
<div class="product">
  <div class="images"><img src="/bilder/{t.id}.webp" alt="{esc(t.title)}"></div>
  <div class="summary">
    <h1 class="product_title entry-title">{esc(t.title)}</h1>
    <p class="price"><span class="amount">{euro(t.price)}</span> <small>({esc(t.quantity_text)}, inkl. MwSt.)</small></p>
    <form class="variations_form" method="post"><select name="variante">{options}</select>
      <button type="submit">In den Warenkorb</button></form>
    <table class="varianten"><tr><th>Menge</th><th>Preis</th></tr>{rows}</table>
    <p class="versand">Versand aus: {esc(country_name(t.ships_from, "de"))} · Lieferung nach: {esc(ships)}</p>
  </div>
  <div class="woocommerce-Tabs-panel beschreibung"><h2>Beschreibung</h2><p>{multiline(t.description)}</p></div>
  <table class="shop_attributes spezifikation">{spec_rows}</table>
  <div class="hinweis"><strong>Hinweis:</strong> Nicht für den menschlichen Verzehr. Abgabe nur an Fachkreise.</div>
</div>"""
        # product pages carry ETag and Last-Modified and answer conditional requests (the
        # shop's other pages, and the other markets, do not)
        return validated(request, page(self._layout(t.title, body)), self.sim.last_changed(i, day))

    def _contact(self) -> Response:
        v = self.sim.vendor(0)
        labels = {"email": "E-Mail", "telegram": "Telegram", "threema": "Threema-ID"}
        items = "".join(f"<li><strong>{labels[k]}:</strong> {esc(val)}</li>" for k, val in v.contacts)
        body = f"""<h1>Kontakt</h1>
<p>Fragen zu Bestellungen, Großmengen oder Analysezertifikaten? Schreiben Sie uns.</p>
<ul class="kontakt">{items}</ul>
<p>Bitcoin-Zahlungen an: <code class="btc">{v.btc}</code></p>
<p>Antwortzeit: Mo–Fr, 9–17 Uhr.</p>"""
        return page(self._layout("Kontakt", body))
