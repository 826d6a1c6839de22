"""Entry file for ``spark-submit``: runs the ``adwarden`` command line (e.g. ``scan --spark ...``).

``spark-submit`` wants a Python file, not a console script; this is the one to give it::

    spark-submit --master yarn ... env/lib/python3.11/site-packages/adwarden/batch/submit.py \\
        scan --spark --master yarn 'hdfs:///corpora/ads/*.jsonl' --out hdfs:///scans/ads
"""

from __future__ import annotations

from adwarden.cli.main import main

if __name__ == "__main__":
    main()
