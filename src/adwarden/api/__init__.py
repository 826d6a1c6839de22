"""HTTP API (FastAPI): app factory, routes, problem responses."""
