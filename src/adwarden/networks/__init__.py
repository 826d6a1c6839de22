"""Networks of linked posts as a service: the live linker every process keeps in step with storage
(:mod:`~adwarden.networks.live`) and full builds from storage or a corpus file (:mod:`~adwarden.networks.service`).

The linking itself is pure and lives in :mod:`adwarden.detect.network`; the rows in :mod:`adwarden.storage.sql`;
the Spark job in :mod:`adwarden.batch.network_job`.
"""
