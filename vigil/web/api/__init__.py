"""The REST API of the web app: `build_api(settings)`, mounted at /api/v1 (docs/api.md)."""

from vigil.web.api.app import build_api

__all__ = ["build_api"]
