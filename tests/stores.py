"""Every index backend under one fixture, so that one suite proves one behaviour."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.elastic.client import ClusterConfig, connect
from index.elastic.store import ElasticStore
from index.sqlite import SqliteStore

BACKENDS = [
    "sqlite",
    pytest.param("elasticsearch", marks=pytest.mark.elasticsearch),
    pytest.param("opensearch", marks=pytest.mark.elasticsearch),
]


def cluster_config(request: pytest.FixtureRequest, product: str, prefix: str | None = None) -> ClusterConfig:
    url = request.getfixturevalue("es_url" if product == "elasticsearch" else "opensearch_url")
    return ClusterConfig(
        product=product,  # type: ignore[arg-type]
        hosts=(url,),
        index_prefix=prefix or f"t{uuid.uuid4().hex[:10]}",
        replicas=0,
        timeout=30,
    )


def drop_indices(config: ClusterConfig) -> None:
    """Delete a test's indices and templates by name (wildcard deletes are refused)."""
    client = connect(config)
    try:
        names = list(client.indices.get(index=f"{config.index_prefix}-*"))
        if names:
            client.indices.delete(index=",".join(names))
        for template in client.indices.get_index_template(name=f"{config.index_prefix}-*")["index_templates"]:
            client.indices.delete_index_template(name=template["name"])
    except Exception as exc:
        if "index_template_missing" not in str(exc) and "404" not in str(exc):
            raise
    finally:
        client.close()


def open_backend(request: pytest.FixtureRequest, backend: str, folder: Path) -> Iterator:
    if backend == "sqlite":
        store = SqliteStore(folder / "index.sqlite3")
        yield store
        store.close()
        return
    config = cluster_config(request, backend)
    store = ElasticStore(config, folder / "spool")
    try:
        yield store
    finally:
        store.close()
        drop_indices(config)
