"""The index: the `Store` protocol, its backends, the query model and the evidence vault.

`open_store(settings)` is the only way in; no caller names a backend class.
"""

from index.factory import open_store, open_vault

__all__ = ["open_store", "open_vault"]
