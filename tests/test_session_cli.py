"""`vigil session set/status/clear` and a crawl with the stored session, over real HTTP: every
cookie and the browser's user agent reach the market's mirror, nothing reaches another host,
and no cookie value shows in output, logs, the run record, the index or the evidence."""

from __future__ import annotations

import gzip
import json
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from helpers import run_vigil, write_config_dir

from index.sqlite import SqliteStore

SID = "sid-SECRET-7f3a9c2e51d04b8a"
PREF = "pref-SECRET-0b1c2d3e"
ELSEWHERE = "tracker-SECRET-99"
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 OperatorBox"


def cookies_txt(host: str) -> str:
    return (
        "# Netscape HTTP Cookie File\n\n"
        f"#HttpOnly_{host}\tFALSE\t/\tFALSE\t0\tsid\t{SID}\n"
        f"{host}\tFALSE\t/\tFALSE\t4102444800\tpref\t{PREF}\n"
        f".tracker.example\tTRUE\t/\tFALSE\t4102444800\tuid\t{ELSEWHERE}\n"
    )


@contextmanager
def recording_server(pages: dict[str, tuple[int, str, dict[str, str]]]) -> Iterator[tuple[int, list[dict]]]:
    """Serve `pages[path]`; record each request's path, Cookie and User-Agent headers."""
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append({"path": self.path, "cookie": self.headers.get("Cookie"),
                         "ua": self.headers.get("User-Agent")})
            status, body, headers = pages.get(self.path, (404, "<html>gone</html>", {}))
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


def market(mirror: str) -> dict:
    return {
        "id": "shop", "name": "Shop", "kind": "darknet", "mirrors": [mirror],
        "politeness": {"download_delay": 0, "autothrottle": False, "retries": 0},
        "session": {"required": True},
        "navigation": {"start_urls": ["/"]},
        "listings": {
            "links": "a.t::attr(href)", "id_from_url": r"/item/(?P<id>\d+)",
            "cards": {"container": "div.card", "fields": {"title": "a.t::text"}},
            "fields": {"description": "div.desc"},
        },
    }


@pytest.fixture()
def env(tmp_path) -> dict[str, str]:
    return {"VIGIL_SECRETS_FILE": str(tmp_path / "private" / "vigil" / "secrets.yaml"),
            "VIGIL_SESSION_SHOP": "", "VIGIL_SESSION_NIGHTOWL": ""}


def vigil(env: dict[str, str], *args: str):
    return run_vigil(*args, env=env)


def test_set_stores_the_cookies_of_the_markets_hosts_privately_with_the_user_agent(tmp_path, env):
    folder = write_config_dir(tmp_path / "config", market("http://127.0.0.1:9"))
    (tmp_path / "cookies.txt").write_text(cookies_txt("127.0.0.1"))
    result = vigil(env, "session", "set", "shop", "--cookies", str(tmp_path / "cookies.txt"),
                   "--user-agent", UA, "--config-dir", str(folder))
    assert result.returncode == 0, result.stderr
    assert "sid, pref" in result.stdout and "ignored cookies of other sites: tracker.example" in result.stdout
    secrets = Path(env["VIGIL_SECRETS_FILE"])
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert stat.S_IMODE(secrets.parent.stat().st_mode) == 0o700
    entry = yaml.safe_load(secrets.read_text())["shop"]
    assert entry["user_agent"] == UA
    assert {c["name"]: c["value"] for c in entry["cookies"]} == {"sid": SID, "pref": PREF}
    assert all(s not in result.stdout + result.stderr for s in (SID, PREF, ELSEWHERE))

    status = vigil(env, "session", "status", "--format", "json", "--config-dir", str(folder))
    assert status.returncode == 0, status.stderr
    (row,) = json.loads(status.stdout)
    assert row["market"] == "shop" and row["needs_session"] and row["source"] == "file"
    assert row["cookies"] == ["sid", "pref"] and row["user_agent"] == UA and row["set_at"]
    assert row["expires"] == "2100-01-01T00:00:00+00:00" and row["expired"] is False
    table = vigil(env, "session", "status", "shop", "--config-dir", str(folder))
    assert "shop" in table.stdout and "sid, pref" in table.stdout and UA in table.stdout
    assert all(s not in status.stdout + table.stdout + table.stderr for s in (SID, PREF))

    cleared = vigil(env, "session", "clear", "shop", "--config-dir", str(folder))
    assert cleared.returncode == 0 and "removed" in cleared.stdout
    assert "shop" not in yaml.safe_load(secrets.read_text())
    after = json.loads(vigil(env, "session", "status", "shop", "--format", "json",
                             "--config-dir", str(folder)).stdout)
    assert after[0]["stored"] is False


@pytest.mark.parametrize(
    ("content", "args", "expected"),
    [
        ("x\tFALSE\t/\n", ["shop"], "line 1: expected 7 tab-separated fields"),
        ('[{"name": "sid"}]', ["shop"], "entry 1: `value` is missing"),
        ("", ["shop"], "empty; expected cookies"),
        (cookies_txt("127.0.0.1"), ["nosuchmarket"], "no such market; configured markets: shop"),
        (cookies_txt("other.onion"), ["shop"], "none of its 3 cookies is for shop's mirror hosts"),
        (cookies_txt("127.0.0.1"), ["shop", "--user-agent", "bad\x01agent"], "--user-agent: expected"),
    ],
)
def test_bad_input_exits_2_naming_what_is_wrong(tmp_path, env, content, args, expected):
    folder = write_config_dir(tmp_path / "config", market("http://127.0.0.1:9"))
    (tmp_path / "c.txt").write_text(content)
    market_id, *extra = args
    result = vigil(env, "session", "set", market_id, "--cookies", str(tmp_path / "c.txt"),
                   *(extra or ["--user-agent", UA]), "--config-dir", str(folder))
    assert result.returncode == 2
    assert expected in result.stderr
    assert not Path(env["VIGIL_SECRETS_FILE"]).exists()


def test_unreadable_cookie_file_and_unknown_market_elsewhere_exit_2(tmp_path, env):
    folder = write_config_dir(tmp_path / "config", market("http://127.0.0.1:9"))
    missing = vigil(env, "session", "set", "shop", "--cookies", str(tmp_path / "none.txt"),
                    "--user-agent", UA, "--config-dir", str(folder))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    for args in (["status", "nosuch"], ["clear", "nosuch"]):
        result = vigil(env, "session", *args, "--config-dir", str(folder))
        assert result.returncode == 2 and "no such market" in result.stderr


def test_the_environment_variable_wins_and_the_older_file_shape_is_read(tmp_path, env):
    data = market("http://127.0.0.1:9")
    data["session"]["cookie_name"] = "owl"
    folder = write_config_dir(tmp_path / "config", data)
    secrets = Path(env["VIGIL_SECRETS_FILE"])
    secrets.parent.mkdir(parents=True)
    secrets.write_text(yaml.safe_dump({"shop": {"cookie": SID}}))
    status = vigil(env, "session", "status", "--format", "json", "--config-dir", str(folder))
    (row,) = json.loads(status.stdout)
    assert (row["source"], row["cookies"], row["user_agent"]) == ("file", ["owl"], None)
    (row,) = json.loads(vigil({**env, "VIGIL_SESSION_SHOP": PREF}, "session", "status", "--format", "json",
                              "--config-dir", str(folder)).stdout)
    assert (row["source"], row["cookies"]) == ("env", ["owl"])


def test_a_crawl_sends_the_session_to_the_mirror_only_and_never_records_it(tmp_path, env):
    with recording_server({}) as (other_port, other_seen):
        other = f"http://localhost:{other_port}"  # another host name: not one of the market's
        category = (
            '<div class="card"><a class="t" href="/item/1">MDMA 10g</a></div>'
            f'<div class="card"><a class="t" href="{other}/item/2">Ketamine 5g</a></div>'
            '<div class="card"><a class="t" href="/item/3">Cocaine 1g</a></div>'
        )
        pages = {
            "/": (200, f"<html><body>{category}</body></html>", {}),
            "/item/1": (200, "<html><body><div class='desc'>pure crystals</div></body></html>", {}),
            "/item/3": (302, "", {"Location": f"{other}/item/3"}),  # a redirect off the mirrors
        }
        with recording_server(pages) as (port, seen):
            folder = write_config_dir(tmp_path / "config", market(f"http://127.0.0.1:{port}"))
            (tmp_path / "cookies.txt").write_text(cookies_txt("127.0.0.1"))
            stored = vigil(env, "session", "set", "shop", "--cookies", str(tmp_path / "cookies.txt"),
                           "--user-agent", UA, "--config-dir", str(folder))
            assert stored.returncode == 0, stored.stderr
            data_dir = tmp_path / "data"
            result = vigil(env, "crawl", "shop", "--config-dir", str(folder), "--data-dir", str(data_dir),
                           "--log-level", "DEBUG")
    assert result.returncode == 4, result.stderr[-3000:]  # partial: the off-mirror links were not followed
    assert {r["path"] for r in seen} == {"/", "/item/1", "/item/3"}
    for request in seen:
        assert request["ua"] == UA
        assert f"sid={SID}" in request["cookie"] and f"pref={PREF}" in request["cookie"]
        assert ELSEWHERE not in request["cookie"]
    assert other_seen == []  # the other host got nothing, cookies least of all
    output = result.stdout + result.stderr
    assert "DEBUG" in output
    run = SqliteStore(data_dir / "vigil.sqlite3").runs("shop")[0]
    assert run.stats["vigil/session/source"] == "file"
    kept = [output, json.dumps(run.stats, default=str)]
    for path in data_dir.rglob("*"):  # the index (and its journal) and the evidence vault
        if path.is_file():
            raw = path.read_bytes()
            kept.append((gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("latin-1"))
    assert any(path.suffix == ".gz" for path in data_dir.rglob("*"))
    for text in kept:
        assert SID not in text and PREF not in text


CARDS = ('<div class="card"><a class="t" href="/item/1">MDMA 10g</a></div>'
         '<div class="card"><a class="t" href="/item/2">Ketamine 5g</a></div>')
LISTING = ("<html><body><div class='desc'>login details sent after purchase; sign in to track"
           "</div></body></html>")
DDOS_GUARD = ("<html><head><title>DDoS-Guard</title></head><body><h1>Checking your browser before "
              "accessing the market</h1></body></html>")


@pytest.mark.parametrize(
    ("item2", "reason", "stats"),
    [
        ((302, "", {"Location": "/account/login?return=%2Fitem%2F2"}), "redirected to the login page",
         {"vigil/session/login_wall": 1}),
        ((200, DDOS_GUARD, {}), "interstitial at",
         {"vigil/interstitial/seen": 2, "vigil/interstitial/gave_up": 1}),
    ],
    ids=["login-redirect", "ddos-guard"],
)
def test_generic_signs_end_a_market_with_no_detection_of_its_own_needs_session(tmp_path, env, item2, reason,
                                                                              stats):
    pages = {
        "/": (200, f"<html><body>{CARDS}</body></html>", {}),
        "/item/1": (200, LISTING, {}),
        "/item/2": item2,
        "/account/login": (200, "<html><body><form><input type='password'></form></body></html>", {}),
    }
    with recording_server(pages) as (port, _):
        data = market(f"http://127.0.0.1:{port}")
        # retries and backoff for the generic signs; its own detection never matches
        data["interstitial"] = {"detect": {"status": [599]}, "retries": 1, "backoff": 0}
        folder = write_config_dir(tmp_path / "config", data)
        result = vigil(env, "crawl", "shop", "--config-dir", str(folder),
                       "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 3, result.stderr[-3000:]
    command = 'vigil session set shop --cookies FILE --user-agent "UA"'
    errors = [line for line in result.stderr.splitlines() if " ERROR: " in line and command in line]
    assert errors and reason in errors[0] and "needs a session (none is stored)" in errors[0]
    assert command in result.stdout
    run = SqliteStore(tmp_path / "data" / "vigil.sqlite3").runs("shop")[0]
    assert run.status == "needs_session" and command in run.stats["vigil/close_message"]
    assert {name: run.stats.get(name) for name in stats} == stats


def test_a_broken_secrets_file_stops_crawl_and_status_with_exit_2(tmp_path, env):
    folder = write_config_dir(tmp_path / "config", market("http://127.0.0.1:9"))
    secrets = Path(env["VIGIL_SECRETS_FILE"])
    secrets.parent.mkdir(parents=True)
    secrets.write_text(f"shop: {{cookies: [{{name: sid, value: {SID}}}\n")  # unclosed
    for args in (["crawl", "shop", "--data-dir", str(tmp_path / "data")], ["session", "status"]):
        result = vigil(env, *args, "--config-dir", str(folder))
        assert result.returncode == 2, result.stderr
        assert f"{secrets}: line" in result.stderr and "not valid YAML" in result.stderr
        assert SID not in result.stderr + result.stdout
