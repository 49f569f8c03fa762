"""One real single node on loopback: start, wait until healthy, stop, pause, restart.

Elasticsearch and OpenSearch refuse to run as root, so as root the node runs as the system
user `vigil-node` (created once). Each node has its own work dir:

    home/     the distribution, hard-linked from the cache (read-only, owned by the cache's owner)
    config/   a copy of the distribution's config (the node writes its keystore there)
    data/  logs/  tmp/   path.data, path.logs, the JVM's temp dir
    console.log          the start script's stdout and stderr

A node keeps its port and data dir across `stop()` and `start()`, so data survives a restart.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vigil.devnodes.dist import NodeError, distribution, java_home, link_tree, product, tail_text

NODE_USER = "vigil-node"
#: Loopback only, and no proxy from the environment (http_proxy would swallow 127.0.0.1).
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class DevNode:
    """A real Elasticsearch or OpenSearch node in `workdir`, on `port` (a free one if None)."""

    def __init__(self, product_name: str, workdir: Path | str, port: int | None = None, *,
                 heap_mb: int = 512, settings: Mapping[str, str] | None = None,
                 cache: Path | None = None) -> None:
        self.spec = product(product_name)
        self.product = self.spec.name
        self.workdir = Path(workdir).resolve()
        self.port = port or free_port()
        self.heap_mb = heap_mb
        self.extra_settings = dict(settings or {})
        self.cache = cache
        # Stable per work dir: a health answer with this name is from this node, not another.
        digest = hashlib.sha1(str(self.workdir).encode()).hexdigest()[:10]
        self.cluster_name = f"vigil-dev-{digest}"
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """The start script's pid, also the node's process group."""
        return self._pid

    @property
    def running(self) -> bool:
        """Whether any process of the node is alive (it may still be starting, or paused)."""
        if self._proc is not None:
            self._proc.poll()  # reap the leader, or it would linger as a zombie
        return self._pid is not None and bool(_group(self._pid))

    def healthy(self) -> bool:
        answer = health(self.url)
        return answer is not None and answer.get("cluster_name") == self.cluster_name

    def start(self, timeout: float = 120.0) -> DevNode:
        """Start the node and wait until its cluster is at least yellow; on failure stop it and
        raise `NodeError` with the end of its logs."""
        if self.running:
            raise NodeError(f"{self.product} in {self.workdir} is already running (pid {self._pid})")
        if not port_free(self.port):
            raise NodeError(f"port {self.port} on 127.0.0.1 is taken (another node?): choose another port")
        try:
            command, env, ids = self._prepare()
        except OSError as exc:
            raise NodeError(f"cannot prepare the work dir {self.workdir}: {exc}") from exc
        with (self.workdir / "console.log").open("ab") as console:
            # start_new_session: the node is its own process group (stop signals all of it) and
            # outlives a CLI that started it; no pipe is inherited, so no caller waits on it.
            self._proc = subprocess.Popen(
                command, cwd=self.workdir, env=env, stdin=subprocess.DEVNULL, stdout=console,
                stderr=subprocess.STDOUT, start_new_session=True,
                **({"user": ids[0], "group": ids[1], "extra_groups": []} if ids else {}),
            )
        self._pid = self._proc.pid
        self._wait_ready(timeout)
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the process group, SIGKILL it after `timeout` seconds. Data is kept."""
        if self._pid is not None:
            self._signal_group(signal.SIGCONT)  # a paused node cannot act on SIGTERM
            _stop_group(self._pid, timeout, self._proc)
        self._proc = self._pid = None

    def kill(self) -> None:
        """Stop at once with SIGKILL, as a crash would (no flush, no clean shutdown)."""
        self.stop(timeout=0)

    def restart(self, timeout: float = 120.0) -> DevNode:
        self.stop()
        return self.start(timeout)

    def pause(self) -> None:
        """SIGSTOP the node: its port stays open but nothing answers (a hung node)."""
        self._signal_group(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal_group(signal.SIGCONT)

    def adopt(self, pid: int) -> bool:
        """Take over this work dir's node started by another process (a detached `vigil es
        dev`); False when `pid` is not that node any more (it ended, or the pid was reused)."""
        if not any(f"path.data={self.workdir / 'data'}" in _cmdline(p) for p in _group(pid)):
            return False
        self._proc, self._pid = None, pid
        return True

    def state(self) -> dict[str, Any]:
        return {"product": self.product, "pid": self._pid, "url": self.url, "port": self.port,
                "workdir": str(self.workdir)}

    def log_tail(self, lines: int = 40) -> str:
        """The end of the node's own log and of the start script's output."""
        parts = []
        for path in (self.workdir / "logs" / f"{self.cluster_name}.log", self.workdir / "console.log"):
            text = _read_end(path)
            if text.strip():
                parts.append(f"--- {path} (last {lines} lines)\n{tail_text(text, lines)}")
        return "\n".join(parts) or f"(no log yet in {self.workdir})"

    def __enter__(self) -> DevNode:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _prepare(self) -> tuple[list[str], dict[str, str], tuple[int, int] | None]:
        ids = node_user()
        self.workdir.mkdir(parents=True, exist_ok=True)
        if ids:
            _check_reachable(self.workdir, ids)
        home, config = self.workdir / "home", self.workdir / "config"
        if not home.is_dir():
            link_tree(distribution(self.product, self.cache), home)
        if not config.is_dir():
            partial = self.workdir / "config.partial"
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(home / "config", partial, copy_function=shutil.copyfile)
            _absolute_jvm_paths(partial / "jvm.options", self.workdir)
            partial.rename(config)
        for name in ("data", "logs", "tmp"):
            (self.workdir / name).mkdir(exist_ok=True)
        if ids:  # never home/: its files are the cache's inodes
            os.chown(self.workdir, *ids)
            for name in ("config", "data", "logs", "tmp"):
                _chown_tree(self.workdir / name, ids)
        settings = {
            "cluster.name": self.cluster_name,
            "node.name": self.cluster_name,
            "discovery.type": "single-node",
            "network.host": "127.0.0.1",
            "http.port": str(self.port),
            "path.data": str(self.workdir / "data"),
            "path.logs": str(self.workdir / "logs"),
            # A full-ish disk must not turn the test indices read-only.
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            **dict(self.spec.settings),
            **self.extra_settings,
        }
        command = [str(home / "bin" / self.product), "--quiet"]
        for key, value in settings.items():
            command += ["-E", f"{key}={value}"]
        prefix = self.spec.env_prefix
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(self.workdir),
            "LANG": "C.UTF-8",
            f"{prefix}_JAVA_HOME": str(java_home()),
            f"{prefix}_JAVA_OPTS": f"-Xms{self.heap_mb}m -Xmx{self.heap_mb}m",
            f"{prefix}_PATH_CONF": str(config),
            f"{prefix}_TMPDIR": str(self.workdir / "tmp"),
        }
        return command, env, ids

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if not self.running:
                code = self._proc.returncode if self._proc else None
                reason = f"exited during start (exit code {code})"
                break
            if self.healthy():
                return
            if time.monotonic() >= deadline:
                reason = f"was not healthy after {timeout:.0f} s"
                break
            time.sleep(0.5)
        self.stop(timeout=10)
        raise NodeError(f"{self.product} {self.spec.version} on {self.url} {reason}\n{self.log_tail()}")

    def _signal_group(self, sig: signal.Signals) -> None:
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._pid, sig)


def health(url: str, timeout: float = 5.0) -> dict[str, Any] | None:
    """The cluster's health once it is at least yellow, else None (no `GET /` on these zips)."""
    try:
        with _OPENER.open(f"{url.rstrip('/')}/_cluster/health?wait_for_status=yellow&timeout=1s",
                          timeout=timeout) as response:
            answer = json.load(response)
    except (OSError, ValueError):  # refused, timed out, 408/503, or not JSON
        return None
    return answer if answer.get("status") in ("yellow", "green") else None


def product_at(url: str, timeout: float = 5.0) -> str | None:
    """Which product answers at `url`: Elasticsearch marks every answer with a header."""
    try:
        with _OPENER.open(f"{url.rstrip('/')}/_cluster/health", timeout=timeout) as response:
            marked = response.headers.get("X-elastic-product") == "Elasticsearch"
    except OSError:
        return None
    return "elasticsearch" if marked else "opensearch"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the node binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def node_user() -> tuple[int, int] | None:
    """None when not root; as root the uid and gid of `vigil-node`, created on first use."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(NODE_USER)
    except KeyError:
        done = subprocess.run(
            [shutil.which("useradd") or "/usr/sbin/useradd", "--system", "--no-create-home",
             "--shell", "/usr/sbin/nologin", NODE_USER],
            capture_output=True, text=True, check=False,
        )
        if done.returncode not in (0, 9):  # 9: created meanwhile by another process
            raise NodeError(f"could not create the user {NODE_USER}: {done.stderr.strip()}") from None
        entry = pwd.getpwnam(NODE_USER)
    return entry.pw_uid, entry.pw_gid


def _check_reachable(workdir: Path, ids: tuple[int, int]) -> None:
    for parent in workdir.parents:
        st = parent.stat()
        if st.st_uid == ids[0] or st.st_mode & 0o001 or (st.st_gid == ids[1] and st.st_mode & 0o010):
            continue
        raise NodeError(f"the node runs as {NODE_USER}, who cannot reach {workdir}: {parent} has "
                        f"mode {oct(st.st_mode & 0o777)}; use a work dir under /tmp or /var/tmp")


def _absolute_jvm_paths(options: Path, workdir: Path) -> None:
    """OpenSearch's start script runs the JVM in its home, so `logs/gc.log` and `HeapDumpPath=data`
    would be written into the (read-only) distribution: point them at the work dir."""
    text = options.read_text()
    for relative, absolute in (("file=logs/", f"file={workdir}/logs/"),
                               ("ErrorFile=logs/", f"ErrorFile={workdir}/logs/"),
                               ("HeapDumpPath=data", f"HeapDumpPath={workdir}/data")):
        text = text.replace(relative, absolute)
    options.write_text(text)


def _chown_tree(root: Path, ids: tuple[int, int]) -> None:
    for folder, dirs, files in os.walk(root):
        for name in [".", *dirs, *files]:
            path = os.path.join(folder, name)
            if os.lstat(path).st_uid != ids[0]:
                os.lchown(path, *ids)


def _group(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group. PID 1 of a container may never reap
    orphans, so `kill(pid, 0)` alone would see a dead node as running."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        state, _ppid, group = stat[stat.rindex(")") + 2:].split()[:3]
        if int(group) == pgid and state not in "ZX":
            members.append(int(entry.name))
    return members


def _stop_group(pgid: int, timeout: float, proc: subprocess.Popen[bytes] | None) -> None:
    def alive() -> bool:
        if proc is not None:
            proc.poll()
        return bool(_group(pgid))

    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        if not alive():
            return
        if sig == signal.SIGTERM and timeout <= 0:
            continue
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while alive() and time.monotonic() < deadline:
            time.sleep(0.2)
    if alive():
        raise NodeError(f"the node's process group {pgid} survived SIGKILL")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _read_end(path: Path, size: int = 65536) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - size))
            return handle.read().decode(errors="replace")
    except OSError:
        return ""
