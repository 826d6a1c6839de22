"""Enforcement actions delivered to the platform: the outbox, webhook signing, the delivery worker, the feed.

A decision writes its action events to the outbox (``action_events``) in its own transaction; the delivery
worker sends them after commit as signed webhooks, and ``GET /v1/actions?after=CURSOR`` serves the same events
to platforms that poll. Nothing is sent for a decision that rolled back, and nothing committed is lost.
"""
