"""The investigator and compliance web app (issue 15): server-rendered pages over
`vigil/services/`, with A's REST API mounted at /api/v1. `create_app(settings)` builds it."""
