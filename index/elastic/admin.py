"""Setting up and looking after the cluster's indices: templates, versioned indices behind
aliases, migration by scan + bulk with an atomic alias swap (the minimal nodes have no
`_reindex`), and status."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from index.elastic.client import ClusterConfig, classify
from index.elastic.documents import upgrade_listing_source
from index.elastic.mapping import MAPPINGS, alias, template, versioned

logger = logging.getLogger(__name__)


def _template_name(prefix: str, name: str) -> str:
    return f"{prefix}-{name}"


def ensure_indices(client: Any, config: ClusterConfig) -> list[str]:
    """Install the templates and create any missing index (with its alias). Idempotent and
    safe to race: a concurrent creator's index is accepted. Returns the indices created."""
    created = []
    prefix = config.index_prefix
    for name, (version, _) in MAPPINGS.items():
        client.indices.put_index_template(
            name=_template_name(prefix, name), body=template(prefix, name, config.replicas)
        )
        if client.indices.exists_alias(name=alias(prefix, name)):
            continue
        target = versioned(prefix, name, version)
        try:
            client.indices.create(index=target, body={"aliases": {alias(prefix, name): {}}})
            created.append(target)
        except Exception as exc:
            if "resource_already_exists" not in str(exc):
                raise
    return created


def current_index(client: Any, prefix: str, name: str) -> str | None:
    try:
        found = client.indices.get_alias(name=alias(prefix, name))
    except Exception as exc:
        if classify(exc) == "not_found":
            return None
        raise
    return max(found, key=version_of) if found else None


def version_of(index: str) -> int:
    return int(index.rsplit("-v", 1)[1])


def status(client: Any, config: ClusterConfig) -> dict[str, Any]:
    """Health, and per kind of record: index, mapping version (and whether the code wants a
    newer one), document count."""
    health = client.cluster.health()
    indices = {}
    for name, (version, _) in MAPPINGS.items():
        index = current_index(client, config.index_prefix, name)
        count = None
        if index is not None:
            count = int(client.count(index=index)["count"])
        indices[name] = {
            "alias": alias(config.index_prefix, name),
            "index": index,
            "version": version_of(index) if index else None,
            "wanted_version": version,
            "documents": count,
        }
    return {
        "product": config.product,
        "cluster": health.get("cluster_name"),
        "health": health.get("status"),
        "indices": indices,
    }


def scan(client: Any, index: str, page: int = 1000, keep_alive: str = "5m") -> Iterator[dict[str, Any]]:
    """Every document of an index as a hit (`_id`, `_source`), from one consistent snapshot.

    A scroll, because both products support it alike (point-in-time has two APIs) and sorting
    by `_id` is refused by Elasticsearch 8."""
    found = client.search(
        index=index, body={"query": {"match_all": {}}, "sort": ["_doc"], "size": page}, scroll=keep_alive
    )
    scroll_id = found.get("_scroll_id")
    try:
        while hits := found["hits"]["hits"]:
            yield from hits
            found = client.scroll(scroll_id=scroll_id, scroll=keep_alive)
            scroll_id = found.get("_scroll_id", scroll_id)
    finally:
        if scroll_id:
            client.clear_scroll(scroll_id=scroll_id)


def migrate(
    client: Any,
    config: ClusterConfig,
    send: Callable[[list[dict[str, Any]]], None],
    *,
    force: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> list[tuple[str, str, str]]:
    """Move every kind of record whose index is older than the code's mapping (or all, with
    `force`) to a new versioned index: create it from the template, copy by scan + bulk,
    then swap the alias in one atomic request. Searches see the old index until the swap;
    the old index is kept (delete it once checked). Returns (name, old, new) per move.

    Writes made to the old index while copying would be missed, so migrate between crawls."""
    moved = []
    prefix = config.index_prefix
    ensure_indices(client, config)
    for name, (version, _) in MAPPINGS.items():
        old = current_index(client, prefix, name)
        if old is None:
            continue
        if version_of(old) >= version and not force:
            continue
        new = versioned(prefix, name, max(version, version_of(old) + 1))
        client.indices.create(index=new)
        batch: list[dict[str, Any]] = []
        copied = 0
        for hit in scan(client, old):
            source = upgrade_listing_source(hit["_source"]) if name == "listings" else hit["_source"]
            batch.append({"_op_type": "index", "_index": new, "_id": hit["_id"], "_source": source})
            if len(batch) >= 1000:
                send(batch)
                copied += len(batch)
                batch = []
                if progress:
                    progress(name, copied)
        send(batch)
        copied += len(batch)
        client.indices.refresh(index=new)
        if int(client.count(index=new)["count"]) != int(client.count(index=old)["count"]):
            raise RuntimeError(f"copy of {old} to {new} is incomplete: the alias was not moved")
        client.indices.update_aliases(
            body={
                "actions": [
                    {"remove": {"index": old, "alias": alias(prefix, name)}},
                    {"add": {"index": new, "alias": alias(prefix, name)}},
                ]
            }
        )
        logger.info("%s: %s -> %s (%d documents)", name, old, new, copied)
        moved.append((name, old, new))
    return moved
