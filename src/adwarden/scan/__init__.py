"""``adwarden scan``: screen a whole corpus on every core, link it into networks, report.

The analyst's path (an NGO or police analyst with a scraped corpus and no AdWarden deployment): one command
reads JSONL, CSV or Parquet (:mod:`~adwarden.scan.sources`), screens every ad in worker processes that keep
only compact per-post state (:mod:`~adwarden.scan.worker`, :mod:`~adwarden.scan.state`), links the posts with
the batch linker (:mod:`~adwarden.scan.linking`), and writes a self-contained HTML report with the same
findings as JSON and Parquet (:mod:`~adwarden.scan.summary`, :mod:`~adwarden.scan.report`,
:mod:`~adwarden.scan.outputs`). Orchestration is :func:`~adwarden.scan.runner.run_scan`.
"""
