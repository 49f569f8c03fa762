"""The trade a simulated market shows, from its seed alone: each listing's sales, feedback
(dated and rated), stock and shipping options, and each vendor's statistics.

Like the rest of the world, every value is a pure function of (seed, market, index, day):
a listing sells 0-2 units a day from its first day, and each sale is followed the same day by
a feedback with probability 0.7; listings of day 1 bring a history of older sales and feedback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from demo.models import FeedbackTruth, day_date

FEEDBACK_RATE = 0.7
RATINGS = (("positive", 0.88), ("neutral", 0.05), ("negative", 0.07))
PRAISE = (
    "Great stealth, fast delivery.", "Top vendor, will order again.",
    "Arrived in 3 days, quality as described.", "Excellent product and communication.", "A+++ thanks",
    "Second order, as good as the first.",
    "Good weight, good taste.", "---",
)  # fmt: skip
MIXED = ("Took two weeks but arrived.", "Ok product, slow shipping.")
COMPLAINTS = ("Never arrived, vendor does not answer.", "Underweight and weak.", "Package seized, no reship.")
SHIPPING = (
    ("Standard letter", Decimal("5.00")), ("Tracked letter", Decimal("12.00")),
    ("Express courier", Decimal("30.00")), ("Stealth box", Decimal("18.50")),
)  # fmt: skip
TERMS = (
    "No refunds on customs seizures; reship at 50% after a month.",
    "Finalize early only after 10 orders. Orders ship Monday to Friday.",
    "Disputes go through the market; be polite and you will be treated well.",
)
BUYER_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class ListingTrade:
    sales: int
    feedback: tuple[FeedbackTruth, ...]
    stock: int | None  # None: the market shows only "In stock"
    in_stock: bool
    shipping: tuple[tuple[str, Decimal], ...]
    terms: str

    @property
    def feedback_score(self) -> Decimal | None:
        """The share of positive feedback, as the page shows it (a whole percent)."""
        if not self.feedback:
            return None
        positive = sum(1 for f in self.feedback if f.rating == "positive")
        return (Decimal(100 * positive) / len(self.feedback)).quantize(Decimal("1")) / 100


@dataclass(frozen=True)
class VendorStats:
    member_since: dt.date
    last_active: dt.date
    sales: int
    disputes: int
    feedback_neutral: int

    def rating(self, positive: int, negative: int) -> Decimal | None:
        """The share of positive feedback, as the page shows it (a whole percent)."""
        total = positive + negative + self.feedback_neutral
        return None if not total else (Decimal(100 * positive) / total).quantize(Decimal("1")) / 100


class Trade:
    """Trade of one market's listings and vendors; `hash_` is the world's `unit_hash`."""

    def __init__(self, seed: int, market: str, hash_: object) -> None:
        self.seed = seed
        self.market = market
        self.u = hash_

    def _h(self, *parts: object) -> float:
        return self.u(self.seed, self.market, "trade", *parts)  # type: ignore[operator]

    def _feedback(self, i: int, day: int, k: int) -> FeedbackTruth:
        r = self._h(i, day, k, "rating")
        limit, rating = 0.0, RATINGS[-1][0]
        for name, share in RATINGS:
            limit += share
            if r < limit:
                rating = name
                break
        texts = {"positive": PRAISE, "neutral": MIXED, "negative": COMPLAINTS}[rating]
        text = texts[int(self._h(i, day, k, "text") * len(texts))]
        buyer = [BUYER_LETTERS[int(self._h(i, day, k, "buyer", n) * len(BUYER_LETTERS))] for n in (0, 1)]
        return FeedbackTruth(date=day_date(day), rating=rating, text=text, buyer=f"{buyer[0]}***{buyer[1]}")

    def listing(self, i: int, first_day: int, day: int) -> ListingTrade:
        """Listing i as shown on `day` (it exists from `first_day`)."""
        sales, feedback = 0, []
        if first_day == 1:  # a listing already on the market when the simulation starts
            for k in range(int(self._h(i, "history") * 12)):
                past = -int(self._h(i, "history", k) * 60)  # up to two months before day 1
                sales += 1
                if self._h(i, "history", k, "fb") < FEEDBACK_RATE:
                    feedback.append(self._feedback(i, past, k))
        for d in range(first_day, day + 1):
            for k in range(int(self._h(i, d, "sales") * 3)):
                sales += 1
                if self._h(i, d, k, "fb") < FEEDBACK_RATE:
                    feedback.append(self._feedback(i, d, 100 + k))
        feedback.sort(key=lambda f: f.date, reverse=True)
        mode = self._h(i, "stock")
        if mode < 0.3:
            stock, in_stock = None, True
        else:
            few = mode < 0.45  # a few units: sells out within days
            start = 1 + int(self._h(i, "few") * 4) if few else 20 + int(self._h(i, "start") * 200)
            stock = max(0, start - sum(int(self._h(i, d, "sales") * 3) for d in range(first_day, day + 1)))
            in_stock = stock > 0
        count = 1 + int(self._h(i, "shipping") * 3)
        first = int(self._h(i, "shipping", "first") * len(SHIPPING))
        shipping = tuple(SHIPPING[(first + n) % len(SHIPPING)] for n in range(count))
        terms = TERMS[int(self._h(i, "terms") * len(TERMS))]
        return ListingTrade(sales, tuple(feedback), stock, in_stock, shipping, terms)

    def vendor(self, j: int, day: int, fb_pos: int, fb_neg: int) -> VendorStats:
        joined = day_date(1) - dt.timedelta(days=30 + int(self._h("vendor", j, "joined") * 900))
        away = int(self._h("vendor", j, day, "away") * 4)  # 0-3 days since last seen
        sales = fb_pos + fb_neg + int(self._h("vendor", j, "unrated") * (fb_pos + 1))
        disputes = int(self._h("vendor", j, "disputes") * (fb_neg + 2))
        return VendorStats(joined, day_date(day) - dt.timedelta(days=away), sales, disputes,
                           int(self._h("vendor", j, "neutral") * (fb_pos // 20 + 1)))
