"""The read side of the cluster store: lookups, counts, search, facets and trends. Every
client error leaves as `StoreError` (`ClusterUnavailable` when the cluster cannot be reached)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from index.elastic import documents as docs
from index.elastic import trends
from index.elastic.client import ClusterConfig, classify
from index.elastic.mapping import alias
from index.elastic.search import facet_aggs, listing_query, listing_sort
from index.elastic.writer import ClusterUnavailable
from index.errors import StoreError
from index.evidence import check_sha256
from index.query import (
    FACETS,
    Facets,
    ListingHit,
    ListingQuery,
    PricePoint,
    SearchResult,
    SubstancePoint,
    TrendQuery,
    decode_cursor,
    encode_cursor,
)
from index.records import (
    CrawlRun,
    Evidence,
    EvidenceLink,
    Feedback,
    Listing,
    MarketLocked,
    Observation,
    Vendor,
)

_PAGE = 1000


class ClusterReads:
    config: ClusterConfig
    client: Any

    @property
    def _where(self) -> str:
        return f"{self.config.product} at {', '.join(self.config.hosts)}"

    def _index(self, name: str) -> str:
        return alias(self.config.index_prefix, name)

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """A read or a synchronous write; client errors leave as `StoreError`."""
        try:
            return fn(*args, **kwargs)
        except (StoreError, MarketLocked):
            raise
        except Exception as exc:
            if classify(exc) == "unavailable":
                raise ClusterUnavailable(f"{what}: {self._where} is unreachable") from exc
            raise StoreError(f"{what} on {self._where} failed: {exc}") from exc

    def _get(self, name: str, doc_id: str) -> dict[str, Any] | None:
        try:
            found = self.client.get(index=self._index(name), id=doc_id)
        except Exception as exc:
            if classify(exc) == "not_found":
                return None
            if classify(exc) == "unavailable":
                raise ClusterUnavailable(f"read {name}: {self._where} is unreachable") from exc
            raise StoreError(f"read {name}/{doc_id} on {self._where} failed: {exc}") from exc
        return dict(found["_source"])

    def _search(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call(f"search {name}", self.client.search, index=self._index(name), body=body)

    def _scan(self, name: str, query: dict[str, Any], sort: list[Any]) -> Iterator[dict[str, Any]]:
        """Every matching document, paged with `search_after` (no scroll state to leak)."""
        after = None
        while True:
            body: dict[str, Any] = {"query": query, "sort": sort, "size": _PAGE}
            if after is not None:
                body["search_after"] = after
            hits = self._search(name, body)["hits"]["hits"]
            for hit in hits:
                yield hit["_source"]
            if len(hits) < _PAGE:
                return
            after = hits[-1]["sort"]

    def runs(self, market: str | None = None, limit: int = 20) -> list[CrawlRun]:
        query = {"term": {"market": market}} if market else {"match_all": {}}
        hits = self._search("runs", {"query": query, "sort": [{"id": "desc"}], "size": limit})["hits"]["hits"]
        return [docs.run_of(h["_source"]) for h in hits]

    def get_run(self, run_id: int) -> CrawlRun | None:
        source = self._get("runs", str(run_id))
        return None if source is None else docs.run_of(source)

    def markets(self) -> list[str]:
        found: set[str] = set()
        for name in ("listings", "runs"):
            body = {"size": 0, "aggs": {"m": {"terms": {"field": "market", "size": 10000}}}}
            found.update(b["key"] for b in self._search(name, body)["aggregations"]["m"]["buckets"])
        return sorted(found)

    def observations(self, market: str, listing_id: str) -> list[Observation]:
        query = {"bool": {"filter": [{"term": {"market": market}}, {"term": {"listing_id": listing_id}}]}}
        return [docs.observation_of(s) for s in self._scan("observations", query, [{"run_id": "asc"}])]

    def _count(self, name: str, filters: list[dict[str, Any]]) -> int:
        body = {"query": {"bool": {"filter": filters}}}
        return int(
            self._call(f"count {name}", self.client.count, index=self._index(name), body=body)["count"]
        )

    def count_listings(self, market: str | None = None, status: str | None = None) -> int:
        filters = [{"term": {"market": market}}] if market else []
        if status:
            filters.append({"term": {"status": status}})
        return self._count("listings", filters)

    def count_observations(self, market: str | None = None) -> int:
        return self._count("observations", [{"term": {"market": market}}] if market else [])

    def listings_of_vendor(self, market: str, alias_: str, limit: int = 100) -> list[Listing]:
        body = {
            "query": {
                "bool": {"filter": [{"term": {"market": market}}, {"term": {"vendor.lower": alias_.lower()}}]}
            },
            "sort": [{"last_seen": "desc"}, {"market": "asc"}, {"listing_id": "asc"}],
            "size": limit,
        }
        return [docs.listing_of(h["_source"]) for h in self._search("listings", body)["hits"]["hits"]]

    def get_vendor(self, market: str, alias_: str) -> Vendor | None:
        source = self._get("vendors", docs.doc_id(market, alias_))
        return None if source is None else docs.vendor_of(source)

    def vendors(self, market: str | None = None) -> list[Vendor]:
        query = {"term": {"market": market}} if market else {"match_all": {}}
        return [
            docs.vendor_of(s) for s in self._scan("vendors", query, [{"market": "asc"}, {"alias": "asc"}])
        ]

    def vendors_named(self, alias_: str) -> list[Vendor]:
        query = {"term": {"alias.lower": alias_.lower()}}
        return [
            docs.vendor_of(s) for s in self._scan("vendors", query, [{"market": "asc"}, {"alias": "asc"}])
        ]

    def _feedback_filters(
        self, market: str | None, listing_id: str | None, vendor: str | None
    ) -> list[dict[str, Any]]:
        filters: list[dict[str, Any]] = []
        if market is not None:
            filters.append({"term": {"market": market}})
        if listing_id is not None:
            filters.append({"term": {"listing_id": listing_id}})
        if vendor is not None:
            filters.append({"term": {"vendor.lower": vendor.lower()}})
        return filters

    def feedback(
        self, market: str, *, listing_id: str | None = None, vendor: str | None = None, limit: int = 100
    ) -> list[Feedback]:
        query = {"bool": {"filter": self._feedback_filters(market, listing_id, vendor)}}
        sort = [{"date": {"order": "desc", "missing": "_last"}}, {"key": "asc"}]
        return [docs.feedback_of(s) for s in islice(self._scan("feedback", query, sort), limit)]

    def count_feedback(
        self, market: str | None = None, *, listing_id: str | None = None, vendor: str | None = None
    ) -> int:
        return self._count("feedback", self._feedback_filters(market, listing_id, vendor))

    def get_evidence(self, sha256: str) -> Evidence | None:
        source = self._get("evidence", check_sha256(sha256))
        return None if source is None else docs.evidence_of(source)

    def iter_evidence(self) -> Iterator[Evidence]:
        for source in self._scan("evidence", {"match_all": {}}, [{"sha256": "asc"}]):
            yield docs.evidence_of(source)

    def evidence_links(self, sha256: str) -> list[EvidenceLink]:
        query = {"term": {"sha256": check_sha256(sha256)}}
        sort = [{"record": "asc"}, {"market": "asc"}, {"key": "asc"}, {"role": "asc"}]
        return [docs.link_of(s) for s in self._scan("links", query, sort)]

    def links_of(self, record: str, market: str, key: str) -> list[EvidenceLink]:
        query = {
            "bool": {
                "filter": [{"term": {"record": record}}, {"term": {"market": market}}, {"term": {"key": key}}]
            }
        }
        return [docs.link_of(s) for s in self._scan("links", query, [{"role": "asc"}, {"sha256": "asc"}])]

    def search(self, query: ListingQuery) -> SearchResult:
        sort = listing_sort(query)
        body: dict[str, Any] = {
            "query": listing_query(query),
            "sort": sort,
            "size": query.limit + 1,  # one more says whether a next page exists
            "track_total_hits": True,
        }
        if query.after:
            body["search_after"] = decode_cursor(query.after, len(sort))
        else:
            body["from"] = query.offset
        found = self._search("listings", body)["hits"]
        page = found["hits"][: query.limit]
        hits = [ListingHit(docs.listing_of(h["_source"]), float(h.get("_score") or 0.0)) for h in page]
        more = len(found["hits"]) > query.limit
        return SearchResult(
            total=int(found["total"]["value"]),
            hits=hits,
            next_after=encode_cursor(page[-1]["sort"]) if more and page else None,
        )

    def substance_trend(self, query: TrendQuery) -> list[SubstancePoint]:
        answer = self._search("sightings", trends.substance_trend_body(query))["aggregations"]
        return trends.substance_points(query, answer)

    def price_per_gram(self, query: TrendQuery) -> list[PricePoint]:
        answer = self._search("sightings", trends.price_body(query))["aggregations"]
        return trends.price_points(query, answer)

    def facets(self, query: ListingQuery, fields: tuple[str, ...] = FACETS, size: int = 10) -> Facets:
        aggs = facet_aggs(fields, size)
        body = {"query": listing_query(query), "size": 0, "aggs": aggs}
        found = self._search("listings", body)["aggregations"]
        return {
            name: [(str(b["key"]), int(b["doc_count"])) for b in found[name]["buckets"]] for name in fields
        }
