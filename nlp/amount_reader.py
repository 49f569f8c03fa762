"""The amounts of one field: quantities and per-unit doses, normalised (see DECISIONS.md "Units").

Runs on folded text (same length as the original, `µ` already `u`), so spans are offsets
into the original field. Conventions: oz = 28.35 g, lb = 453.6 g, QP = 113.4 g, HP =
226.8 g, zip = one ounce, kg → 1000 g, `mcg`/`µg` → `ug`; a range gives its lower bound;
grams stated beside an imperial amount win; `N x M mg` is N `unit` and a dose of M `mg`;
an amount on a dosage form with no count (`Adderall 30mg`, `1000mg cartridge`) is a dose.
Bonuses ("buy 5 get 1 free") do not count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from nlp import amount_patterns as pat
from nlp import amount_text, units
from nlp.prefix_regex import matches_at
from nlp.units import Amount, Measures


def _is_bonus(folded: str, start: int, end: int) -> bool:
    before = folded[max(0, start - 12) : start]
    after = folded[end : end + 14]
    return bool(pat.BONUS_RE.search(before) or pat.BONUS_AFTER_RE.match(after))


class Deferred:
    """A truth value computed the first time it is read (`bool(d)`), then kept: the dosage-form
    pattern costs 6 µs a listing, and most fields never ask (no amount in mg, no tier)."""

    __slots__ = ("_compute", "_value")

    def __init__(self, compute: Callable[[], bool]) -> None:
        self._compute = compute
        self._value: bool | None = None

    def __bool__(self) -> bool:
        if self._value is None:
            self._value = bool(self._compute())
        return self._value


def measures(folded: str, *, dosage_context: bool | Deferred = False, title: bool = False,
             raw: str | None = None) -> Measures:
    """Quantities, doses and purity in one folded field.

    `dosage_context`: the listing is a medicine or sold as pills (amounts in mg are doses);
    `title`: the field is a title (a number opening it is a count: "10 Valium 10mg");
    `raw`: the field as written (same length), whose case shows words glued to a unit.
    """
    quantities: list[Amount] = []
    doses: list[Amount] = []
    first_digit = pat.DIGIT_RE.search(folded)
    if first_digit is None:
        quantities = [
            Amount(*_word_amount(m), m.start(), m.end(), "quantity", True)
            for m in pat.word_amounts(folded)
        ] + [_dozen(m) for m in (pat.DOZEN_RE.finditer(folded) if "dozen" in folded else ())]
        return Measures(quantities, doses, None)

    taken = _Taken(len(folded))
    free = taken.free

    # brackets read as spaces ("(1)Gram", "x [10]"); addresses and hashes hold no amounts
    written = folded
    folded = folded.replace("(", " ").replace(")", " ").replace("[", " ").replace("]", " ")
    folded, not_amounts = amount_text.not_amounts(folded)
    for span in not_amounts:
        taken.append(span)
    marked = amount_text.mark_word_starts(raw, folded, first_digit.start()) if raw is not None else folded
    # The patterns led by a digit (not after a digit) can only match where a run of digits
    # begins: one scan of the text as they read it (brackets and glued prices blanked; the
    # marking changes letters only) gives those positions, and each pattern is tried there
    # only (`matches_at`: what its `finditer` gives; the look-behinds still see the whole text).
    starts = [m.start() for m in pat.DIGIT_RUN_RE.finditer(folded, first_digit.start())]
    for m in pat.LONG_TOKEN_RE.finditer(folded):
        if not m.group().isalpha() and not pat.RUN_RE.search(m.group()):
            taken.append((m.start(), m.end()))
    molar = "mass" in folded or "weight" in folded or "wt" in folded or "mw" in folded
    for m in pat.NOT_AMOUNT_BEFORE_SPAN_RE.finditer(folded) if molar else ():
        taken.append((m.start(), m.end()))
    for m in pat.shipping_brackets(written):
        group = "bracket" if m.group("bracket") is not None else "bracket2"
        taken.append((m.start(group), m.end(group)))

    for m in matches_at(pat.CONCENTRATION_RE, starts, marked) if "ml" in folded else ():
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        den = units.number(m.group("den")) if m.group("den") else 1.0
        if den <= 0:
            continue
        unit = m.group("unit")
        base = "ug" if unit in ("mcg", "ug") else unit
        value = units.number(m.group("num")) / den
        if base == "g":
            base, value = "mg", value * 1000
        doses.append(Amount(units.round_sig(value), f"{base}/ml", m.start(), m.end(), "dose"))

    for m in matches_at(pat.RUN_RE, starts, folded):
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        _add_mass_parts(quantities, doses, pat.RUN_PART_RE.finditer(m.group()), m.start(), None,
                        dosage_context)

    spelled_at = pat.SPELLED_COUNT_HINT_RE.search(written)  # where a match can begin
    for m in pat.SPELLED_COUNT_RE.finditer(written, spelled_at.start()) if spelled_at else ():
        value = int(m.group("n")) if m.group("n") else units.NUMBER_WORDS[m.group("w")]
        end = m.end() if m.group("n") else m.end("w")
        if free(m.start(), end) and value > 0:
            taken.append((m.start(), end))
            quantities.append(Amount(float(value), "unit", m.start(), end, "quantity"))

    if title:
        m = pat.LEADING_COUNT_RE.match(folded)
        if (m and int(m.group("n")) > 0 and not pat.YEAR_RE.fullmatch(m.group("n"))
                and not _is_bonus(folded, m.start("n"), m.end("n"))):
            rest = folded[m.end() :]
            if not pat.UNIT_AHEAD_RE.match(rest):
                taken.append((m.start("n"), m.end("n")))
                quantities.append(Amount(float(m.group("n")), "unit", m.start("n"), m.end("n"),
                                         "quantity"))

    for m in matches_at(pat.COUNT_DOSE_RE, starts, folded):
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        count = int(m.group("count"))
        unit = "ug" if m.group("unit") in ("mcg", "ug") else m.group("unit")
        if count > 0 and not _is_bonus(folded, m.start(), m.end()):
            quantities.append(Amount(float(count), "unit", m.start(), m.start("dose"), "quantity"))
        dose = units.round_sig(units.number(m.group("dose")))
        doses.append(Amount(dose, unit, m.start("dose"), m.end(), "dose"))

    slash = "/" in folded
    for m in matches_at(pat.FRACTION_RE, starts, marked) if slash else ():
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            _, factor = units.MASS_UNITS[m.group("unit")]
            value = int(m.group("num")) / int(m.group("den")) * factor
            imperial = factor != 1.0  # "1/2 oz", not "1/2 gram"
            quantities.append(Amount(units.round_sig(value), "g", m.start(), m.end(), "quantity", imperial))

    for m in matches_at(pat.LIST_RE, starts, folded) if slash else ():
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        final_unit = m.group("unit")
        _add_mass_parts(quantities, doses, pat.NUM_PART_RE.finditer(m.group("nums")), m.start(),
                        final_unit, dosage_context)

    for m in pat.word_amounts(folded):
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        value, unit = _word_amount(m)
        quantities.append(Amount(value, unit, m.start(), m.end(), "quantity", True))

    for m in matches_at(pat.AMOUNT_RE, starts, marked):
        if not free(m.start(), m.end()):
            continue
        if pat.NOT_AMOUNT_AFTER.match(folded, m.end()) or (
            m.start() >= 2 and folded[m.start() - 1] == "-" and folded[m.start() - 2].isdigit()
        ):
            taken.append((m.start(), m.end()))
            continue
        unit_word = m.group("unit").replace(" ", "")
        if (unit_word == "p" and dosage_context and m.group("num").isdigit()
                and not folded[m.start() - 1 : m.start()].isalnum()
                and pat.PILLS_P_AFTER_RE.match(folded, m.end())):
            # "50p X $140", "50p for $120" in a pill listing: pills
            taken.append((m.start(), m.end()))
            quantities.append(Amount(float(m.group("num")), "unit", m.start(), m.end(), "quantity"))
            continue
        if unit_word == "p" or (unit_word in ("l", "cl") and not dosage_context):
            # "p" is a pound only in weed slang, "l" a litre only with a bottle: too ambiguous
            continue
        taken.append((m.start(), m.end()))
        if _is_bonus(folded, m.start(), m.end()):
            continue
        if "/" in unit_word:
            base, _ = units.MASS_UNITS[unit_word.split("/")[0]]
            if base in ("mg", "ug"):
                doses.append(Amount(units.round_sig(units.number(m.group("num"))), f"{base}/ml", m.start(),
                                    m.end(), "dose"))
            continue
        base, factor = units.MASS_UNITS[unit_word]
        value = units.round_sig(units.number(m.group("num")) * factor)
        if base == "mg" and pat.THC_AFTER_RE.match(folded, m.end()):
            doses.append(Amount(value, base, m.start(), m.end(), "dose"))  # "500mg THC": a strength
            continue
        if base != "ml" and (pat.PER_UNIT_AFTER_RE.match(folded, m.end())
                             or pat.EACH_BEFORE_RE.search(folded, max(0, m.start() - 7), m.start())):
            # "3.5g each (12 cans)", "3.5G PER CAN", "each 0.5g joint": the amount of one unit
            doses.append(Amount(value, base, m.start(), m.end(), "dose"))
            continue
        _add_mass(quantities, doses, value, base, m.start(), m.end(), dosage_context, unit_word)

    for m in pat.POINT_AMOUNT_RE.finditer(marked) if " ." in folded or folded.startswith(".") else ():
        if free(m.start(), m.end()) and not _is_bonus(folded, m.start(), m.end()):
            taken.append((m.start(), m.end()))
            base, factor = units.MASS_UNITS[m.group("unit")]
            value = units.round_sig(float("." + m.group("num")) * factor)
            if pat.EACH_BEFORE_RE.search(folded, max(0, m.start() - 7), m.start()):
                doses.append(Amount(value, base, m.start(), m.end(), "dose"))  # "each .75g pre roll"
                continue
            _add_mass(quantities, doses, value, base, m.start(), m.end(), dosage_context, m.group("unit"))

    for m in pat.X_COUNT_RE.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        count = int(m.group("num2"))
        if count > 0 and not _is_bonus(folded, m.start(), m.end()):
            quantities.append(Amount(float(count), "unit", m.start(), m.end(), "quantity"))

    for m in pat.DOZEN_RE.finditer(folded) if "dozen" in folded else ():
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            quantities.append(_dozen(m))

    tiers = ("for" in folded or "@" in folded or "=" in folded) and bool(dosage_context)
    for m in matches_at(pat.COUNT_FOR_PRICE_RE, starts, folded) if tiers else ():
        if free(m.start("num"), m.end("num")) and int(m.group("num")) > 0:
            taken.append((m.start("num"), m.end("num")))
            quantities.append(Amount(float(m.group("num")), "unit", m.start("num"), m.end("num"),
                                     "quantity"))

    for m in matches_at(pat.COUNT_RE, starts, marked):
        if not free(m.start(), m.end()):
            continue
        raw = m.group("num")
        unit = m.group("unit")
        if m.start() > 0 and pat.CODE_BEFORE_RE.search(folded, max(0, m.start() - 4), m.start()):
            continue  # the digits of a code: "K57 Capsules", "M-3 Tablet"
        if unit.startswith("dose") and pat.DOSES_PER_RE.match(folded, m.end()):
            continue  # "2 doses per piece"
        if unit == "x" and not _looks_like_count_x(folded, m.end()):
            continue
        if (unit == "st" and m.end("num") == m.start("unit") and raw.endswith("1")
                and not raw.endswith("11")):
            continue  # "1st Class", "21st": an ordinal, not Stück
        taken.append((m.start(), m.end()))
        count = int(raw)
        if count <= 0 or _is_bonus(folded, m.start(), m.end()):
            continue
        quantities.append(Amount(float(count), "unit", m.start(), m.end(), "quantity"))

    if title:
        spelled = pat.NUMBER_WORD_HINT_RE.search(written) is not None or "single" in folded
        _title_counts(written, folded, quantities, free, taken, spelled, starts)
    else:  # a description opening with the title's count: "3000 Xanax 1mg yellow bars"
        m = pat.COUNT_BEFORE_DOSE_RE.match(folded, len(folded) - len(folded.lstrip(" *-")))
        if m and int(m.group("n")) > 0 and free(m.start("n"), m.end("n")) \
                and not pat.YEAR_RE.fullmatch(m.group("n")):
            taken.append((m.start("n"), m.end("n")))
            quantities.append(Amount(float(m.group("n")), "unit", m.start("n"), m.end("n"), "quantity"))
    for m in matches_at(pat.PER_ORDER_RE, starts, folded) if " order" in folded else ():
        if int(m.group("n")) > 0 and free(m.start("n"), m.end("n")):
            taken.append((m.start("n"), m.end("n")))
            quantities.append(Amount(float(m.group("n")), "unit", m.start("n"), m.end("n"), "quantity"))
    for m in pat.EIGHTH_RE.finditer(folded) if "1/8" in folded or "1 / 8" in folded else ():
        bare_in_title = title and not folded[m.end() : m.end() + 2].strip(" ").startswith(("/", "-"))
        if (m.group("th") or m.start() < m.start("f") or bare_in_title) and free(m.start("f"), m.end()):
            taken.append((m.start("f"), m.end()))
            quantities.append(Amount(units.round_sig(28.35 / 8), "g", m.start("f"), m.end(), "quantity",
                                     True))

    quantities = _stated_grams_win(quantities)
    doses = [d for d in doses if not (d.unit in ("mg/ml", "ug/ml") and d.value <= 0)]
    quantities.sort(key=lambda a: a.start)
    doses.sort(key=lambda a: a.start)
    return Measures(quantities, doses, None)


class _Taken:
    """The spans of a field already read (or known to hold no amount), as a byte mask: an
    overlap test is one `find` whatever the number of spans (price lists have hundreds)."""

    __slots__ = ("mask",)

    def __init__(self, size: int) -> None:
        self.mask = bytearray(size)

    def append(self, span: tuple[int, int]) -> None:
        start, end = span
        self.mask[start:end] = b"\x01" * (end - start)

    def free(self, start: int, end: int) -> bool:
        return self.mask.find(1, start, end) < 0


def _title_counts(written: str, folded: str, quantities: list[Amount],
                  free: Callable[[int, int], bool], taken: _Taken, spelled: bool, starts: list[int]) -> None:
    """Counts only a title states this way: "CARTS(12)", "3000 Xanax 1mg", "150 LSD Tabs",
    "(Single Tab)" (`starts`: where runs of digits begin in `folded`)."""
    found = [(m.start("n"), m.end("n"), int(m.group("n")))
             for m in pat.BRACKET_COUNT_RE.finditer(written) if "(" in written]
    found += [(m.start("n"), m.end("n"), int(m.group("n")))
              for m in (matches_at(pat.COUNT_BEFORE_DOSE_RE, starts, folded) if "g" in folded else ())]
    found += [(m.start("n"), m.end("n"), int(m.group("n")))
              for m in (matches_at(pat.COUNT_NAME_FORM_RE, starts, folded)
                        if pat.FORM_WORD_RE.search(folded) else ())]
    found += [(m.start(), m.end(), units.NUMBER_WORDS.get(m.group("w"), 1))
              for m in (pat.SPELLED_UNIT_RE.finditer(folded) if spelled else ())]
    for start, end, n in found:
        if n > 0 and free(start, end) and not pat.YEAR_RE.fullmatch(folded[start:end]) \
                and not _is_bonus(folded, start, end):
            taken.append((start, end))
            quantities.append(Amount(float(n), "unit", start, end, "quantity"))


def _dozen(m: re.Match[str]) -> Amount:
    return Amount(13.0 if m.group("baker") else 12.0, "unit", m.start(), m.end(), "quantity")


def _word_amount(m: re.Match[str]) -> tuple[float, str]:
    """Grams in "half oz", "quarter pound", "an eighth", "QP"."""
    word = m.group("w")
    factor = 0.5 if word.startswith("half") else 0.25 if word.startswith("quarter") else 1.0
    unit_word = pat.WORD_PREFIX_RE.sub("", word)
    if unit_word in ("eighth", "8th"):
        return units.round_sig(28.35 / 8), "g"
    base, per = units.MASS_UNITS.get(unit_word, ("g", 28.35))
    return units.round_sig(factor * per), base


def _looks_like_count_x(folded: str, end: int) -> bool:
    """`10x` is a count unless it is followed by more digits (`10x20`, dimensions)."""
    rest = folded[end : end + 3].lstrip()
    return not (rest[:1].isdigit() or folded[end : end + 1] == "-"
                or (folded[end : end + 1] == "/" and folded[end + 1 : end + 2].isdigit()))


def _add_mass_parts(quantities: list[Amount], doses: list[Amount], parts: Iterator[re.Match[str]],
                    offset: int, default_unit: str | None, dosage_context: bool | Deferred) -> None:
    """Each `(?P<n>…)(?P<u>…)` part of one match (at `offset`) as a mass; a part without its
    own unit takes `default_unit`."""
    for part in parts:
        unit_word = part.group("u") or default_unit
        base, factor = units.MASS_UNITS[unit_word]
        value = units.round_sig(units.number(part.group("n")) * factor)
        _add_mass(quantities, doses, value, base, offset + part.start(), offset + part.end(),
                  dosage_context, unit_word)


def _add_mass(quantities: list[Amount], doses: list[Amount], value: float, base: str,
              start: int, end: int, dosage_context: bool | Deferred, unit_word: str) -> None:
    if value <= 0:
        return  # "000 g" of "1 000 g" is not an amount
    imperial = unit_word in ("oz", "ounce", "ounces", "onza", "onzas", "unze", "zip", "zips",
                             "lb", "lbs", "pound", "pounds", "qp", "qps", "hp", "hps",
                             "floz", "fluidounce", "fluidounces")
    if base == "ug" or (base == "mg" and dosage_context):
        doses.append(Amount(value, base, start, end, "dose"))
    elif base == "mg" and value >= 1000:
        quantities.append(Amount(units.round_sig(value / 1000), "g", start, end, "quantity"))
    else:
        ounces = unit_word in ("oz", "ounce", "ounces", "onza", "onzas", "unze")
        quantities.append(Amount(value, base, start, end, "quantity", imperial, ounces))


def _stated_grams_win(quantities: list[Amount]) -> list[Amount]:
    """`1 oz (28 g)`, `16 fl oz (473 mL)`: drop the imperial amount when the metric one is
    stated right beside it."""
    metric = [q for q in quantities if q.unit in ("g", "ml") and not q.imperial]
    out = []
    for q in quantities:
        if q.imperial and any((abs(g.start - q.end) <= 8 or abs(q.start - g.end) <= 8)
                              and g.unit == q.unit and 0.7 <= g.value / q.value <= 1.3 for g in metric):
            continue
        out.append(q)
    return out
