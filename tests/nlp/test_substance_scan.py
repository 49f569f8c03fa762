"""The substance matcher's piece scan (`substances._scan`, pieces split in C and only those an
alias can begin with looked at) finds what the first round's scan over every piece found."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import substances
from nlp.fold import fold

WORDS = ["3", "mmc", "3-mmc", "cocaine", "kokain", "coke", "speed", "mdma", "x", "k", "2c", "b", "2c-b",
         "lsd", "ket", "amine", "ketamine", "adder", "all", "hash", "ish", "50-32-8", "100", "5000x",
         "meth", "pills", "t", "h", "c", "e", "ice", "a-pvp", "alpha", "pvp", "4", "fa", "methyl", "one"]
GAPS = ["", " ", "-", "  ", ".", "_", "*", ", ", "\n", "'", " - "]
texts = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)), max_size=16).map(
    lambda parts: "".join(w + g for w, g in parts))


@settings(max_examples=400)
@given(texts)
def test_the_scan_finds_what_the_scan_over_every_piece_found(text: str) -> None:
    folded = fold(text)
    idx = substances._index()
    assert substances._scan(folded, idx) == plain_scan(folded, idx)


def test_the_scan_joins_pieces_and_skips_those_inside_a_hit() -> None:
    folded = fold("Buy 3-MMC and 2C-B, also coke")
    hits = substances._scan(folded, substances._index())
    assert [(folded[h.start : h.end], h.how) for h in hits][:2] == [("3-mmc", "joined"), ("2c-b", "joined")]


def plain_scan(folded: str, idx: Any) -> list[substances.Hit]:
    """The first round's `_scan`: every piece from one regex pass, buffered while joined."""
    terms, prefixes, inflected, starts = idx.terms, idx.prefixes, idx.inflected, idx.starts
    hits: list[substances.Hit] = []
    it = substances._PIECE_RE.finditer(folded)
    buf: list[tuple[int, int, str]] = []
    while True:
        if buf:
            if buf[0][2] not in starts:  # the common case: no alias begins with this piece
                del buf[0]
                continue
        else:
            for m in it:
                text = m.group()
                if text in starts:
                    buf.append((m.start(), m.end(), text))
                    break
            else:
                break
        best: tuple[int, int, Any, str] | None = None  # (piece index, end, term, how)
        joined = buf[0][2]
        term = terms.get(joined)
        if term is not None:
            best = (0, buf[0][1], term, "exact")
        else:
            t = inflected.get(joined)
            if t is not None:
                best = (0, buf[0][1], t, "inflected")
        j = 1
        while j < substances._MAX_PIECES and joined in prefixes:
            if j == len(buf):
                m = next(it, None)
                if m is None:
                    break
                buf.append((m.start(), m.end(), m.group()))
            start_j, end_j, text_j = buf[j]
            longer = joined + text_j
            if longer not in starts:  # neither an alias, an inflection nor the start of one
                break
            gap_start = buf[j - 1][1]
            # at most two characters, all joinable (`strip` leaves nothing of them)
            if start_j - gap_start > 2 or folded[gap_start:start_j].strip(substances._JOINABLE_GAP_CHARS):
                break
            joined = longer
            term = terms.get(joined)
            if term is not None:
                best = (j, end_j, term, "exact" if glued(buf, j) else "joined")
            else:
                t = inflected.get(joined)
                if t is not None:
                    best = (j, end_j, t, "inflected")
            j += 1
        if best is None:
            del buf[0]
            continue
        j, end, term, how = best
        start = buf[0][0]
        if (term.is_cas and not substances._CAS_SURFACE.match(folded[start:end])) or (
            term.ambiguous and end - start <= 2 and not substances._standalone(folded, start, end)
        ):
            del buf[0]
            continue
        hits.append(substances.Hit(start, end, term, how))
        del buf[: j + 1]
    return hits


def glued(pieces: list[tuple[int, int, str]], j: int) -> bool:
    return all(pieces[k][1] == pieces[k + 1][0] for k in range(j))

