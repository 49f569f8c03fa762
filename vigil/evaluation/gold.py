"""Reading the gold set: JSONL files of hand-labelled listings, checked line by line.

A malformed file is a `GoldSetError` naming the file, the line and what is wrong, never a
Python exception from deep inside the scorer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nlp.lexicon import CLASSES

if TYPE_CHECKING:
    from vigil.evaluation.realdata import RealData

PathLike = str | os.PathLike[str]

SOURCES = frozenset({"inhouse", "anita2020", "hansa2017", "agora2014"})
QUANTITY_UNITS = frozenset({"g", "mg", "ug", "ml", "unit"})
DOSE_UNITS = QUANTITY_UNITS - {"unit"} | {"mg/ml", "ug/ml"}


class GoldSetError(ValueError):
    """The gold set is malformed, or a real-data row it references cannot be found."""


def _as_paths(gold_path: PathLike | Sequence[PathLike]) -> list[Path]:
    single = isinstance(gold_path, (str, os.PathLike))
    paths = [Path(gold_path)] if single else [Path(p) for p in gold_path]
    expanded: list[Path] = []
    for path in paths:
        if not path.exists():
            raise GoldSetError(f"{path}: no such gold file or folder")
        expanded.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    if not expanded:
        raise GoldSetError(f"no gold files in {gold_path!r}")
    return expanded


def load_gold(gold_path: PathLike | Sequence[PathLike]) -> list[dict[str, Any]]:
    """Read gold records from JSONL files (or directories of them); check their shape."""
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in _as_paths(gold_path):
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise GoldSetError(f"{path}: cannot read ({exc.strerror or exc})") from None
        with fh:
            for lineno, raw in enumerate(fh, 1):
                where = f"{path.name}:{lineno}"
                record = _parse(raw, where)
                if record is None:
                    continue
                _check_record(record, where)
                if record["id"] in seen:
                    raise GoldSetError(f"{where}: duplicate id {record['id']!r}")
                seen.add(record["id"])
                records.append(record)
    return records


def _parse(raw: bytes, where: str) -> dict[str, Any] | None:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GoldSetError(f"{where}: not UTF-8 (byte {raw[exc.start]:#04x} at {exc.start})") from None
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise GoldSetError(f"{where}: not JSON ({exc})") from None
    except (RecursionError, ValueError) as exc:  # absurd nesting, a 5,000-digit number
        raise GoldSetError(f"{where}: not usable JSON ({exc})") from None
    if not isinstance(record, dict):
        raise GoldSetError(f"{where}: a gold record is a JSON object, not {type(record).__name__}")
    return record


def _check_record(record: Mapping[str, Any], where: str) -> None:
    def fail(msg: str) -> None:
        raise GoldSetError(f"{where} ({record.get('id')!r}): {msg}")

    for key in ("id", "source", "lang", "substances", "drug"):
        if key not in record:
            fail(f"missing {key!r}")
    for key in ("id", "lang"):
        if not isinstance(record[key], str):
            fail(f"{key!r} must be a string")
    if not isinstance(record["drug"], bool):
        fail("'drug' must be true or false")
    source = record["source"]
    if source not in SOURCES:
        fail(f"unknown source {source!r}")
    if source == "inhouse":
        if not record.get("title") or not isinstance(record["title"], str):
            fail("in-house listing without a title")
        if not isinstance(record.get("description", ""), str | None):
            fail("'description' must be a string")
    else:
        if not record.get("ref") or not isinstance(record["ref"], str):
            fail("real listing without a ref")
        if "title" in record or "description" in record:
            fail("real listing must not carry its text (it is read from real-data)")
    for key in ("substances", "quantities", "doses", "crypto_addresses", "contacts"):
        items = record.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            fail(f"{key!r} must be a list of objects")
    for sub in record["substances"]:
        if not sub.get("name") or sub.get("class") not in CLASSES:
            fail(f"bad substance {sub!r}")
    for key, units in (("quantities", QUANTITY_UNITS), ("doses", DOSE_UNITS)):
        for item in record.get(key, []):
            if item.get("unit") not in units or not isinstance(item.get("value"), int | float):
                fail(f"bad {key[:-1] if key == 'doses' else 'quantity'} {item!r}")
    if record["drug"] is False and record["substances"]:
        fail("a non-drug listing offers no substance")
    if record["drug"] is True and not record["substances"]:
        fail("a drug listing names at least one substance")


def listing_record(gold: Mapping[str, Any], realdata: RealData | None) -> dict[str, Any]:
    """The record handed to the extractor: ``{id, title, description?}``."""
    if gold["source"] == "inhouse":
        record = {"id": gold["id"], "title": gold["title"]}
        if gold.get("description"):
            record["description"] = gold["description"]
        return record
    if realdata is None:
        raise GoldSetError(f"{gold['id']}: real listing but no real-data folder given")
    return {"id": gold["id"], **realdata.text(gold["source"], gold["ref"])}
