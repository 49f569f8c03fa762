"""The one place that knows which client talks to the cluster.

Elasticsearch and OpenSearch speak the same REST dialect for everything Vigil uses, but the
Elasticsearch client refuses other products, so each gets its official client. Both accept
the same keyword calls (`index=`, `id=`, `body=`, query parameters as keywords); only their
exception types differ, and `classify` maps those to what the backend acts on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Product = Literal["elasticsearch", "opensearch"]
PRODUCTS: tuple[str, ...] = ("elasticsearch", "opensearch")


@dataclass(frozen=True)
class ClusterConfig:
    """How to reach a cluster. Secrets (api_key, password) are never part of `repr`."""

    product: Product = "elasticsearch"
    hosts: tuple[str, ...] = ("http://127.0.0.1:9200",)
    index_prefix: str = "vigil"
    username: str = ""
    password: str = field(default="", repr=False)
    api_key: str = field(default="", repr=False)
    ca_certs: str = ""
    verify_certs: bool = True
    timeout: float = 30.0
    replicas: int = 0


def connect(config: ClusterConfig) -> Any:
    """A client for the configured product; no request is made yet."""
    options: dict[str, Any] = {"request_timeout": config.timeout}
    if config.ca_certs:
        options["ca_certs"] = config.ca_certs
    if not config.verify_certs:
        options["verify_certs"] = False
    if config.product == "elasticsearch":
        from elasticsearch import Elasticsearch

        if config.api_key:
            options["api_key"] = config.api_key
        elif config.username:
            options["basic_auth"] = (config.username, config.password)
        return Elasticsearch(list(config.hosts), max_retries=0, **options)
    if config.product == "opensearch":
        from opensearchpy import OpenSearch

        options["timeout"] = options.pop("request_timeout")
        if config.api_key:
            options["headers"] = {"Authorization": f"ApiKey {config.api_key}"}
        elif config.username:
            options["http_auth"] = (config.username, config.password)
        return OpenSearch(list(config.hosts), max_retries=0, **options)
    raise ValueError(f"unknown cluster product {config.product!r}; expected one of {PRODUCTS}")


ErrorKind = Literal["unavailable", "conflict", "not_found", "rejected", "bad_request", "other"]


def status_of(exc: BaseException) -> int | None:
    """The HTTP status of a client error, whichever client raised it."""
    meta = getattr(exc, "meta", None)
    status = getattr(meta, "status", None)
    if isinstance(status, int):
        return status
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def classify(exc: BaseException) -> ErrorKind:
    """What a client error means for a write: retry later (`unavailable`, `rejected`), an
    expected outcome (`conflict`, `not_found`), or a bug in what was sent."""
    from elastic_transport import ConnectionError as EsConnectionError
    from elastic_transport import ConnectionTimeout as EsTimeout
    from opensearchpy import ConnectionError as OsConnectionError

    if isinstance(exc, EsConnectionError | EsTimeout | OsConnectionError | ConnectionError | TimeoutError):
        return "unavailable"
    status = status_of(exc)
    if status == 409:
        return "conflict"
    if status == 404:
        return "not_found"
    if status in (429, 502, 503, 504) or (status is None and "N/A" in str(exc)):
        return "rejected"
    if status is not None and 400 <= status < 500:
        return "bad_request"
    return "other"


def healthy(client: Any, timeout: float = 2.0) -> bool:
    """Whether the cluster answers its health check within `timeout` seconds (the minimal
    nodes have no `GET /`, so no `ping`)."""
    try:
        if hasattr(client, "options"):  # elasticsearch
            client.options(request_timeout=timeout).cluster.health()
        else:
            client.cluster.health(request_timeout=timeout)
    except Exception:
        return False
    return True
