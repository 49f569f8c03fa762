"""Writes `vigil-saved-objects.ndjson`: Kibana data views on Vigil's indices and a first
dashboard (listings per substance per day, median price per gram per substance and week).

    .venv/bin/python docs/kibana/build.py [--prefix vigil]

The panels are Vega-Lite visualizations (plain aggregations, no scripts), so they import into
Kibana 8 (and OpenSearch Dashboards 2 with the Vega plug-in) without migration of Lens state.
`tests/test_kibana.py` checks every field they use against Vigil's mapping.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

#: Data view id -> (index name without the prefix, time field, title).
DATA_VIEWS = {
    "listings": ("listings", "last_seen", "Vigil listings (current state)"),
    "observations": ("observations", "@timestamp", "Vigil observations (changes)"),
    "sightings": ("sightings", "@timestamp", "Vigil sightings (every listing, every run)"),
}


def data_view(prefix: str, view: str) -> dict[str, Any]:
    index, time_field, name = DATA_VIEWS[view]
    return {
        "id": f"{prefix}-{view}",
        "type": "index-pattern",
        "attributes": {"title": f"{prefix}-{index}", "name": name, "timeFieldName": time_field},
        "references": [],
    }


def listings_per_substance(prefix: str) -> dict[str, Any]:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Listings seen per substance per day (top 8)",
        "data": {
            "url": {
                "index": f"{prefix}-sightings",
                "%context%": True,
                "%timefield%": "@timestamp",
                "body": {
                    "size": 0,
                    "aggs": {
                        "days": {
                            "date_histogram": {"field": "@timestamp", "calendar_interval": "day"},
                            "aggs": {
                                "substance": {
                                    "terms": {"field": "substances", "size": 8},
                                    "aggs": {"listings": {"cardinality": {"field": "key"}}},
                                }
                            },
                        }
                    },
                },
            },
            "format": {"property": "aggregations.days.buckets"},
        },
        "transform": [
            {"flatten": ["substance.buckets"], "as": ["s"]},
            {"calculate": "datum.s.key", "as": "substance"},
            {"calculate": "datum.s.listings.value", "as": "listings"},
        ],
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "key", "type": "temporal", "title": "day"},
            "y": {"field": "listings", "type": "quantitative", "title": "listings"},
            "color": {"field": "substance", "type": "nominal"},
        },
    }


def price_per_gram(prefix: str) -> dict[str, Any]:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Median price per gram (EUR) per substance per week",
        "data": {
            "url": {
                "index": f"{prefix}-sightings",
                "%context%": True,
                "%timefield%": "@timestamp",
                "body": {
                    "size": 0,
                    "aggs": {
                        "weeks": {
                            "date_histogram": {"field": "@timestamp", "calendar_interval": "week"},
                            "aggs": {
                                "substance": {
                                    "terms": {"field": "substances", "size": 8},
                                    "aggs": {
                                        "median": {
                                            "percentiles": {"field": "price_per_gram_eur", "percents": [50]}
                                        }
                                    },
                                }
                            },
                        }
                    },
                },
            },
            "format": {"property": "aggregations.weeks.buckets"},
        },
        "transform": [
            {"flatten": ["substance.buckets"], "as": ["s"]},
            {"calculate": "datum.s.key", "as": "substance"},
            {"calculate": "datum.s.median.values['50.0']", "as": "eur_per_gram"},
            {"filter": "isValid(datum.eur_per_gram)"},
        ],
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "key", "type": "temporal", "title": "week"},
            "y": {"field": "eur_per_gram", "type": "quantitative", "title": "EUR per gram (median)"},
            "color": {"field": "substance", "type": "nominal"},
        },
    }


def vega(object_id: str, title: str, spec: dict[str, Any]) -> dict[str, Any]:
    state = {"title": title, "type": "vega", "aggs": [], "params": {"spec": json.dumps(spec, indent=2)}}
    search = {"query": {"query": "", "language": "kuery"}, "filter": []}
    return {
        "id": object_id,
        "type": "visualization",
        "attributes": {
            "title": title,
            "visState": json.dumps(state),
            "uiStateJSON": "{}",
            "description": "",
            "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(search)},
        },
        "references": [],
    }


def dashboard(prefix: str, panels: list[str]) -> dict[str, Any]:
    grid = [
        {
            "version": "8.19.0",
            "type": "visualization",
            "gridData": {"x": 0, "y": 15 * i, "w": 48, "h": 15, "i": str(i)},
            "panelIndex": str(i),
            "embeddableConfig": {},
            "panelRefName": f"panel_{i}",
        }
        for i in range(len(panels))
    ]
    return {
        "id": f"{prefix}-overview",
        "type": "dashboard",
        "attributes": {
            "title": "Vigil: substances over time and price per gram",
            "description": "From Vigil's sightings index: every listing seen by every crawl run.",
            "panelsJSON": json.dumps(grid),
            "optionsJSON": json.dumps({"useMargins": True, "hidePanelTitles": False}),
            "timeRestore": True,
            "timeFrom": "now-90d",
            "timeTo": "now",
            "kibanaSavedObjectMeta": {
                "searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"}, "filter": []})
            },
        },
        "references": [
            {"name": f"panel_{i}", "type": "visualization", "id": panel} for i, panel in enumerate(panels)
        ],
    }


def saved_objects(prefix: str = "vigil") -> list[dict[str, Any]]:
    panels = [
        vega(
            f"{prefix}-listings-per-substance",
            "Listings per substance per day",
            listings_per_substance(prefix),
        ),
        vega(f"{prefix}-price-per-gram", "Median price per gram per substance", price_per_gram(prefix)),
    ]
    views = [data_view(prefix, view) for view in DATA_VIEWS]
    return [*views, *panels, dashboard(prefix, [p["id"] for p in panels])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default="vigil", help="VIGIL_ES_INDEX_PREFIX of the indices")
    parser.add_argument("--out", type=Path, default=HERE / "vigil-saved-objects.ndjson")
    args = parser.parse_args()
    args.out.write_text("".join(json.dumps(o, sort_keys=True) + "\n" for o in saved_objects(args.prefix)))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
