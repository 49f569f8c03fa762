"""`vigil extract`: JSON lines in and out, streamed; every bad input is a clear error (exit 2)
naming its line, with the output of the lines before it kept; `--evaluate` prints a P/R/F1
table. Every test runs the real command in a fresh process."""

from __future__ import annotations

import json
import os
import re
import selectors
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, run_vigil

from vigil import exit_codes

KETAMINE = {"id": 1, "title": "Ketamine 5g"}


def jsonl(*records: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(r).encode("utf-8") + b"\n" for r in records)


def extract_files(tmp_path: Path, data: bytes, *args: str) -> tuple[Any, Path]:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(data)
    result = run_vigil("extract", "--in", str(src), "--out", str(dst), *args)
    return result, dst


def out_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]


def assert_clean_error(result: Any, *fragments: str, code: int = exit_codes.USAGE) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


# ------------------------------------------------------------------------------ streaming


def test_files_in_and_out_pass_fields_through(tmp_path: Path) -> None:
    result, dst = extract_files(tmp_path, jsonl(
        {"id": "a", "title": "Speed 10g", "price": "30 EUR", "ships_from": "Niederlande",
         "vendor": "v1", "date": "2020-03-01"},
        {"id": "b", "title": "ice cream"},
    ))
    assert result.returncode == 0, result.stderr
    out = out_records(dst)
    assert [o["id"] for o in out] == ["a", "b"]
    assert out[0]["vendor"] == "v1"
    assert out[0]["ships_from"] == ["NL"] and out[0]["ships_from_text"] == "Niederlande"
    assert [s["name"] for s in out[0]["substances"]] == ["amphetamine"]
    assert out[0]["price_per_gram_eur"] == 3.0
    assert out[1]["substances"] == []


def test_each_line_is_written_before_the_next_is_read() -> None:
    """Standard input to standard output: line 1's result comes out while line 2 is unwritten."""
    # Without PYTHONUNBUFFERED: the command itself must flush each line.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.Popen([sys.executable, "-m", "vigil", "extract"], cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(jsonl(KETAMINE))
        proc.stdin.flush()
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            assert sel.select(timeout=60), "no output for line 1 while the input stays open"
        first = json.loads(proc.stdout.readline())
        assert first["substances"][0]["name"] == "ketamine"
        proc.stdin.write(b"{broken\n")
        proc.stdin.close()
        assert proc.wait(timeout=60) == exit_codes.USAGE
        assert b"line 2" in proc.stderr.read()  # type: ignore[union-attr]
    finally:
        proc.kill()
        proc.wait()


def test_bad_json_stops_with_its_number_and_keeps_the_lines_before(tmp_path: Path) -> None:
    data = jsonl(KETAMINE) + b"{broken\n" + jsonl({"id": 3, "title": "Cocaine 1g"})
    result, dst = extract_files(tmp_path, data)
    assert_clean_error(result, "line 2", "not valid JSON", "1 listing written")
    assert [o["id"] for o in out_records(dst)] == [1]


@pytest.mark.parametrize(("line", "message"), [
    (b'{"id": 1}', "'title' is required"),
    (b'{"id": 1, "title": ["a"]}', "'title' is required"),
    (b'["Ketamine 5g"]', "must be a JSON object"),
    (b'{"title": "Ketamine 5g", "n": NaN}', "NaN is not JSON"),
    (b'{"title": "Ketamine 5g", "n": ' + b"9" * 5000 + b"}", "not usable JSON"),
])
def test_unusable_line_is_invalid_input(tmp_path: Path, line: bytes, message: str) -> None:
    result, dst = extract_files(tmp_path, jsonl(KETAMINE) + line + b"\n")
    assert_clean_error(result, "line 2", message)
    assert len(out_records(dst)) == 1


# ------------------------------------------------------------------------------ bad input


def test_invalid_utf8_names_its_line_and_keeps_earlier_output(tmp_path: Path) -> None:
    data = jsonl(KETAMINE) + b'{"id": 2, "title": "Caf\xe9 1g"}\n' + jsonl({"id": 3, "title": "x"})
    result, dst = extract_files(tmp_path, data)
    assert_clean_error(result, "in.jsonl, line 2: not valid UTF-8", "0xe9")
    out = out_records(dst)
    assert [o["id"] for o in out] == [1]
    assert out[0]["substances"][0]["name"] == "ketamine"


def test_lone_surrogate_is_replaced_and_the_run_goes_on(tmp_path: Path) -> None:
    data = (b'{"id": 1, "title": "MDMA \\ud800 10g", "tags": {"x\\udfff": ["\\udc00 ok"]}}\n'
            b'{"id": 2, "title": "pair \\ud83d\\ude00 Ketamine 5g"}\n')
    result, dst = extract_files(tmp_path, data)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "1 line(s) had lone surrogates, replaced by U+FFFD (line 1)" in result.stderr
    out = out_records(dst)  # decodes as strict UTF-8
    assert out[0]["title"] == "MDMA \ufffd 10g"
    assert out[0]["tags"] == {"x\ufffd": ["\ufffd ok"]}
    mdma = out[0]["substances"][0]
    assert (mdma["name"], mdma["start"], mdma["end"]) == ("MDMA", 0, 4)
    assert out[0]["quantities"] == [{"value": 10.0, "unit": "g"}]
    assert out[1]["title"] == "pair 😀 Ketamine 5g"  # a real pair is a character, kept
    assert out[1]["substances"][0]["name"] == "ketamine"


def test_deep_nesting_is_invalid_input_not_a_recursion_error(tmp_path: Path) -> None:
    deep = b'{"title": "x", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    result, dst = extract_files(tmp_path, jsonl(KETAMINE) + deep + b"\n")
    assert_clean_error(result, "line 2: JSON nested deeper than 64 levels")
    assert [o["id"] for o in out_records(dst)] == [1]


def test_nesting_that_json_accepts_is_still_bounded(tmp_path: Path) -> None:
    deep = b'{"title": "x", "a": ' + b"[" * 500 + b"]" * 500 + b"}"
    result, _ = extract_files(tmp_path, deep + b"\n")
    assert_clean_error(result, "line 1: JSON nested deeper than 64 levels")


def test_missing_input_file(tmp_path: Path) -> None:
    missing, dst = tmp_path / "nowhere.jsonl", tmp_path / "out.jsonl"
    result = run_vigil("extract", "--in", str(missing), "--out", str(dst))
    assert_clean_error(result, f"cannot read --in {missing}", "No such file")
    assert not dst.exists()


@pytest.mark.parametrize(("where", "reason"), [
    ("no-such-folder/out.jsonl", "No such file or directory"),
    (".", "Is a directory"),
])
def test_unwritable_output(tmp_path: Path, where: str, reason: str) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl(KETAMINE))
    out = tmp_path / where
    result = run_vigil("extract", "--in", str(src), "--out", str(out))
    assert_clean_error(result, f"cannot write --out {out}", reason)


def test_a_full_disk_is_a_failure_not_a_traceback(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl(KETAMINE))
    result = run_vigil("extract", "--in", str(src), "--out", "/dev/full")
    assert_clean_error(result, "cannot write the output: No space left on device",
                       code=exit_codes.FAILED)


def test_absurd_prices_give_no_eur_value_and_no_error(tmp_path: Path) -> None:
    big = "123456789012345678901234567"
    result, dst = extract_files(tmp_path, jsonl(
        {"id": 1, "title": "Cocaine 1g", "price": f"${big}", "date": "2020-02-01"},
        {"id": 2, "title": f"Cocaine 1g for ${big} or {big} BTC", "date": "2020-02-01"},
        {"id": 3, "title": "Cocaine 1g", "price": f"{big} BTC"},
        KETAMINE,
    ), "--on", "2020-02-01")
    assert result.returncode == 0, result.stderr
    out = out_records(dst)
    assert [o["id"] for o in out] == [1, 2, 3, 1]
    assert out[0]["prices"][0]["amount"] == float(big)
    assert out[0]["prices"][0]["currency"] == "USD"
    assert all(p["eur"] is None for o in out[:3] for p in o["prices"])
    assert {p["currency"] for p in out[1]["prices"]} == {"USD", "BTC"}
    assert [o["price_per_gram_eur"] for o in out[:3]] == [None, None, None]


def test_bad_on_date_is_a_usage_error(tmp_path: Path) -> None:
    result, dst = extract_files(tmp_path, jsonl(KETAMINE), "--on", "2020-13-01")
    assert_clean_error(result, "--on must be YYYY-MM-DD, not '2020-13-01'")
    assert not dst.exists()


# ------------------------------------------------------------------------------ --evaluate

BTC = "bc1qhwdf8cs40g2x0zfv37kx7mhd6rthj9wf3ruxqm"


def gold(n: int, title: str, description: str, substances: list[tuple[str, str]], *,
         quantities: tuple[tuple[float, str], ...] = (), doses: tuple[tuple[float, str], ...] = (),
         contacts: tuple[tuple[str, str], ...] = (), crypto: tuple[str, ...] = ()) -> dict:
    return {
        "id": f"inhouse:en-{n:03d}", "source": "inhouse", "lang": "en", "title": title,
        "description": description,
        "substances": [{"name": name, "class": cls} for name, cls in substances],
        "quantities": [{"value": v, "unit": u} for v, u in quantities],
        "doses": [{"value": v, "unit": u} for v, u in doses], "purity": None,
        "crypto_addresses": [{"chain": "bitcoin", "address": a} for a in crypto],
        "contacts": [{"kind": k, "value": v} for k, v in contacts],
        "flags": [], "drug": bool(substances),
    }


# Worked out by hand. Substances: tp ketamine (1), MDMA (2), cocaine (3), LSD (5); fp the
# ketamine of 3, which the label leaves out; fn the cocaine of 2 and the psilocybin of 5, which
# the labels add -> P 4/5 = 0.800, R 4/6 = 0.667, F1 = 2PR/(P+R) = 0.727. Contacts: tp wickr
# and telegram, fn the threema handle the text lacks -> P 1.000, R 2/3 = 0.667, F1 0.800.
# Crypto: the one address -> 1.000. Class accuracy 4/4; quantities 4/4 and doses 2/2 exact;
# non-drug false positives 0/1; no purity anywhere (n/a).
TINY_GOLD = [
    gold(1, "Ketamine 5g - fast shipping", "Wickr: ketaking", [("ketamine", "dissociative")],
         quantities=((5, "g"),), contacts=(("wickr", "ketaking"),)),
    gold(2, "MDMA 100 x 120mg pills", "Telegram: @mollyshop",
         [("MDMA", "entactogen"), ("cocaine", "stimulant")],
         quantities=((100, "unit"),), doses=((120, "mg"),),
         contacts=(("telegram", "mollyshop"), ("threema", "ABCD1234"))),
    gold(3, "Cocaine 1g and Ketamine 2g", "", [("cocaine", "stimulant")],
         quantities=((1, "g"), (2, "g"))),
    gold(4, "Ice cream maker 2L", "", []),
    gold(5, "LSD 10 tabs 100ug", f"Pay to {BTC}",
         [("LSD", "psychedelic"), ("psilocybin", "psychedelic")],
         quantities=((10, "unit"),), doses=((100, "ug"),), crypto=(BTC,)),
]


@pytest.fixture
def tiny_gold(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_bytes(jsonl(*TINY_GOLD))
    return path


def row(text: str, label: str) -> list[str]:
    """The figures of the report line labelled `label`."""
    lines = [line for line in text.splitlines() if re.match(rf"{re.escape(label)}\s{{2,}}", line)]
    assert len(lines) == 1, text
    return lines[0][len(label):].split()


def test_evaluate_prints_precision_recall_f1_per_field(tiny_gold: Path) -> None:
    result = run_vigil("extract", "--evaluate", str(tiny_gold))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "PRF(" not in text and "Rate(" not in text
    assert re.search(r"^field\s+precision\s+recall\s+F1\s+tp\s+fp\s+fn$", text, re.M)
    assert row(text, "substances") == ["0.800", "0.667", "0.727", "4", "1", "2"]
    assert row(text, "contacts") == ["1.000", "0.667", "0.800", "2", "0", "1"]
    assert row(text, "crypto addresses") == ["1.000", "1.000", "1.000", "1", "0", "0"]
    assert row(text, "flag guide") == ["n/a", "n/a", "n/a", "0", "0", "0"]
    assert row(text, "class accuracy") == ["1.000", "4", "4"]
    assert row(text, "quantity exact match") == ["1.000", "4", "4"]
    assert row(text, "dose exact match") == ["1.000", "2", "2"]
    assert row(text, "purity exact match") == ["n/a", "0", "0"]
    assert row(text, "non-drug FP rate") == ["0.000", "0", "1"]
    assert "inhouse:en-002 [substance missed] gold='cocaine'" in text
    assert "inhouse:en-003 [substance spurious]" in text


def test_evaluate_json_report_has_the_scorers_figures(tiny_gold: Path) -> None:
    result = run_vigil("extract", "--evaluate", str(tiny_gold), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    subs = report["fields"]["substances"]
    assert (subs["tp"], subs["fp"], subs["fn"]) == (4, 1, 2)
    assert subs["precision"] == pytest.approx(0.8)
    assert subs["recall"] == pytest.approx(4 / 6)
    assert subs["f1"] == pytest.approx(2 * 0.8 * (4 / 6) / (0.8 + 4 / 6))
    contacts = report["fields"]["contacts"]
    assert (contacts["precision"], contacts["recall"]) == (1.0, pytest.approx(2 / 3))
    assert report["rates"]["class_accuracy"] == {"value": 1.0, "hits": 4, "total": 4}
    assert report["rates"]["nondrug_fp_rate"] == {"value": 0.0, "hits": 0, "total": 1}
    assert report["listings"] == {"total": 5, "drug": 4, "nondrug": 1, "by_source": {"inhouse": 5}}
    assert report["errors"]["by_kind"] == {"contact missed": 1, "substance missed": 2,
                                           "substance spurious": 1}


def test_evaluate_missing_gold_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.jsonl"
    result = run_vigil("extract", "--evaluate", str(missing))
    assert_clean_error(result, f"gold set: {missing}: no such gold file")
    assert result.stdout == ""


@pytest.mark.parametrize(("content", "message"), [
    (b"{not json\n", "gold.jsonl:1: not JSON"),
    (b"[1, 2]\n", "gold.jsonl:1: a gold record is a JSON object"),
    (b'{"id": "x", "source": "inhouse", "title": "t\xff", "lang": "en"}\n', "gold.jsonl:1: not UTF-8"),
    (json.dumps({**TINY_GOLD[0], "substances": [{"name": "MDMA", "class": "candy"}]}).encode(),
     "bad substance"),
    (json.dumps({**TINY_GOLD[0], "substances": "ketamine"}).encode(), "must be a list of objects"),
])
def test_evaluate_malformed_gold_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_bytes(content)
    result = run_vigil("extract", "--evaluate", str(path))
    assert_clean_error(result, message)
