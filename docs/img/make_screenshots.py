"""Take the README's screenshots of the web app: the search page and a listing page, 1280x800.

    .venv/bin/python docs/img/make_screenshots.py        # writes docs/img/search.png, listing.png

Crawls the sample markets nightowl and rc-labor (days 1 and 2, seed 7) into a temporary data
dir, adds a user with `vigil users add`, starts `vigil web` on a free loopback port and drives
Debian's Chromium (`VIGIL_CHROMIUM` to use another) through the pages. Needs nothing else.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
VIEWPORT = {"width": 1280, "height": 800}
SEARCH = "/search?market=nightowl&class=stimulant&status=any"


def vigil(*args: str, env: dict[str, str], stdin: str | None = None) -> None:
    result = subprocess.run([sys.executable, "-m", "vigil", *args], input=stdin, capture_output=True,
                            text=True, env=env, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"vigil {' '.join(args)} failed:\n{result.stderr[-2000:]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"vigil web exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise SystemExit(f"vigil web did not answer on {url}")


def shoot(url: str, user: str, password: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium"), headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"])
        page = browser.new_page(base_url=url, viewport=VIEWPORT)
        page.goto("/login")
        page.locator("#username").fill(user)
        page.locator("#password").fill(password)
        page.locator("form.login button[type=submit]").click()
        page.wait_for_url(lambda u: "/login" not in u)
        page.goto(SEARCH)
        page.screenshot(path=str(OUT / "search.png"))
        page.locator("tr.hit a").first.click()
        page.wait_for_url(lambda u: "/listings/" in u)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "listing.png"))
        browser.close()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="vigil-shots-") as tmp:
        data = Path(tmp) / "data"
        env = {**os.environ, "VIGIL_DATA_DIR": str(data), "VIGIL_PROGRESS_INTERVAL": "0",
               "VIGIL_REMOVE_AFTER_RUNS": "1"}
        for day in ("1", "2"):
            vigil("demo", "run", "--day", day, "--seed", "7", "--listings", "40", "--market", "nightowl",
                  "--market", "rc-labor", env=env)
        password = secrets.token_urlsafe(12)
        vigil("users", "add", "ana", "--role", "investigator", env=env, stdin=password + "\n")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = subprocess.Popen([sys.executable, "-m", "vigil", "web", "--host", "127.0.0.1", "--port",
                                    str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            wait_until_up(url, process)
            shoot(url, "ana", password)
        finally:
            process.terminate()
            process.wait(10)
    for name in ("search.png", "listing.png"):
        print(f"{OUT / name}: {(OUT / name).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
