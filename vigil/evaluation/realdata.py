"""Readers of the real-data corpora that real gold records refer to by row (read in place).

Real text never enters the repository: a gold record keeps ``source`` and ``ref`` and the text
handed to the extractor is read here, from ``../shared/real-data`` or ``$VIGIL_REALDATA``.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from pathlib import Path

from vigil.evaluation.gold import GoldSetError, PathLike
from vigil.settings import PROJECT_ROOT

#: Where each real source lives and how a row reference finds its text.
REALDATA_FILES = {
    "anita2020": "anita2020_products.jsonl",
    "hansa2017": "hansa2017_category_listings.jsonl",
    "agora2014": "agora2014_listings.csv",
}

Table = dict[str, dict[str, str]]


def default_realdata_dir() -> Path:
    return Path(os.environ.get("VIGIL_REALDATA") or PROJECT_ROOT.parent / "shared" / "real-data")


class RealData:
    """Row lookup in the real-data folder (read in place, cached per file)."""

    def __init__(self, directory: PathLike) -> None:
        self.directory = Path(directory)
        self._tables: dict[str, Table] = {}

    def _table(self, source: str) -> Table:
        if source not in self._tables:
            path = self.directory / REALDATA_FILES[source]
            if not path.is_file():
                raise GoldSetError(
                    f"real-data file {path} is missing (set VIGIL_REALDATA or realdata_dir)")
            try:
                self._tables[source] = _READERS[source](path)
            except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, csv.Error) as exc:
                raise GoldSetError(f"real-data file {path} cannot be read ({exc!r})") from None
        return self._tables[source]

    def text(self, source: str, ref: str) -> dict[str, str]:
        """``{"title": ..., "description"?: ...}`` of a referenced real row."""
        row = self._table(source).get(ref)
        if row is None:
            raise GoldSetError(
                f"{source} row {ref!r} not found in {self.directory / REALDATA_FILES[source]}")
        return row


def _read_anita(path: Path) -> Table:
    out: Table = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                text = {"title": row.get("name") or ""}
                if row.get("info"):
                    text["description"] = row["info"]
                out.setdefault(str(row["id"]), text)
    return out


def _read_hansa(path: Path) -> Table:
    out: Table = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                out.setdefault(str(row["url"]), {"title": row.get("title") or ""})
    return out


def _read_agora(path: Path) -> Table:
    out: Table = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            # `list` repeats across crawl dates: the first row of an id is the one labelled.
            out.setdefault(row["list"], {"title": row.get("product") or ""})
    return out


_READERS: dict[str, Callable[[Path], Table]] = {
    "anita2020": _read_anita, "hansa2017": _read_hansa, "agora2014": _read_agora,
}
