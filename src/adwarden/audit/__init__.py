"""Append-only, hash-chained audit log and its verification."""
