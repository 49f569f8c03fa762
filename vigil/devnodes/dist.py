"""The node distributions: fetched once with Maven, unpacked once, linked into each work dir.

The cache lives outside the repository (`~/.cache/vigil/nodes`, env `VIGIL_NODE_CACHE`). Every
step leaves either nothing or a whole result: Maven writes into a temp dir and the zip is
renamed into place; the zip is unpacked into a temp dir and the tree renamed into place; a
lock file serialises concurrent first uses.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class NodeError(RuntimeError):
    """A node could not be fetched, started or stopped; the message says why and what to do."""


@dataclass(frozen=True)
class Product:
    """One search engine's integ-test zip and how its start script is configured."""

    name: str
    version: str
    group: str
    env_prefix: str  # ES_JAVA_HOME, ES_PATH_CONF, … or OPENSEARCH_…
    settings: tuple[tuple[str, str], ...] = ()

    @property
    def artifact(self) -> str:
        return f"{self.group}:{self.name}:{self.version}:zip"

    @property
    def dist(self) -> str:
        """The zip's top folder, also the unpacked tree's name in the cache."""
        return f"{self.name}-{self.version}"


PRODUCTS: dict[str, Product] = {
    "elasticsearch": Product(
        "elasticsearch", "8.19.7", "org.elasticsearch.distribution.integ-test-zip", "ES",
        # The zip carries x-pack-security, which would otherwise want TLS and passwords.
        (("xpack.security.enabled", "false"),),
    ),
    # No security plugin in this zip, and OpenSearch rejects unknown (xpack.*) settings.
    "opensearch": Product("opensearch", "2.19.1", "org.opensearch.distribution.integ-test-zip", "OPENSEARCH"),
}


def product(name: str) -> Product:
    try:
        return PRODUCTS[name]
    except KeyError:
        raise NodeError(f"unknown product {name!r}; one of {', '.join(PRODUCTS)}") from None


def cache_dir() -> Path:
    return Path(os.environ.get("VIGIL_NODE_CACHE") or Path.home() / ".cache" / "vigil" / "nodes")


def java_home() -> Path:
    """The Java on PATH, resolved through Debian's alternatives links."""
    java = shutil.which("java")
    if java is None:
        raise NodeError("no `java` on PATH: install Java 17 (apt-get install openjdk-17-jre-headless)")
    return Path(os.path.realpath(java)).parents[1]


def missing_tools(name: str, cache: Path | None = None) -> list[str]:
    """What must be installed before a node of this product can start here (empty: nothing)."""
    missing = []
    if shutil.which("java") is None:
        missing.append("Java 17 (apt-get install openjdk-17-jre-headless)")
    spec, cache = product(name), cache or cache_dir()
    cached = (cache / spec.dist).is_dir() or (cache / f"{spec.dist}.zip").is_file()
    if not cached and shutil.which("mvn") is None:
        missing.append(f"Maven to fetch {spec.artifact} (apt-get install maven)")
    return missing


def distribution(name: str, cache: Path | None = None) -> Path:
    """The unpacked distribution in the cache, fetched and unpacked on first use."""
    spec, cache = product(name), cache or cache_dir()
    home = cache / spec.dist
    if home.is_dir():
        return home
    cache.mkdir(parents=True, exist_ok=True)
    with _locked(cache / ".lock"):
        if home.is_dir():  # another process won the race
            return home
        archive = cache / f"{spec.dist}.zip"
        if not archive.is_file():
            _fetch(spec, archive)
        _unpack(archive, spec.dist, home)
    return home


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fetch(spec: Product, archive: Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise NodeError(f"Maven is needed to fetch {spec.artifact} once (apt-get install maven), "
                        f"or put {archive.name} into {archive.parent}")
    with tempfile.TemporaryDirectory(dir=archive.parent, prefix=".fetch-") as tmp:
        # cwd=tmp: a pom.xml in the caller's folder must not turn this into a project build.
        done = subprocess.run(
            [mvn, "-q", "-B", "dependency:copy", f"-Dartifact={spec.artifact}", f"-DoutputDirectory={tmp}"],
            cwd=tmp, capture_output=True, text=True, timeout=1800, check=False,
        )
        fetched = Path(tmp) / archive.name
        if done.returncode != 0 or not fetched.is_file():
            raise NodeError(f"mvn could not fetch {spec.artifact} (exit {done.returncode}):\n"
                            + tail_text(done.stdout + done.stderr, 20))
        os.replace(fetched, archive)


def _unpack(archive: Path, top: str, home: Path) -> None:
    """Unzip with the zip's modes, read-only (the trees are hard-linked into work dirs)."""
    with tempfile.TemporaryDirectory(dir=home.parent, prefix=".unpack-") as tmp:
        try:
            with zipfile.ZipFile(archive) as zipped:
                for info in zipped.infolist():
                    path = Path(zipped.extract(info, tmp))
                    if not info.is_dir():
                        mode = (info.external_attr >> 16) & 0o777 or 0o644
                        path.chmod((mode | 0o444) & ~0o222)
        except zipfile.BadZipFile as exc:
            raise NodeError(f"{archive} is not a whole zip ({exc}): delete it to fetch it again") from exc
        tree = Path(tmp) / top
        if not (tree / "bin").is_dir():
            raise NodeError(f"{archive} has no {top}/bin folder: is it the integ-test zip?")
        for folder, _dirs, _files in os.walk(tree):
            Path(folder).chmod(0o755)
        tree.rename(home)


def link_tree(source: Path, target: Path) -> None:
    """A hard-linked copy (a real copy across file systems), renamed into place when whole.

    The node user may not be able to reach the cache (it is under root's home by default).
    """
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(source, partial, copy_function=_link_or_copy, symlinks=True)
    partial.rename(target)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def tail_text(text: str, lines: int) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])
