"""Composing one listing's text (title, description, quantity) from a product and a seeded RNG."""

from __future__ import annotations

import random
from dataclasses import dataclass

from demo import phrases as ph
from demo.catalog import COUNTRIES, PILL_WORDS, QUANTITIES, Product

LANGUAGE_WEIGHTS = {
    "darknet": (("en", 55), ("de", 10), ("nl", 8), ("fr", 7), ("pl", 6), ("es", 5), ("it", 5), ("cs", 4)),
    "classified": (("en", 25), ("de", 25), ("fr", 15), ("es", 10), ("it", 10), ("nl", 6), ("pl", 5),
                   ("cs", 4)),
}
UNIT_OF_KIND = {"powder": "g", "plant": "g", "pill": "unit", "blotter": "unit", "liquid": "ml",
                "digital": "unit", "item": "unit"}
# Cyrillic look-alikes used by sellers to dodge keyword filters.
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "A": "А", "E": "Е", "O": "О", "M": "М",
              "C": "С", "K": "К", "T": "Т"}


@dataclass(frozen=True)
class Draft:
    """A listing's text before prices and days are attached."""

    title: str
    description: str
    language: str
    quantity_text: str
    dose_text: str
    amount: float          # in base units (g, unit, ml)
    unit: str | None
    variants: tuple[tuple[str, float], ...] = ()


def weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    """Pick a key from (key, weight) pairs."""
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for key, w in pairs:
        x -= w
        if x < 0:
            return key
    return pairs[-1][0]


def country_name(code: str | None, lang: str = "en") -> str:
    """Display name of a country code (or 'Undeclared')."""
    if code is None:
        return "Undeclared"
    names = COUNTRIES.get(code, {"en": code})
    return names.get(lang, names["en"])


def obfuscate(text: str, rng: random.Random) -> str:
    """Swap one letter for a Cyrillic look-alike or a digit (f3ntanyl, c0caine)."""
    spots = [i for i, ch in enumerate(text) if ch in HOMOGLYPHS]
    if not spots:
        return text
    i = rng.choice(spots)
    if rng.random() < 0.5 and text[i] in "eoEO":
        repl = {"e": "3", "E": "3", "o": "0", "O": "0"}[text[i]]
    else:
        repl = HOMOGLYPHS[text[i]]
    return text[:i] + repl + text[i + 1:]


def display_name(product: Product, lang: str, rng: random.Random, street_ok: bool = True) -> str:
    """How the seller names the product: canonical, a variant, a street name, or obfuscated."""
    street = product.street.get(lang) or product.street.get("en") or ()
    r = rng.random()
    if street_ok and street and r < 0.15:
        return rng.choice(street)
    name = product.names[0] if rng.random() < 0.45 else rng.choice(product.names)
    if street_ok and street and r < 0.3:
        name = f"{name} ({rng.choice(street)})"
    if product.substance and rng.random() < 0.07:
        name = obfuscate(name, rng)
    return name


def quantity(product: Product, lang: str, rng: random.Random) -> tuple[str, str, float, str | None]:
    """(quantity text, dose text, amount in base units, unit) for one listing."""
    text, amount = rng.choice(QUANTITIES[product.kind])
    unit = UNIT_OF_KIND[product.kind] if text else None
    dose = rng.choice(product.doses) if product.doses else ""
    if product.kind in ("pill", "blotter") and text:
        count = int(amount)
        style = rng.random()
        if dose and style < 0.3:
            text = f"{count} x {dose}"
        elif dose and style < 0.5:
            text = f"{count}x {dose}"
        elif lang != "en" and style < 0.7:
            text = f"{count} {PILL_WORDS[lang]}"
    elif product.kind == "liquid" and dose and rng.random() < 0.6:
        text = f"{text} {dose}"
    if lang in ("de", "fr", "es", "it", "pl", "cs", "nl") and "." in text and text[0].isdigit():
        text = text.replace(".", ",", 1)
    return text, dose, float(amount), unit


def _title(product: Product, name: str, qtext: str, lang: str, style: str, rng: random.Random,
           dose: str) -> str:
    adj = rng.choice(ph.ADJ[lang])
    ship = rng.choice(ph.SHIP[lang])
    strength = f" {dose}" if dose and dose not in qtext and rng.random() < 0.6 else ""
    purity = ""
    if product.kind == "powder" and product.cls in ("stimulant", "entactogen", "dissociative", "opioid") \
            and rng.random() < 0.35:
        purity = f" {rng.choice((82, 86, 88, 90, 91, 93, 95, 97, 99))}%"
    patterns = (
        f"{qtext} {name}{strength}{purity}",
        f"{name}{strength}{purity} {qtext} - {adj}",
        f"{adj} {name}{strength} | {qtext} | {ship}",
        f"{name}{purity} x {qtext} {ship}",
        f"{qtext} {name}{strength} {adj}",
    )
    title = rng.choice(patterns).replace("  ", " ").strip(" -|")
    if style == "darknet":
        if rng.random() < 0.25:
            title = title.upper()
        if rng.random() < 0.45:
            left, right = rng.choice(ph.DECOR)
            title = f"{left}{title}{right}"
    return title


def _description(product: Product, name: str, qtext: str, lang: str, rng: random.Random, vendor: str,
                 origin: str | None, contacts: list[tuple[str, str]], style: str) -> str:
    o = country_name(origin, lang)
    fill = {"n": name, "q": qtext or "1x", "o": o, "v": vendor}
    lines: list[str] = []
    if product.substance is None:
        lines.append(name + ".")
        lines += rng.sample(ph.NONDRUG_LINES, 3)
        if product.key == "guide":
            lines.append(rng.choice(ph.GUIDE_MENTIONS))
    else:
        lines.append(rng.choice(ph.INTRO[lang]).format(**fill))
        lines.append(rng.choice(ph.QUALITY[lang]).format(**fill))
        lines.append("")
        lines += [s.format(**fill) for s in rng.sample(ph.SHIPPING[lang], 2)]
        if product.cls in ("synthetic_opioid", "opioid", "benzodiazepine", "sedative") or rng.random() < 0.2:
            lines.append(rng.choice(ph.SAFETY[lang]))
        lines.append("")
        lines.append(rng.choice(ph.POLICY[lang]))
    if contacts and (style == "classified" or rng.random() < 0.15):
        kind, value = rng.choice(contacts)
        lines.append(rng.choice(ph.CONTACT[lang]).format(c=f"{ph.KIND_WORDS[kind]} {value}"))
    return "\n".join(lines)


def compose(product: Product, style: str, rng: random.Random, vendor: str, origin: str | None,
            contacts: list[tuple[str, str]], lang: str | None = None) -> Draft:
    """Title, description and quantity of a darknet or classified listing."""
    lang = lang or weighted(rng, LANGUAGE_WEIGHTS[style])
    if product.substance is None:
        lang = "en" if style == "darknet" or rng.random() < 0.5 else lang
    name = display_name(product, lang, rng)
    qtext, dose, amount, unit = quantity(product, lang, rng)
    title = _title(product, name, qtext, lang, style, rng, dose)
    description = _description(product, name, qtext, lang, rng, vendor, origin, contacts, style)
    return Draft(title, description, lang, qtext, dose, amount, unit)


SHOP_VARIANTS = {
    "powder": (("1g", 1), ("5g", 5), ("10g", 10), ("25g", 25)),
    "plant": (("1g", 1), ("5g", 5), ("10g", 10)),
    "pill": (("10 Stk", 10), ("25 Stk", 25), ("50 Stk", 50), ("100 Stk", 100)),
    "liquid": (("1ml", 1), ("5ml", 5), ("10ml", 10)),
    "blotter": (("5 Stk", 5), ("10 Stk", 10), ("25 Stk", 25)),
}
PRECURSOR_VARIANTS = (("100g", 100), ("500g", 500), ("1kg", 1000), ("5kg", 5000))


def compose_shop(product: Product, rng: random.Random) -> Draft:
    """A German research-chemical shop product: name, form, variants, disclaimer."""
    name = product.names[0] if rng.random() < 0.6 else rng.choice(
        [n for n in product.names if n.isascii() or "Ö" in n or "α" in n] or [product.names[0]])
    dose = rng.choice(product.doses) if product.doses else ""
    form = ph.SHOP_FORMS.get(product.kind, "")
    variants = PRECURSOR_VARIANTS if product.cls == "precursor" else SHOP_VARIANTS[product.kind]
    title = rng.choice((
        f"{name} {form} {dose}".strip(),
        f"{name} kaufen{' – ' + dose if dose else ''}",
        f"{name} ({form}{', ' + dose if dose else ''})",
    )).replace("  ", " ")
    if product.cas and rng.random() < 0.5:
        title += f" CAS {product.cas}"
    group = ph.SHOP_GROUPS.get(product.cls or "", "Forschungschemikalien")
    lines = [rng.choice(ph.SHOP_INTRO).format(n=name, g=group)]
    lines += rng.sample(ph.SHOP_LINES, 2)
    lines.append(f"Erhältlich in: {' / '.join(v for v, _ in variants)}.")
    lines.append("")
    lines.append(rng.choice(ph.SHOP_DISCLAIMER))
    first_text, first_amount = variants[0]
    unit = "g" if product.cls == "precursor" else UNIT_OF_KIND[product.kind]
    return Draft(title, "\n".join(lines), "de", first_text, dose, float(first_amount), unit, variants)
