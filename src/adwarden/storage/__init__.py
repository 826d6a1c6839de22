"""Storage edge: SQL (SQLAlchemy 2 Core) and blobs. Repositories return domain objects."""
