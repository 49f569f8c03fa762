"""The web app and its REST API (issue 15)."""
