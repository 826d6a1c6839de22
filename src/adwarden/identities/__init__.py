"""Who is calling: API keys stored hashed (with roles, expiry, revocation) and fingerprints of secrets."""
