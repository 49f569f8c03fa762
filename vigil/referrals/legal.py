"""The legal-basis library: `config/legal/<jurisdiction>.yaml`, the provisions that make an offer
of a substance class illegal, per member state (`de.yaml`…) and for the EU (`eu.yaml`, which also
holds the UN conventions every member state is party to, jurisdiction `INT`).

A starting point, not legal advice: every file carries `reviewed:` (the date the unit's legal
counsel reviewed it, null until then). See docs/referrals.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from vigil.referrals.files import (
    ReferralConfigError,
    Strict,
    country_problem,
    https_problem,
    read_yaml,
    validate,
)
from vigil.services.errors import UsageError

KIND = "legal-basis file"

#: The substance classes of DESIGN.md ("The extraction contract").
CLASSES = (
    "opioid", "synthetic_opioid", "stimulant", "cathinone", "entactogen", "psychedelic", "dissociative",
    "cannabis", "synthetic_cannabinoid", "benzodiazepine", "sedative", "steroid", "precursor",
    "medicine_other", "other",
)
#: What `classes: all controlled` stands for: the classes of narcotic and psychotropic drugs
#: (precursors, steroids and medicines are governed by other acts and are listed explicitly).
ALL_CONTROLLED = (
    "opioid", "synthetic_opioid", "stimulant", "cathinone", "entactogen", "psychedelic", "dissociative",
    "cannabis", "synthetic_cannabinoid", "benzodiazepine", "sedative",
)
SUPRANATIONAL = ("EU", "INT")


class LegalBasis(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    jurisdiction: str
    instrument: str = Field(min_length=1, description="the full official title")
    short: str = Field(min_length=1)
    article: str | None = Field(description="the exact provision; null only with a note")
    what: str = Field(min_length=1, description="the conduct it makes an offence")
    classes: list[str] | Literal["all controlled"]
    source: str
    in_force_since: dt.date | None = None
    note: str | None = None

    @field_validator("classes", mode="before")
    @classmethod
    def _shape(cls, value: object) -> object:
        if value == "all controlled" or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return value
        raise ValueError(f"{value!r}: expected a list of substance classes or `all controlled`")

    @field_validator("classes")
    @classmethod
    def _known(cls, value: list[str] | str) -> list[str] | str:
        if isinstance(value, list):
            if not value:
                raise ValueError("lists no class: name classes or write `all controlled`")
            unknown = [name for name in value if name not in CLASSES]
            if unknown:
                raise ValueError(f"unknown class {unknown[0]!r}: expected `all controlled` or classes of "
                                 f"{', '.join(CLASSES)}")
        return value

    @field_validator("source")
    @classmethod
    def _official_url(cls, value: str) -> str:
        if problem := https_problem(value):
            raise ValueError(problem)
        return value

    @field_validator("jurisdiction")
    @classmethod
    def _jurisdiction(cls, value: str) -> str:
        if value not in SUPRANATIONAL and (problem := country_problem(value)):
            raise ValueError(f"{problem}, or EU / INT")
        return value

    @model_validator(mode="after")
    def _article_or_note(self) -> LegalBasis:
        if self.article is None and not self.note:
            raise ValueError("article is null: a `note` must say why (unsure, for legal review)")
        return self

    def covers(self, substance_class: str) -> bool:
        classes = ALL_CONTROLLED if self.classes == "all controlled" else self.classes
        return substance_class in classes


class LegalFile(Strict):
    reviewed: dt.date | None = Field(description="when the unit's legal counsel reviewed it; null: never")
    entries: list[LegalBasis] = Field(min_length=1)


def legal_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def _jurisdictions(path: Path) -> tuple[str, ...]:
    stem = path.stem.upper()
    return SUPRANATIONAL if stem == "EU" else (stem,)


def load_legal_file(path: Path) -> LegalFile:
    data = validate(LegalFile, read_yaml(path, KIND), path, KIND)
    expected = _jurisdictions(path)
    for number, entry in enumerate(data.entries):
        if entry.jurisdiction not in expected:
            raise ReferralConfigError(path, [(
                f"entries.{number}.jurisdiction",
                f"{entry.jurisdiction!r} in {path.name}: expected {' or '.join(expected)} (the file name)",
            )], KIND)
    return data


def load_library(folder: Path) -> dict[str, LegalFile]:
    """Every file in `folder` (config/legal), by jurisdiction (`DE`, `EU`…); ids are unique across files."""
    library: dict[str, LegalFile] = {}
    seen: dict[str, Path] = {}
    for path in legal_files(folder):
        if path.stem.upper() != "EU" and (problem := country_problem(path.stem.upper())):
            raise ReferralConfigError(path, [("(file name)", f"{problem}; or eu.yaml")], KIND)
        data = load_legal_file(path)
        for number, entry in enumerate(data.entries):
            if entry.id in seen:
                raise ReferralConfigError(path, [(
                    f"entries.{number}.id", f"duplicate id {entry.id!r} (also in {seen[entry.id].name})",
                )], KIND)
            seen[entry.id] = path
        library[path.stem.upper()] = data
    return library


def select(
    library: dict[str, LegalFile], folder: Path, *, country: str | None = None,
    substance_class: str | None = None,
) -> list[tuple[LegalFile, LegalBasis]]:
    """(file, entry) pairs: with `country`, its entries then eu.yaml's; else every file's; with
    `substance_class`, only the entries covering it. UsageError for an unknown class or country."""
    if substance_class is not None and substance_class not in CLASSES:
        raise UsageError(f"unknown substance class {substance_class!r}: expected one of {', '.join(CLASSES)}")
    if country is not None and country.upper() not in library:
        have = ", ".join(sorted(library)) or "none"
        raise UsageError(f"no legal-basis file for country {country!r} in {folder} (have: {have}); "
                         f"to add one see docs/referrals.md")
    codes = [country.upper(), "EU"] if country else sorted(library)
    rows = [(library[code], entry) for code in dict.fromkeys(codes) if code in library
            for entry in library[code].entries]
    if substance_class is not None:
        rows = [(file, entry) for file, entry in rows if entry.covers(substance_class)]
    return rows


def legal_basis(substance_class: str, country: str, folder: Path) -> list[LegalBasis]:
    """The provisions for offering `substance_class` in `country`: the national ones, then the EU's and
    the international ones (eu.yaml). `country` `EU` gives those alone."""
    if substance_class not in CLASSES:  # before reading the files: a typo needs no config to report
        raise UsageError(f"unknown substance class {substance_class!r}: expected one of {', '.join(CLASSES)}")
    library = load_library(folder)
    return [entry for _, entry in select(library, folder, country=country, substance_class=substance_class)]
