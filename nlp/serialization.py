"""Docs that travel between processes (`nlp.pipe(..., n_process=N)`) at the speed they should.

spaCy sends each Doc to a worker and back as bytes (`Doc.to_bytes`: a dozen msgpack blobs).
srsly looks up its msgpack encoders and decoders on every pack and unpack: it walks the
installed packages' entry points and copies catalogue's whole function registry each time —
about 4 ms per Doc here, four times the cost of extracting it, so two processes ran five
times *slower* than one (bench/extract.py). The encoders and decoders are registered once, at
import; `install()` memoises the two look-ups.
"""

from __future__ import annotations

from functools import cache

import srsly.msgpack


def install() -> None:
    """Memoise srsly's msgpack encoder and decoder look-ups (idempotent)."""
    for registry in (srsly.msgpack.msgpack_encoders, srsly.msgpack.msgpack_decoders):
        if not getattr(registry, "_vigil_cached", False):
            registry.get_all = cache(registry.get_all)  # type: ignore[method-assign]
            registry._vigil_cached = True  # type: ignore[attr-defined]
