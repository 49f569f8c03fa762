"""The simulated world: three markets whose listings live, change price and vanish over days.

Everything is a pure function of (seed, market, listing index, day): listing `i` is generated
on demand from `random.Random(f"{seed}:{market}:{i}")`, so a world of 100,000 listings is
built instantly and a page never iterates over the whole market.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from demo import hostile as hostile_corpus
from demo.catalog import (
    BY_KEY,
    LANGUAGE_COUNTRIES,
    MARKET_PRODUCTS,
    NIGHTOWL_CATEGORIES,
    NOVEL_PRODUCTS,
    SHIPS_TO_CHOICES,
    USD_PER_EUR,
    Product,
)
from demo.compose import LANGUAGE_WEIGHTS, Draft, compose, compose_shop, weighted
from demo.identities import alias_for, btc_address, contacts_for, pgp_key, variant_alias
from demo.models import Changes, ListingTruth, MarketTruth, VendorTruth
from demo.trade import Trade

MARKETS = ("nightowl", "swapbay", "rc-labor")
#: The market that shows the hostile corpus (demo.hostile) in a `World(hostile=True)`.
HOSTILE_MARKET = "nightowl"
#: Served by the demo as dark markets: under an onion name, through a SOCKS5 stand-in for Tor.
DARK_MARKETS = ("nightowl",)
RENDER = {"nightowl": "static", "swapbay": "browser", "rc-labor": "static"}
CURRENCY = {"nightowl": "USD", "swapbay": "EUR", "rc-labor": "EUR"}
DEMO_CREDENTIALS = ("demo", "demo-password")

REMOVE_RATE = 0.10   # share of active listings that vanish each day
APPEAR_RATE = 0.10   # new listings each day, as a share of the day-1 count
PRICE_RATE = 0.15    # share of listings whose price changes each day

SHOP_ALIAS = "RC-Labor"
SWAPBAY_CATEGORIES = {
    "cannabis": "Garden & Plants", "synthetic_cannabinoid": "Garden & Plants", "steroid": "Sports & Fitness",
    "medicine_other": "Health & Beauty", "benzodiazepine": "Health & Beauty", "opioid": "Health & Beauty",
    "sedative": "Health & Beauty", "synthetic_opioid": "Health & Beauty", "other": "Party & Events",
    "entactogen": "Party & Events", "stimulant": "Party & Events", "dissociative": "Party & Events",
    "cathinone": "Party & Events", "psychedelic": "Books & Hobbies",
}
SWAPBAY_NONDRUG = {"watch": "Watches & Jewellery", "notes": "Collectibles", "docs": "Services",
                   "software": "Computers & Software", "guide": "Books & Hobbies"}


def unit_hash(*parts: object) -> float:
    """A uniform number in [0, 1) from the parts (fast, stable across runs)."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def slugify(text: str) -> str:
    """ASCII lower-case slug (3-MMC Kristalle -> 3-mmc-kristalle)."""
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Content:
    """The static part of listing i (everything except price and lifetime)."""

    product: Product
    draft: Draft
    vendor: int
    category: str
    ships_from: str | None
    ships_to: tuple[str, ...]
    base_eur: float
    id: str
    path: str


@dataclass(frozen=True)
class Vendor:
    """One seller of a market (all identifiers needed for its page and the truth)."""

    index: int
    alias: str
    language: str
    country: str
    contacts: tuple[tuple[str, str], ...]
    pgp_armor: str | None
    pgp_fingerprint: str | None
    btc: str
    level: int
    fb_pos: int
    fb_neg: int
    elsewhere: tuple[tuple[str, str], ...]   # (market, alias)


def _wheel() -> tuple[tuple[int, ...], dict[str, tuple[int, ...]]]:
    """nightowl's category wheel: category of index i is WHEEL[i % len(WHEEL)] (interleaved)."""
    counts = {c[0]: c[3] for c in NIGHTOWL_CATEGORIES}
    slots: list[tuple[float, int]] = []
    for ci, (slug, *_rest) in enumerate(NIGHTOWL_CATEGORIES):
        n = counts[slug]
        slots += [((k + 0.5) / n, ci) for k in range(n)]
    wheel = tuple(ci for _, ci in sorted(slots))
    positions = {
        slug: tuple(p for p, ci in enumerate(wheel) if ci == idx)
        for idx, (slug, *_rest) in enumerate(NIGHTOWL_CATEGORIES)
    }
    return wheel, positions


WHEEL, WHEEL_POSITIONS = _wheel()
CATEGORY_NAMES = {slug: name for slug, name, *_ in NIGHTOWL_CATEGORIES}


class MarketSim:
    """One market's listings and vendors as functions of (seed, index, day)."""

    def __init__(self, seed: int, market: str, listings: int, hostile: bool = False) -> None:
        if market not in MARKETS:
            raise KeyError(market)
        self.seed = seed
        self.market = market
        self.hostile = hostile and market == HOSTILE_MARKET
        self.n = max(1, listings)
        self.per_day = max(1, round(self.n * APPEAR_RATE))
        self.currency = CURRENCY[market]
        self.vendor_count = 1 if market == "rc-labor" else max(4, min(self.n // 6, 3000))
        self.shared_count = max(2, self.vendor_count // 5)
        self.content = lru_cache(maxsize=65536)(self._content)
        self.vendor = lru_cache(maxsize=8192)(self._vendor)
        self._alias_index: dict[str, int] | None = None
        self.trade = Trade(seed, market, unit_hash) if market == "nightowl" else None
        self._hostile_k = self._hostile_listings() if self.hostile else {}

    # -- the hostile corpus (demo.hostile) --------------------------------------------------
    def _hostile_listings(self) -> dict[int, int]:
        """Listing index -> payload number: the first day-1 listings that sell a drug."""
        out: dict[int, int] = {}
        for i in range(self.n):
            if len(out) == len(hostile_corpus.TITLE_PAYLOADS):
                break
            product, _ = self._product(i, random.Random(f"{self.seed}:{self.market}:{i}"))
            if product.substance is not None:
                out[i] = len(out)
        return out

    def hostile_k(self, i: int) -> int | None:
        """The payload number of listing i, None for a listing without payloads."""
        return self._hostile_k.get(i)

    def raw_description(self, i: int) -> bool:
        """Does the market show listing i's description unescaped (careless HTML)?"""
        k = self.hostile_k(i)
        return k is not None and hostile_corpus.raw_description(k)

    def _hostile_vendors(self) -> range:
        """Vendor indices with hostile aliases: those not shared with another market."""
        top = min(self.vendor_count, self.shared_count + len(hostile_corpus.VENDOR_PAYLOADS))
        return range(self.shared_count, top) if self.hostile else range(0)

    def hostile_truth(self, day: int) -> list[hostile_corpus.HostileTruth]:
        """Every payload the market shows on `day`, with the listing or vendor showing it."""
        out: list[hostile_corpus.HostileTruth] = []
        for i, k in sorted(self._hostile_k.items()):
            if not self.active(i, day):
                continue
            lid = self.listing_id(i)
            out.append(hostile_corpus.HostileTruth(self.market, "title", hostile_corpus.TITLE_PAYLOADS[k],
                                                   False, listing_id=lid))
            payload = hostile_corpus.DESCRIPTION_PAYLOADS[k % len(hostile_corpus.DESCRIPTION_PAYLOADS)]
            out.append(hostile_corpus.HostileTruth(self.market, "description", payload,
                                                   self.raw_description(i), listing_id=lid))
        for j in self._hostile_vendors():
            out.append(hostile_corpus.HostileTruth(self.market, "vendor", self.aliases()[j], False,
                                                   vendor=self.aliases()[j]))
        return out

    # -- lifetime -------------------------------------------------------------------------
    def max_index(self, day: int) -> int:
        """Indices below this exist (active or not) by `day`."""
        return self.n + max(0, day - 1) * self.per_day

    def first_day(self, i: int) -> int:
        return 1 if i < self.n else 2 + (i - self.n) // self.per_day

    def last_day(self, i: int) -> int:
        """The last day listing i is active (geometric lifetime: REMOVE_RATE per day)."""
        u = unit_hash(self.seed, self.market, i, "life")
        return self.first_day(i) + int(math.log(1.0 - u) / math.log(1.0 - REMOVE_RATE))

    def active(self, i: int, day: int) -> bool:
        return 0 <= i < self.max_index(day) and self.first_day(i) <= day <= self.last_day(i)

    def price_factor(self, i: int, day: int) -> float:
        """Multiplier of the base price on `day` (the latest change at or before it)."""
        for d in range(day, self.first_day(i), -1):
            if unit_hash(self.seed, self.market, i, d, "price") < PRICE_RATE:
                u = unit_hash(self.seed, self.market, i, d, "factor")
                step = 0.05 + 0.2 * u
                return 1.0 + step if u < 0.5 else 1.0 - step * 0.8
        return 1.0

    def last_changed(self, i: int, day: int) -> int:
        """The last day on or before `day` on which listing i's page changed (its price;
        trade figures, shown by nightowl only, are not counted): its first day if never."""
        for d in range(day, self.first_day(i), -1):
            if unit_hash(self.seed, self.market, i, d, "price") < PRICE_RATE:
                return d
        return self.first_day(i)

    # -- ids ------------------------------------------------------------------------------
    def listing_id(self, i: int) -> str:
        if self.market == "nightowl":
            return str(10007 + 13 * i)
        if self.market == "swapbay":
            return str(3100000 + 37 * i)
        return self.content(i).id

    def index_of(self, listing_id: str) -> int | None:
        """Listing index from an id in a URL, or None if it cannot be one of ours."""
        try:
            if self.market == "nightowl":
                v, base, step = int(listing_id), 10007, 13
            elif self.market == "swapbay":
                v, base, step = int(listing_id), 3100000, 37
            else:
                v, base, step = int(listing_id.rsplit("-", 1)[1]), 101, 1
        except (ValueError, IndexError):
            return None
        if v < base or (v - base) % step:
            return None
        i = (v - base) // step
        if self.market == "rc-labor" and self.content(i).id != listing_id:
            return None
        return i

    # -- content --------------------------------------------------------------------------
    def category_slug(self, i: int) -> str:
        return NIGHTOWL_CATEGORIES[WHEEL[i % len(WHEEL)]][0]

    def _product(self, i: int, rng: random.Random) -> tuple[Product, str]:
        novel_ok = i >= self.n
        if self.market == "nightowl":
            slug = self.category_slug(i)
            pool = next(c[2] for c in NIGHTOWL_CATEGORIES if c[0] == slug)
            key = weighted(rng, pool)
            if novel_ok and slug == "opioids" and rng.random() < 0.3:
                key = NOVEL_PRODUCTS["nightowl"][0]
            return BY_KEY[key], CATEGORY_NAMES[slug]
        novel = NOVEL_PRODUCTS[self.market]
        first_of_day = novel_ok and (i - self.n) % self.per_day == 0
        if first_of_day or (novel_ok and rng.random() < 0.03):
            key = novel[((i - self.n) // self.per_day) % len(novel)]
        else:
            key = weighted(rng, MARKET_PRODUCTS[self.market])
        product = BY_KEY[key]
        if self.market == "swapbay":
            cat = SWAPBAY_NONDRUG.get(key) or SWAPBAY_CATEGORIES.get(product.cls or "", "Other")
            return product, cat
        from demo.phrases import SHOP_GROUPS
        return product, SHOP_GROUPS.get(product.cls or "", "Forschungschemikalien")

    def _content(self, i: int) -> Content:
        rng = random.Random(f"{self.seed}:{self.market}:{i}")
        product, category = self._product(i, rng)
        if self.market == "rc-labor":
            draft = compose_shop(product, rng)
            vendor_i, ships_from, ships_to = 0, "NL", ("EU", "CH")
            slug = f"{slugify(product.names[0])}-{i + 101}"
            lid, path = slug, f"/produkt/{slug}/"
        else:
            vendor_i = rng.randrange(self.vendor_count)
            k = self.hostile_k(i)
            hostile_vendors = self._hostile_vendors()
            if k is not None and hostile_vendors:
                vendor_i = hostile_vendors[k % len(hostile_vendors)]
            vendor = self.vendor(vendor_i)
            style = "darknet" if self.market == "nightowl" else "classified"
            lang = vendor.language if rng.random() < 0.8 else None
            r = rng.random()
            ships_from = None if r < 0.08 else ("EU" if r < 0.12 else vendor.country)
            ships_to = rng.choice(SHIPS_TO_CHOICES)
            draft = compose(product, style, rng, vendor.alias, ships_from, list(vendor.contacts), lang)
            if k is not None:
                draft = replace(draft, title=hostile_corpus.title(k, draft.title),
                                description=hostile_corpus.description(k, draft.description))
            lid = self.listing_id(i)
            path = f"/listing/{lid}/" if self.market == "nightowl" else f"/item/{lid}"
        jitter = rng.uniform(0.85, 1.25)
        amount = max(draft.amount, 1e-9)
        if product.substance is None:
            base = product.eur * amount * jitter
        else:
            base = product.eur * amount * amount ** -0.15 * jitter
        return Content(product, draft, vendor_i, category, ships_from, tuple(ships_to), max(base, 4.0), lid,
                       path)

    def price(self, i: int, day: int, amount: float | None = None) -> Decimal:
        """Displayed price of listing i on `day`, in the market's currency.

        `amount` prices another variant of a shop product (rc-labor's 5g / 10g ...).
        """
        c = self.content(i)
        eur = c.base_eur * self.price_factor(i, day)
        if amount is not None and c.draft.amount:
            eur *= (amount / c.draft.amount) ** 0.85
        if self.currency == "USD":
            return Decimal(eur * USD_PER_EUR).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if self.market == "swapbay":
            return Decimal(eur).quantize(Decimal("1"), ROUND_HALF_UP)
        halves = Decimal(eur * 2).quantize(Decimal("1"), ROUND_HALF_UP)
        return (halves / 2).quantize(Decimal("0.01"))

    def listing(self, i: int, day: int) -> ListingTruth:
        """The truth of listing i as shown on `day` (call only for active listings)."""
        c = self.content(i)
        d = c.draft
        vendor = SHOP_ALIAS if self.market == "rc-labor" else self.vendor(c.vendor).alias
        trade: dict[str, object] = {}
        if self.trade is not None:
            t = self.trade.listing(i, self.first_day(i), day)
            trade = {"sales": t.sales, "feedback": t.feedback, "feedback_score": t.feedback_score,
                     "stock": t.stock, "in_stock": t.in_stock, "shipping": t.shipping, "terms": t.terms}
        return ListingTruth(
            id=c.id, path=c.path, title=d.title, description=d.description, category=c.category,
            vendor=vendor, price=self.price(i, day), currency=self.currency, ships_from=c.ships_from,
            ships_to=list(c.ships_to), substance=c.product.substance, substance_class=c.product.cls,
            quantity_text=d.quantity_text, first_day=self.first_day(i), last_day=None, language=d.language,
            counterfeit=c.product.counterfeit, novel=c.product.novel, dose_text=d.dose_text,
            cas=c.product.cas, **trade,  # type: ignore[arg-type]
        )

    def active_indices(self, day: int) -> list[int]:
        return [i for i in range(self.max_index(day)) if self.active(i, day)]

    # -- vendors --------------------------------------------------------------------------
    def aliases(self) -> tuple[str, ...]:
        plain = vendor_aliases(self.seed, self.market, self.vendor_count, self.shared_count)
        if not self.hostile:
            return plain
        names = list(plain)
        for n, j in enumerate(self._hostile_vendors()):
            names[j] = hostile_corpus.VENDOR_PAYLOADS[n]
        return tuple(names)

    def _vendor(self, j: int) -> Vendor:
        rng = random.Random(f"{self.seed}:{self.market}:vendor:{j}")
        if self.market == "rc-labor":
            contacts = (("email", "bestellung@rc-labor.example"), ("telegram", "@rclabor_shop"),
                        *contacts_for("rclabor", rng, ("threema",)))
            return Vendor(0, SHOP_ALIAS, "de", "NL", contacts, None, None, btc_address(rng), 0, 0, 0, ())
        style = "darknet" if self.market == "nightowl" else "classified"
        language = weighted(rng, LANGUAGE_WEIGHTS[style])
        country = rng.choice(LANGUAGE_COUNTRIES[language])
        alias = self.aliases()[j]
        # contacts and the PGP key's user id come from the plain alias, even for a hostile one
        plain = vendor_aliases(self.seed, self.market, self.vendor_count, self.shared_count)[j]
        shared = j < self.shared_count
        other_market = "swapbay" if self.market == "nightowl" else "nightowl"
        other: tuple[tuple[str, str], ...] = ()
        if shared:
            # one person behind both aliases: same PGP key and Telegram handle
            ident = random.Random(f"{self.seed}:shared:{j}:identity")
            base = vendor_aliases(self.seed, "nightowl", self.vendor_count, self.shared_count)[j]
            armor, fpr = pgp_key(ident, f"{base} <{base.lower()}@protonmail.com>")
            telegram = contacts_for(base, ident, ("telegram",))
            other = ((other_market,
                      vendor_aliases(self.seed, other_market, self.vendor_count, self.shared_count)[j]),)
            language = "en" if self.market == "nightowl" else rng.choice(("en", "de", "nl"))
        else:
            armor, fpr = pgp_key(rng, f"{plain} <{plain.lower()}@protonmail.com>")
            telegram = contacts_for(plain, rng, ("telegram",))
        if self.market == "nightowl":
            kinds = tuple(k for k in ("wickr", "session", "xmpp") if rng.random() < 0.7) or ("session",)
        else:
            kinds = tuple(k for k in ("wickr", "signal", "email") if rng.random() < 0.6) or ("signal",)
            if not shared:
                armor, fpr = None, None
        contacts = (*telegram, *contacts_for(plain, rng, kinds))
        level = rng.randint(1, 12)
        fb_pos = rng.randint(level * 8, level * 90)
        return Vendor(j, alias, language, country, contacts, armor, fpr, btc_address(rng), level, fb_pos,
                      rng.randint(0, max(1, fb_pos // 40)), other)

    def vendor_index(self, alias: str) -> int | None:
        if self._alias_index is None:
            self._alias_index = {a: j for j, a in enumerate(self.aliases())}
        return self._alias_index.get(alias)

    def vendor_path(self, alias: str) -> str:
        if self.market == "nightowl":
            return f"/vendor/{urllib.parse.quote(alias, safe='')}/"
        if self.market == "swapbay":
            return f"/user/{alias}"
        return "/kontakt/"

    def vendor_truth(self, j: int, day: int = 1) -> VendorTruth:
        v = self.vendor(j)
        stats: dict[str, object] = {}
        if self.trade is not None:
            s = self.trade.vendor(j, day, v.fb_pos, v.fb_neg)
            stats = {"level": v.level, "member_since": s.member_since, "last_active": s.last_active,
                     "sales": s.sales, "disputes": s.disputes, "feedback_positive": v.fb_pos,
                     "feedback_neutral": s.feedback_neutral, "feedback_negative": v.fb_neg,
                     "rating": s.rating(v.fb_pos, v.fb_neg)}
        return VendorTruth(alias=v.alias, path=self.vendor_path(v.alias), pgp_fingerprint=v.pgp_fingerprint,
                           contacts=list(v.contacts), markets=dict(v.elsewhere),
                           btc_addresses=[v.btc] if self.market != "swapbay" else [], country=v.country,
                           **stats)  # type: ignore[arg-type]

    # -- truth ----------------------------------------------------------------------------
    def truth(self, day: int) -> MarketTruth:
        listings = {t.id: t for t in (self.listing(i, day) for i in self.active_indices(day))}
        vendors = {}
        for j in range(self.vendor_count):
            vt = self.vendor_truth(j, day)
            vendors.setdefault(vt.alias, vt)
        return MarketTruth(listings=listings, vendors=vendors, render=RENDER[self.market])

    def changes(self, day_from: int, day_to: int) -> Changes:
        top = max(self.max_index(day_from), self.max_index(day_to))
        before = {i for i in range(top) if self.active(i, day_from)}
        after = {i for i in range(top) if self.active(i, day_to)}
        both = before & after
        changed = {i for i in both if self.price(i, day_from) != self.price(i, day_to)}
        traded: set[int] = set()
        if self.trade is not None:
            trade = self.trade

            def shown(i: int, day: int) -> tuple[object, ...]:
                t = trade.listing(i, self.first_day(i), day)
                return t.sales, len(t.feedback), t.stock, t.in_stock

            traded = {i for i in both if shown(i, day_from) != shown(i, day_to)}
        ident = self.listing_id
        return Changes(appeared={ident(i) for i in after - before},
                       removed={ident(i) for i in before - after},
                       price_changed={ident(i) for i in changed},
                       trade_changed={ident(i) for i in traded})


    def pages_changed(self, day_from: int, day_to: int) -> set[str]:
        """Listings active on both days whose own page changed in between: their price moved,
        whether or not the displayed price rounds differently (the other prices on the page,
        such as rc-labor's variants, move with it). What rc-labor's ETags follow."""
        top = max(self.max_index(day_from), self.max_index(day_to))
        both = (i for i in range(top) if self.active(i, day_from) and self.active(i, day_to))
        return {self.listing_id(i) for i in both if self.last_changed(i, day_to) > day_from}


@lru_cache(maxsize=64)
def vendor_aliases(seed: int, market: str, count: int, shared: int) -> tuple[str, ...]:
    """All vendor aliases of a market, unique; the first `shared` are people active on two markets."""
    if market == "rc-labor":
        return (SHOP_ALIAS,)
    seen: set[str] = set()
    out: list[str] = []
    for j in range(count):
        if j < shared:
            alias = alias_for(random.Random(f"{seed}:shared:{j}:alias"))
            if market != "nightowl":
                alias = variant_alias(alias, random.Random(f"{seed}:shared:{j}:variant"))
        else:
            rng = random.Random(f"{seed}:{market}:alias:{j}")
            alias = alias_for(rng)
            if market != "nightowl":
                alias = alias.lower() if rng.random() < 0.5 else variant_alias(alias, rng)
        if alias in seen:
            alias = f"{alias}_{j}"
        seen.add(alias)
        out.append(alias)
    return tuple(out)


class World:
    """The three sample markets on one simulator day (`day` may be moved while serving)."""

    def __init__(self, seed: int = 7, listings: int = 40, day: int = 1, interstitial_rate: float = 0.1,
                 captcha_always: bool = False, session_lifetime: int = 0, layout: int = 1,
                 hostile: bool = False) -> None:
        if day < 1:
            raise ValueError("day starts at 1")
        check_layout(layout)
        self.seed = seed
        self.listings = listings
        self.day = day
        self.interstitial_rate = interstitial_rate
        self.captcha_always = captcha_always
        # nightowl: pages one login's cookie opens before it expires (0: never); may be changed
        # while serving, and applies to the requests that follow
        self.session_lifetime = session_lifetime
        # the markup generation: 2 renames one field's markup in one market (LAYOUT_CHANGES), as
        # a market's redesign does, so that its configured selector finds nothing; may be changed
        # while serving
        self.layout = layout
        # nightowl also shows the hostile corpus (demo.hostile): XSS, markup and Unicode payloads
        self.hostile = hostile
        self.markets = {m: MarketSim(seed, m, listings, hostile) for m in MARKETS}

    def truth(self, market: str | None = None) -> dict[str, MarketTruth]:
        """Market id -> truth on `self.day` (one market if named)."""
        names = [market] if market else list(MARKETS)
        return {m: self.markets[m].truth(self.day) for m in names}

    def hostile_truth(self) -> list[hostile_corpus.HostileTruth]:
        """Every hostile payload shown on `self.day` (empty unless `hostile`)."""
        return [h for sim in self.markets.values() for h in sim.hostile_truth(self.day)]


#: What each layout generation changes, against layout 1: (market, field, what changed).
LAYOUT_CHANGES = {
    1: (),
    2: (("rc-labor", "vendor", "the page footer's id `colophon` becomes the class `site-footer`"),),
}


def check_layout(layout: int) -> int:
    if layout not in LAYOUT_CHANGES:
        raise ValueError(f"layout must be one of {sorted(LAYOUT_CHANGES)}, not {layout}")
    return layout


def changes(seed: int, listings: int, day_from: int, day_to: int) -> dict[str, Changes]:
    """What appeared, vanished and changed price in each market between two days."""
    world = World(seed=seed, listings=listings)
    return {m: sim.changes(day_from, day_to) for m, sim in world.markets.items()}
