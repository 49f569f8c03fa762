"""Real single Elasticsearch and OpenSearch nodes for tests and development.

The integ-test zips from Maven Central are minimal distributions (see docs: no analysis-common,
no scripts, no `GET /`), so what passes on them runs on a fuller production cluster too.
`DevNode("elasticsearch", workdir).start()` fetches, unpacks and starts one; `vigil es dev`
runs one in the background.
"""

from __future__ import annotations

from vigil.devnodes.dist import PRODUCTS, NodeError, cache_dir, distribution, missing_tools
from vigil.devnodes.node import NODE_USER, DevNode, free_port, health, port_free, product_at

__all__ = [
    "NODE_USER",
    "PRODUCTS",
    "DevNode",
    "NodeError",
    "cache_dir",
    "distribution",
    "free_port",
    "health",
    "missing_tools",
    "port_free",
    "product_at",
]
