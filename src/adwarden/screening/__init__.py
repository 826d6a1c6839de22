"""Screening service: store posts, screen them, record verdicts and cases, in one audited transaction."""
