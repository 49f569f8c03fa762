"""Real Elasticsearch and OpenSearch nodes (vigil.devnodes, `vigil es dev`, the fixtures).

The session's nodes are shared; the `vigil es dev` test starts the only extra node.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import need, run_vigil

from vigil.devnodes import DevNode, NodeError, distribution, health, missing_tools, port_free, product_at
from vigil.devnodes.node import _check_reachable

DOCS = [{"title": f"blue pill {n}", "market": "m1" if n % 2 else "m2"} for n in range(6)]
MAPPINGS = {"properties": {"title": {"type": "text"}, "market": {"type": "keyword"}}}


def _buckets(found: dict) -> dict[str, int]:
    return {b["key"]: b["doc_count"] for b in found["aggregations"]["markets"]["buckets"]}


def _need_tools(product: str) -> None:
    need(not missing_tools(product), " and ".join(missing_tools(product)))


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie nobody reaps does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


@pytest.mark.elasticsearch
def test_elasticsearch_node_indexes_and_searches(es_url: str):
    from elasticsearch import Elasticsearch, helpers

    assert health(es_url)["status"] in ("yellow", "green")
    assert product_at(es_url) == "elasticsearch"
    client, index = Elasticsearch(es_url, request_timeout=30), f"t-{uuid.uuid4().hex[:8]}"
    try:
        client.indices.create(index=index, settings={"number_of_replicas": 0}, mappings=MAPPINGS)
        ok, errors = helpers.bulk(client, ({"_index": index, "_id": str(n), **d} for n, d in enumerate(DOCS)),
                                  refresh=True)
        assert (ok, errors) == (6, [])
        found = client.search(index=index, query={"match": {"title": "pill"}},
                              aggs={"markets": {"terms": {"field": "market"}}})
        assert found["hits"]["total"]["value"] == 6
        assert _buckets(found) == {"m1": 3, "m2": 3}
        assert client.count(index=index, query={"term": {"market": "m1"}})["count"] == 3
        assert client.ping() is False  # the minimal zip has no `GET /`: use cluster.health
    finally:
        client.options(ignore_status=404).indices.delete(index=index)
        client.close()


@pytest.mark.elasticsearch
def test_opensearch_node_indexes_and_searches(opensearch_url: str):
    from opensearchpy import OpenSearch, helpers

    assert health(opensearch_url)["status"] in ("yellow", "green")
    assert product_at(opensearch_url) == "opensearch"
    client, index = OpenSearch([opensearch_url], timeout=30), f"t-{uuid.uuid4().hex[:8]}"
    try:
        client.indices.create(index=index, body={"settings": {"number_of_replicas": 0}, "mappings": MAPPINGS})
        ok, errors = helpers.bulk(client, ({"_index": index, "_id": str(n), **d} for n, d in enumerate(DOCS)),
                                  refresh=True)
        assert (ok, errors) == (6, [])
        found = client.search(index=index, body={"query": {"match": {"title": "pill"}},
                                                 "aggs": {"markets": {"terms": {"field": "market"}}}})
        assert found["hits"]["total"]["value"] == 6
        assert _buckets(found) == {"m1": 3, "m2": 3}
        assert client.get(index=index, id="1")["_source"] == DOCS[1]
        assert client.info()["version"]["number"] == "2.19.1"  # unlike Elasticsearch's zip, `GET /` works
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)
        client.close()


@pytest.mark.elasticsearch
def test_a_restarted_node_keeps_its_data_port_and_url(restartable_es: DevNode):
    from elasticsearch import Elasticsearch

    node, index = restartable_es, f"r-{uuid.uuid4().hex[:8]}"
    url, pid = node.url, node.pid
    client = Elasticsearch(url, request_timeout=30)
    client.index(index=index, id="1", document={"title": "before the stop"}, refresh=True)
    client.close()
    node.stop()
    try:
        assert not node.running and not _alive(pid)
        assert health(url) is None and port_free(node.port)
    finally:
        node.start()
    assert node.url == url and node.pid != pid
    client = Elasticsearch(url, request_timeout=30)
    try:
        assert client.get(index=index, id="1")["_source"] == {"title": "before the stop"}
    finally:
        client.indices.delete(index=index)
        client.close()


@pytest.mark.elasticsearch
def test_vigil_es_dev_starts_reports_and_stops_a_node(node_dir: Callable[[str], Path]):
    _need_tools("elasticsearch")
    data = node_dir("cli")
    state_file = data / "devnodes" / "elasticsearch.json"
    first = run_vigil("es", "dev", "--data-dir", str(data), timeout=300)
    assert first.returncode == 0, first.stderr
    url = first.stdout.splitlines()[0]
    assert url.startswith("http://127.0.0.1:") and f"export VIGIL_ES_URL={url}" in first.stdout.splitlines()
    state = json.loads(state_file.read_text())
    try:
        assert state["url"] == url and _alive(state["pid"]) and health(url)
        again = run_vigil("es", "dev", "--data-dir", str(data))
        assert again.returncode == 0, again.stderr
        assert again.stdout.splitlines()[0] == url and "already running" in again.stderr
        stopped = run_vigil("es", "dev", "--stop", "--data-dir", str(data))
        assert stopped.returncode == 0, stopped.stderr
        assert not state_file.exists() and not _alive(state["pid"])
        assert health(url) is None and port_free(state["port"])
    finally:  # whatever failed above, leave no node behind
        leftover = DevNode("elasticsearch", state["workdir"], state["port"])
        if leftover.adopt(state["pid"]):
            leftover.stop()


def test_vigil_es_dev_on_a_taken_port_fails_with_exit_1(node_dir: Callable[[str], Path]):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_vigil("es", "dev", "--port", str(port), "--data-dir", str(node_dir("taken")))
    assert done.returncode == 1 and f"port {port}" in done.stderr and not done.stdout


def test_vigil_es_dev_rejects_an_unknown_product():
    done = run_vigil("es", "dev", "--product", "solr")
    assert done.returncode == 2 and "solr" in done.stderr


def test_vigil_es_dev_help_names_its_options():
    done = run_vigil("es", "dev", "--help")
    assert done.returncode == 0
    for word in ("--product", "--port", "--stop", "--data-dir", "VIGIL_ES_URL", "vigil-node"):
        assert word in done.stdout


@pytest.mark.elasticsearch
def test_a_node_that_fails_to_start_is_stopped_and_its_log_quoted(node_dir: Callable[[str], Path]):
    _need_tools("opensearch")
    node = DevNode("opensearch", node_dir("bad"), settings={"no.such.setting": "x"})
    with pytest.raises(NodeError, match=r"(?s)exited during start.*unknown setting \[no\.such\.setting\]"):
        node.start(timeout=60)
    assert not node.running and port_free(node.port)


def test_without_maven_a_fresh_cache_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("VIGIL_NODE_CACHE", str(tmp_path / "cache"))
    assert any("apt-get install maven" in m for m in missing_tools("opensearch"))
    with pytest.raises(NodeError, match="apt-get install maven"):
        distribution("opensearch")
    assert not (tmp_path / "cache" / "opensearch-2.19.1").exists()


def test_a_work_dir_the_node_user_cannot_reach_is_refused(tmp_path: Path):
    # pytest's temp base is 0700: `nobody` cannot pass through it.
    with pytest.raises(NodeError, match="cannot reach"):
        _check_reachable(tmp_path / "node", (65534, 65534))
