"""Retroaction: when a bank or the policy changes, stored posts are re-assessed.

:mod:`~adwarden.retro.rescan` queues and works resumable, leased rescan jobs; :mod:`~adwarden.retro.banks` stores
banks and imports their entries; :mod:`~adwarden.retro.policies` activates policies and backtests candidates;
:mod:`~adwarden.retro.worker` is the API server's background worker. Which banks and policy a process screens
with is decided by the composition root (:meth:`adwarden.runtime.Runtime.refresh_screener`).
"""
