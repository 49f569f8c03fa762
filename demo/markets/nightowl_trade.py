"""nightowl's trade pages: sales, stock and shipping on a listing, its feedback and terms tabs,
and a vendor's statistics, rendered from the simulator's truth."""

# ruff: noqa: E501  (HTML templates read better unwrapped)

from __future__ import annotations

import datetime as dt

from demo.markets.html import esc
from demo.models import FeedbackTruth, ListingTruth, VendorTruth

_ICON = {"positive": "fa-thumbs-o-up", "neutral": "fa-circle-o", "negative": "fa-thumbs-o-down"}


def when(date: dt.date, today: dt.date) -> str:
    """As markets show dates: relative within a week (`today`, `3 days ago`), then absolute."""
    days = (today - date).days
    if days == 0:
        return "today"
    if 0 < days < 7:
        return f"{days} day{'s' if days > 1 else ''} ago"
    return date.strftime("%b %d, %Y")


def _percent(share: object) -> str:
    return f"{round(float(str(share)) * 100)}%"


def trade_box(t: ListingTruth) -> str:
    """Sales, feedback summary, stock and shipping options, beside the price."""
    if t.feedback:
        summary = f'<span class="fb-count">{len(t.feedback)} feedback</span> (<span class="fb-score">{_percent(t.feedback_score)} positive</span>)'
    else:
        summary = '<span class="fb-none">No feedback yet</span>'
    if not t.in_stock:
        stock = '<span class="stock out">Out of stock</span>'
    elif t.stock is None:
        stock = '<span class="stock">In stock</span>'
    else:
        stock = f'<span class="stock">{t.stock} in stock</span>'
    options = "".join(f'<option value="{n + 1}">{esc(name)} (+ USD {price})</option>' for n, (name, price) in enumerate(t.shipping))
    return f"""<div class="trade"><span class="sold">{t.sales:,} sold</span> &middot; {summary} &middot; {stock}</div>
  <label>Shipping <select name="shipping"><option value="0">-- choose shipping --</option>{options}</select></label>"""


def tabs(t: ListingTruth, active: str) -> str:
    items = [("", "Details"), ("feedback/", "Feedback"), ("terms/", "Terms")]
    return '<ul class="tabs">' + "".join(
        f'<li class="{"active" if tab == active else ""}"><a href="{t.path}{tab}">{name}</a></li>' for tab, name in items
    ) + "</ul>"


def _row(f: FeedbackTruth, today: dt.date) -> str:
    return f"""<tr class="fb"><td><i class="fa {_ICON[f.rating]}" title="{f.rating}"></i></td>
  <td class="fb-text">{esc(f.text)}</td><td class="fb-buyer">{esc(f.buyer)}</td><td class="fb-date">{when(f.date, today)}</td></tr>"""


def feedback_tab(t: ListingTruth, today: dt.date) -> str:
    if not t.feedback:
        return "<p><em>No feedback yet.</em></p>"
    rows = "".join(_row(f, today) for f in t.feedback)
    return f"""<table class="feedback"><thead><tr><th></th><th>Feedback</th><th>Buyer</th><th>Date</th></tr></thead>
<tbody>{rows}</tbody></table>"""


def terms_tab(t: ListingTruth) -> str:
    return f'<h3>Terms &amp; Conditions</h3><div class="terms">{esc(t.terms)}</div>'


def vendor_stats(v: VendorTruth, today: dt.date) -> str:
    total = (v.feedback_positive or 0) + (v.feedback_neutral or 0) + (v.feedback_negative or 0)
    rating = f"{_percent(v.rating)} positive" if v.rating is not None else "no ratings"
    since = v.member_since.strftime("%b %d, %Y") if v.member_since else "-"
    seen = when(v.last_active, today) if v.last_active else "-"
    return f"""<table class="vendor-stats">
<tr><th>Member since</th><td class="since">{since}</td></tr>
<tr><th>Last seen</th><td class="seen">{seen}</td></tr>
<tr><th>Sales</th><td class="sales">{v.sales:,}</td></tr>
<tr><th>Disputes</th><td class="disputes">{v.disputes}</td></tr>
<tr><th>Feedback ({total})</th><td><span class="n-pos">{v.feedback_positive}</span> positive,
  <span class="n-neu">{v.feedback_neutral}</span> neutral, <span class="n-neg">{v.feedback_negative}</span> negative</td></tr>
<tr><th>Rating</th><td class="rating">{rating}</td></tr>
</table>"""
