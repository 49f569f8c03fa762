"""Issue 16, parts 1 and 2: the platform registry (config/platforms) and the legal-basis library
(config/legal): every shipped file loads, the lookup orders national before EU provisions, and a
malformed file is reported with its file and field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, run_vigil

from crawler.config import load_market_file
from vigil.referrals.files import ReferralConfigError
from vigil.referrals.legal import ALL_CONTROLLED, CLASSES, legal_basis, load_library
from vigil.referrals.platforms import load_platform_file, load_platforms
from vigil.services.errors import UsageError

CONFIG = ROOT / "config"
REQUIRED_COUNTRIES = ("DE", "NL", "FR", "BE", "PL", "ES")


@pytest.fixture()
def config_dir(tmp_path: Path) -> Path:
    """A copy of the shipped config dir, for a test to break."""
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    return folder


def edit(path: Path, change) -> Path:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


# --- the shipped files ---------------------------------------------------------------------------

def test_every_shipped_platform_loads_and_swapbay_market_names_its_platform():
    platforms = load_platforms(CONFIG / "platforms")
    assert {"swapbay", "rc-labor"} <= set(platforms)
    swapbay = platforms["swapbay"]
    assert swapbay.country == "NL" and swapbay.notices.web_form.startswith("https://")
    assert load_market_file(CONFIG / "markets" / "swapbay.yaml").platform == "swapbay"
    for path in sorted((CONFIG / "markets").glob("*.yaml")):
        named = load_market_file(path).platform
        assert named is None or named in platforms, f"{path.name} names unknown platform {named}"


def test_the_commented_platform_example_is_valid(tmp_path: Path):
    path = tmp_path / "example-platform.yaml"
    shutil.copy(CONFIG / "platforms" / "example.yaml.txt", path)
    example = load_platform_file(path)
    assert example.trusted_flagger.status and example.trusted_flagger.awarded_by


def test_every_shipped_legal_file_loads_unreviewed_with_the_required_content():
    library = load_library(CONFIG / "legal")
    assert set(library) == {"EU", *REQUIRED_COUNTRIES}
    assert all(file.reviewed is None for file in library.values())  # until counsel reviews it
    shorts = {(e.short, e.article) for f in library.values() for e in f.entries}
    for needed in [("FD 2004/757/JHA", "Art. 2(1)(a)"), ("FD 2004/757/JHA", "Art. 4"),
                   ("Single Convention 1961", "Art. 36(1)(a)"), ("1971 Convention", "Art. 22(1)(a)"),
                   ("BtMG", "§ 29a(1)"), ("NpSG", "§ 3(1)"), ("NpSG", "§ 4(1)"), ("Código Penal", "art. 368"),
                   ("CP", "art. 222-37"), ("CSP", "art. L5132-7"), ("CSP", "art. L5132-8"),
                   ("ustawa o przeciwdziałaniu narkomanii", "art. 56"),
                   ("ustawa o przeciwdziałaniu narkomanii", "art. 59")]:
        assert needed in shorts, needed
    eu_shorts = {e.short for e in library["EU"].entries}
    wanted = {"Directive (EU) 2017/2103", "Regulation (EC) No 273/2004", "Regulation (EC) No 111/2005"}
    assert wanted <= eu_shorts
    for file in library.values():
        for entry in file.entries:
            assert entry.article or entry.note, entry.id  # an unsure provision says so


@pytest.mark.parametrize("country", REQUIRED_COUNTRIES)
def test_lookup_gives_national_provisions_then_the_eu_ones(country: str):
    found = legal_basis("stimulant", country, CONFIG / "legal")
    where = [entry.jurisdiction for entry in found]
    national = where.count(country)
    assert national >= 1, f"no {country} provision for stimulants"
    assert where[:national] == [country] * national
    assert set(where[national:]) <= {"EU", "INT"} and "EU" in where[national:]
    assert all(entry.covers("stimulant") for entry in found)


def test_lookup_follows_the_classes_each_provision_covers():
    folder = CONFIG / "legal"
    german_cannabis = [e.id for e in legal_basis("cannabis", "DE", folder) if e.jurisdiction == "DE"]
    assert german_cannabis == ["de-kcang-34"]  # cannabis left the BtMG in 2024
    assert all(e.jurisdiction in ("EU", "INT") for e in legal_basis("precursor", "DE", folder))
    assert "es-cp-371" in [e.id for e in legal_basis("precursor", "ES", folder)]
    assert [e.jurisdiction for e in legal_basis("precursor", "EU", folder)] == ["EU"] * 4
    assert legal_basis("steroid", "PL", folder) == []  # not in "all controlled": no basis here
    assert "steroid" not in ALL_CONTROLLED and set(ALL_CONTROLLED) < set(CLASSES)


def test_lookup_errors_name_the_unknown_class_or_country():
    with pytest.raises(UsageError, match="unknown substance class 'stimulants'"):
        legal_basis("stimulants", "DE", CONFIG / "legal")
    with pytest.raises(UsageError, match=r"no legal-basis file for country 'IT'.*have: BE, DE, ES, EU"):
        legal_basis("stimulant", "IT", CONFIG / "legal")


# --- malformed files --------------------------------------------------------------------------------

def test_platform_missing_field_bad_country_bad_url(config_dir: Path):
    path = config_dir / "platforms" / "swapbay.yaml"
    edit(path, lambda d: d.pop("legal_name"))
    with pytest.raises(ReferralConfigError) as missing:
        load_platforms(config_dir / "platforms")
    assert str(path) in str(missing.value) and ("legal_name", "Field required") in missing.value.problems

    edit(path, lambda d: d.update(legal_name="X B.V.", country="Netherlands"))
    with pytest.raises(ReferralConfigError) as country:
        load_platforms(config_dir / "platforms")
    assert country.value.problems[0][0] == "country" and "ISO 3166-1 alpha-2" in str(country.value)

    edit(path, lambda d: d.update(country="XX"))  # two capitals, but no country
    with pytest.raises(ReferralConfigError, match="'XX' is not an ISO 3166-1"):
        load_platforms(config_dir / "platforms")

    edit(path, lambda d: d.update(country="NL", notices={"web_form": "http://swapbay.example/report"}))
    with pytest.raises(ReferralConfigError) as url:
        load_platforms(config_dir / "platforms")
    expected = "'http://swapbay.example/report' is not an https:// URL"
    assert url.value.problems == [("notices.web_form", expected)]

    edit(path, lambda d: d.update(notices={}))
    with pytest.raises(ReferralConfigError, match="notices: needs at least one of web_form"):
        load_platforms(config_dir / "platforms")


def test_platform_id_must_match_file_and_unknown_fields_are_errors(config_dir: Path):
    path = config_dir / "platforms" / "swapbay.yaml"
    edit(path, lambda d: d.update(id="swap-bay"))
    with pytest.raises(ReferralConfigError, match="id: must match the file name"):
        load_platform_file(path)
    edit(path, lambda d: d.update(id="swapbay", trusted_flager=True))
    with pytest.raises(ReferralConfigError, match="trusted_flager: unknown field"):
        load_platform_file(path)


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        (lambda e: e.pop("source"), "entries.0.source", "Field required"),
        (lambda e: e.update(source="ftp://gesetze-im-internet.de/btmg"), "entries.0.source", "https://"),
        (lambda e: e.update(classes=["stimulants"]), "entries.0.classes", "unknown class 'stimulants'"),
        (lambda e: e.update(classes="all"), "entries.0.classes", "expected a list of substance classes"),
        (lambda e: e.update(jurisdiction="Germany"), "entries.0.jurisdiction", "ISO 3166-1 alpha-2"),
        (lambda e: e.update(jurisdiction="NL"), "entries.0.jurisdiction", "expected DE (the file name)"),
        (lambda e: e.update(article=None, note=None), "entries.0", "a `note` must say why"),
    ],
    ids=["missing-source", "bad-url", "unknown-class", "classes-not-a-list", "bad-country", "wrong-country",
         "article-no-note"],
)
def test_malformed_legal_entry_names_file_and_field(config_dir: Path, change, field: str, expected: str):
    path = config_dir / "legal" / "de.yaml"
    edit(path, lambda d: change(d["entries"][0]))
    with pytest.raises(ReferralConfigError) as error:
        load_library(config_dir / "legal")
    assert error.value.path == path
    problems = error.value.problems
    assert any(where == field and expected in what for where, what in problems), problems


def test_duplicate_legal_id_names_both_files(config_dir: Path):
    path = config_dir / "legal" / "pl.yaml"
    edit(path, lambda d: d["entries"][1].update(id="es-cp-368"))
    with pytest.raises(ReferralConfigError) as error:
        load_library(config_dir / "legal")
    assert error.value.path == path
    assert error.value.problems == [("entries.1.id", "duplicate id 'es-cp-368' (also in es.yaml)")]


def test_legal_file_must_say_whether_it_was_reviewed(config_dir: Path):
    path = config_dir / "legal" / "fr.yaml"
    edit(path, lambda d: d.pop("reviewed"))
    with pytest.raises(ReferralConfigError) as error:
        load_library(config_dir / "legal")
    assert ("reviewed", "Field required") in error.value.problems and str(path) in str(error.value)


# --- the commands -----------------------------------------------------------------------------------

def test_markets_validate_rejects_a_market_naming_an_unknown_platform(config_dir: Path):
    market = edit(config_dir / "markets" / "swapbay.yaml", lambda d: d.update(platform="swapbay-nl"))
    result = run_vigil("markets", "validate", "--config-dir", str(config_dir))
    assert result.returncode == 2
    assert f"{market}: invalid market config\n  platform: unknown platform 'swapbay-nl'" in result.stderr
    assert "known: rc-labor, swapbay" in result.stderr
    assert f"ok  {config_dir / 'markets' / 'nightowl.yaml'}" in result.stdout
    assert "Traceback" not in result.stderr


def test_platforms_list_json_matches_the_files_and_a_bad_file_exits_2(config_dir: Path):
    result = run_vigil("platforms", "list", "--format", "json", "--config-dir", str(config_dir))
    assert result.returncode == 0, result.stderr
    listed = {p["id"]: p for p in json.loads(result.stdout)}
    for path in sorted((config_dir / "platforms").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text())
        item = listed.pop(raw["id"])
        assert (item["provider"], item["legal_name"], item["country"]) == (
            raw["provider"], raw["legal_name"], raw["country"])
        assert {k: v for k, v in item["notices"].items() if v} == raw["notices"]
    assert listed == {}
    table = run_vigil("platforms", "list", "--config-dir", str(config_dir))
    assert "swapbay" in table.stdout and "web_form, email" in table.stdout

    bad = edit(config_dir / "platforms" / "rc-labor.yaml", lambda d: d.update(country="Germany"))
    failed = run_vigil("platforms", "list", "--config-dir", str(config_dir))
    assert failed.returncode == 2
    assert f"{bad}: invalid platform config\n  country:" in failed.stderr and "Traceback" not in failed.stderr


def test_legal_list_json_matches_the_lookup_and_the_files(config_dir: Path):
    result = run_vigil("legal", "list", "--country", "nl", "--class", "cannabis", "--format", "json",
                       "--config-dir", str(config_dir))
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    expected = legal_basis("cannabis", "NL", config_dir / "legal")
    assert [item["id"] for item in listed] == [entry.id for entry in expected]
    assert listed[0]["jurisdiction"] == "NL" and listed[0]["reviewed"] is None
    files = (config_dir / "legal").glob("*.yaml")
    raw = {e["id"]: e for f in files for e in yaml.safe_load(f.read_text())["entries"]}
    for item in listed:
        assert item["article"] == raw[item["id"]]["article"] and item["source"] == raw[item["id"]]["source"]

    everything = run_vigil("legal", "list", "--format", "json", "--config-dir", str(config_dir))
    everything = json.loads(everything.stdout)
    assert sorted(item["id"] for item in everything) == sorted(raw)


def test_legal_list_errors_exit_2(config_dir: Path):
    unknown = run_vigil("legal", "list", "--class", "stimulants", "--config-dir", str(config_dir))
    assert unknown.returncode == 2 and "--class: unknown substance class 'stimulants'" in unknown.stderr
    no_file = run_vigil("legal", "list", "--country", "IT", "--config-dir", str(config_dir))
    assert no_file.returncode == 2 and "no legal-basis file for country 'IT'" in no_file.stderr
    bad = edit(config_dir / "legal" / "be.yaml", lambda d: d["entries"][0].update(classes=["hash"]))
    broken = run_vigil("legal", "list", "--config-dir", str(config_dir))
    assert broken.returncode == 2
    assert f"{bad}: invalid legal-basis file\n  entries.0.classes: unknown class 'hash'" in broken.stderr
