"""The Kibana saved objects shipped in docs/kibana: current, on fields the mapping has, and
their aggregations answer on a real node in the shape their Vega transforms read."""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from helpers import ROOT
from stores import cluster_config, drop_indices

from index.elastic.mapping import MAPPINGS
from index.elastic.store import ElasticStore
from index.records import CrawlRun, Listing, Price

SAVED = ROOT / "docs" / "kibana" / "vigil-saved-objects.ndjson"


def build_module():
    spec = importlib.util.spec_from_file_location("kibana_build", ROOT / "docs" / "kibana" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shipped() -> list[dict]:
    return [json.loads(line) for line in SAVED.read_text().splitlines()]


def vega_specs() -> dict[str, dict]:
    return {
        o["id"]: json.loads(json.loads(o["attributes"]["visState"])["params"]["spec"])
        for o in shipped()
        if o["type"] == "visualization"
    }


def fields_in(aggs: dict) -> set[str]:
    found = set()
    for agg in aggs.values():
        for kind, body in agg.items():
            if kind == "aggs":
                found |= fields_in(body)
            elif isinstance(body, dict) and "field" in body:
                found.add(body["field"])
    return found


def test_the_shipped_file_is_what_build_py_writes():
    assert shipped() == json.loads(json.dumps(build_module().saved_objects("vigil"), sort_keys=True))


def test_data_views_and_panels_use_fields_the_mapping_has():
    for view in (o for o in shipped() if o["type"] == "index-pattern"):
        name = view["attributes"]["title"].removeprefix("vigil-")
        assert MAPPINGS[name][1][view["attributes"]["timeFieldName"]]["type"] == "date"
    for spec in vega_specs().values():
        url = spec["data"]["url"]
        properties = MAPPINGS[url["index"].removeprefix("vigil-")][1]
        assert properties[url["%timefield%"]]["type"] == "date"
        assert fields_in(url["body"]["aggs"]) <= set(properties)
    dashboard = next(o for o in shipped() if o["type"] == "dashboard")
    assert {r["id"] for r in dashboard["references"]} == set(vega_specs())


@pytest.mark.elasticsearch
def test_the_panels_aggregations_answer_in_the_shape_their_transforms_read(request, tmp_path):
    config = cluster_config(request, "elasticsearch")
    store = ElasticStore(config, tmp_path / "spool")
    try:
        t0 = datetime(2026, 2, 2, 12, tzinfo=UTC)
        for day in range(3):
            run = store.start_run(CrawlRun(market="m1", started_at=t0 + timedelta(days=day))).id
            for i, (name, grams, eur) in enumerate(
                [("ketamine", 5, 50), ("ketamine", 10, 80), ("mdma", 1, 12)]
            ):
                seen = t0 + timedelta(days=day)
                store.record_listing(
                    Listing(
                        "m1",
                        str(i),
                        f"http://x/{i}",
                        f"{name} {grams}g",
                        price=Price(Decimal(eur), "EUR", Decimal(eur)),
                        extraction={
                            "substances": [{"name": name, "class": "x"}],
                            "price_per_gram_eur": eur / grams,
                        },
                        first_seen=seen,
                        last_seen=seen,
                    ),
                    run,
                )
        store.flush()
        for object_id, spec in vega_specs().items():
            url = spec["data"]["url"]
            body = {**url["body"], "query": {"match_all": {}}}  # Kibana puts its context here
            index = url["index"].replace("vigil-", f"{config.index_prefix}-")
            answer = store.client.search(index=index, body=body)
            buckets = answer
            for part in spec["data"]["format"]["property"].split("."):
                buckets = buckets[part]
            assert len(buckets) == 3 if "substance" in object_id else len(buckets) >= 1
            inner = {b["key"]: b for b in buckets[0]["substance"]["buckets"]}
            assert set(inner) == {"ketamine", "mdma"}
            if "price" in object_id:
                assert inner["ketamine"]["median"]["values"]["50.0"] == pytest.approx(9.0)
            else:
                assert inner["ketamine"]["listings"]["value"] == 2
    finally:
        store.close()
        drop_indices(config)
