"""`vigil extract`: JSON lines in and out, pass-through fields, clear errors with line numbers."""

import json

from typer.testing import CliRunner

from vigil.cli.main import app

runner = CliRunner()


def test_extract_streams_json_lines() -> None:
    lines = [
        {"id": "a", "title": "Speed 10g", "price": "30 EUR", "ships_from": "Niederlande",
         "vendor": "v1", "date": "2020-03-01"},
        {"id": "b", "title": "ice cream"},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\n"
    result = runner.invoke(app, ["extract"], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    assert out[0]["vendor"] == "v1"
    assert out[0]["ships_from"] == ["NL"] and out[0]["ships_from_text"] == "Niederlande"
    assert [s["name"] for s in out[0]["substances"]] == ["amphetamine"]
    assert out[0]["price_per_gram_eur"] == 3.0
    assert out[1]["substances"] == []


def test_files_in_and_out(tmp_path) -> None:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": 1, "title": "Ketamine 5g"}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", "--in", str(src), "--out", str(dst)])
    assert result.exit_code == 0
    assert json.loads(dst.read_text(encoding="utf-8"))["substances"][0]["name"] == "ketamine"


def test_bad_line_stops_with_its_number() -> None:
    stdin = json.dumps({"title": "Cocaine 1g"}) + "\n{broken\n" + json.dumps({"title": "x"})
    result = runner.invoke(app, ["extract"], input=stdin)
    assert result.exit_code == 2
    assert "line 2" in result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_missing_title_is_invalid() -> None:
    result = runner.invoke(app, ["extract"], input=json.dumps({"id": 1}) + "\n")
    assert result.exit_code == 2
    assert "line 1" in result.stderr and "title" in result.stderr
