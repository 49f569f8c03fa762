"""The design card's flow on Elasticsearch: `vigil demo run --store elasticsearch` crawls the
sample markets into a real node, and the README's and docs' searches find there the same
hits as on SQLite (in the same order wherever the sort is explicit)."""

from __future__ import annotations

import json
import re
import shlex
import uuid

import pytest
from helpers import ROOT, run_vigil

pytestmark = pytest.mark.elasticsearch


def documented_searches() -> list[list[str]]:
    """Every `vigil search …` example of the README and docs/cli.md, as arguments."""
    found = []
    for path in (ROOT / "README.md", ROOT / "docs" / "cli.md"):
        for line in path.read_text().splitlines():
            match = re.match(r"^(?:\.venv/bin/)?vigil search (.*?)(?:\s+#.*)?$", line.strip())
            if match:
                args = shlex.split(match.group(1).split(">")[0])
                if "--format" in args:
                    del args[args.index("--format") : args.index("--format") + 2]
                found.append(args)
    return found


@pytest.fixture(scope="module")
def both(es_url, tmp_path_factory):
    sqlite_dir, es_dir = tmp_path_factory.mktemp("demo-sqlite"), tmp_path_factory.mktemp("demo-es")
    es_env = {
        "VIGIL_ES_URL": es_url,
        "VIGIL_ES_INDEX_PREFIX": f"demo{uuid.uuid4().hex[:8]}",
        "VIGIL_ES_REPLICAS": "0",
    }
    static = ("--market", "nightowl", "--market", "rc-labor")  # swapbay (Chromium): test_browser.py
    on_sqlite = run_vigil(
        "demo", "run", "--data-dir", str(sqlite_dir), "--progress", "0", *static,
        env={"VIGIL_STORE": "sqlite"},
    )
    on_es = run_vigil(
        "demo", "run", "--store", "elasticsearch", "--data-dir", str(es_dir), "--progress", "0", *static,
        env=es_env,
    )
    assert on_sqlite.returncode == 0, on_sqlite.stderr[-3000:]
    assert on_es.returncode == 0, on_es.stderr[-3000:]
    return {
        "sqlite": (sqlite_dir, {"VIGIL_STORE": "sqlite"}, on_sqlite),
        "elasticsearch": (es_dir, {**es_env, "VIGIL_STORE": "elasticsearch"}, on_es),
    }


def shown(both, backend: str, *args: str) -> object:
    """A command's JSON, with the sample markets' ports (they differ between runs) masked."""
    result = vigil_on(both, backend, *args, "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", result.stdout))


def vigil_on(both, backend: str, *args: str):
    data_dir, env, _ = both[backend]
    return run_vigil(*args, "--data-dir", str(data_dir), env=env)


def test_the_demo_on_elasticsearch_prints_the_same_summary(both):
    def table(stdout: str) -> list[str]:
        return [line for line in stdout.splitlines() if line.split()[:1] in (["nightowl"], ["rc-labor"])]

    on_sqlite, on_es = both["sqlite"][2].stdout, both["elasticsearch"][2].stdout
    assert table(on_sqlite) == table(on_es) and len(table(on_es)) == 2
    assert "index: elasticsearch at " in on_es and "export VIGIL_STORE=elasticsearch" in on_es


@pytest.mark.parametrize("args", documented_searches(), ids=lambda a: " ".join(a) or "(no text)")
def test_documented_searches_find_the_same_hits_on_both(both, args):
    answers, facets = {}, {}
    for backend in ("sqlite", "elasticsearch"):
        result = vigil_on(both, backend, "search", *args, "--format", "json", "--limit", "1000")
        assert result.returncode == 0, result.stderr[-2000:]
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        facets[backend] = [line["facets"] for line in lines if "facets" in line]
        answers[backend] = [(h["market"], h["listing_id"]) for h in lines if "facets" not in h]
    assert set(answers["sqlite"]) == set(answers["elasticsearch"])
    assert facets["sqlite"] == facets["elasticsearch"]
    assert bool(facets["sqlite"]) == ("--facet" in args)
    if "--sort" in args:
        assert answers["sqlite"] == answers["elasticsearch"]


def test_documented_searches_are_not_all_empty(both):
    found = [
        vigil_on(both, "elasticsearch", "search", *args, "--format", "json").stdout.strip()
        for args in documented_searches()
    ]
    assert len(found) >= 5 and sum(1 for f in found if f) >= 4


def test_listing_vendor_and_runs_commands_work_unchanged(both):
    hit = json.loads(
        vigil_on(both, "sqlite", "search", "ketamine", "--format", "json").stdout.splitlines()[0]
    )
    for command in (
        ["listing", "show", hit["market"], hit["listing_id"]],
        ["vendor", "show", hit["market"], hit["vendor"]],
    ):
        assert shown(both, "sqlite", *command) == shown(both, "elasticsearch", *command)
    runs = shown(both, "elasticsearch", "runs")
    assert {r["market"] for r in runs} == {"nightowl", "rc-labor"}
    assert all(r["status"] == "ok" for r in runs)


@pytest.mark.parametrize(
    "args",
    [
        ["trends", "listings"],
        ["trends", "listings", "--interval", "week", "--market", "rc-labor"],
        ["trends", "prices", "--interval", "all"],
    ],
    ids=" ".join,
)
def test_trends_are_the_same_on_both(both, args):
    on_sqlite, on_es = shown(both, "sqlite", *args), shown(both, "elasticsearch", *args)
    assert on_sqlite and on_sqlite == on_es


def test_facets_and_cursor_paging_are_the_same_on_both(both):
    def facets(backend):
        result = vigil_on(
            both,
            backend,
            "search",
            "--facet",
            "substance",
            "--facet",
            "ships_from",
            "--format",
            "json",
            "--limit",
            "1",
        )
        return json.loads(result.stdout.splitlines()[-1])["facets"]

    assert facets("sqlite") == facets("elasticsearch") and facets("sqlite")["substance"]
    for backend in ("sqlite", "elasticsearch"):
        walked, after = [], []
        for _ in range(100):
            page = vigil_on(
                both, backend, "search", "--sort", "-price", "--limit", "7", "--format", "json", *after
            )
            walked += [(h["market"], h["listing_id"]) for h in map(json.loads, page.stdout.splitlines())]
            cursor = re.search(r"next page: --after (\S+)", page.stderr)
            if not cursor:
                break
            after = ["--after", cursor.group(1)]
        whole = vigil_on(both, backend, "search", "--sort", "-price", "--limit", "1000", "--format", "json")
        assert walked == [(h["market"], h["listing_id"]) for h in map(json.loads, whole.stdout.splitlines())]
