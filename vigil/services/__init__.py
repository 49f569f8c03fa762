"""Plain functions every front end calls: the CLI now, the web app and API later.

Each takes the settings object and plain values, and returns records or plain dicts in a
documented shape (docs/services.md); none prints, exits or names an index backend.
Errors: `UsageError` (bad input: the caller's exit code 2), `NotFound`, and the index's
`StoreError`.
"""
