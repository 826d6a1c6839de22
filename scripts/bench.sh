#!/usr/bin/env bash
# Run every benchmark whose data is available; figures go to stdout as JSON (record them in docs/PERFORMANCE.md).
set -uo pipefail
cd "$(dirname "$0")/.."
V=.venv/bin/python
# The benchmark extra (faiss, locust) on top of what the tests install.
.venv/bin/python -m pip install -q -e ".[dev,postgres,spark,bench]" >/dev/null
DATA=${ADWARDEN_SHARED_DATA:-../shared/data}
WA="$DATA/clustering/backpage_wa_2013_ads.jsonl"
echo "== ingest (synthetic)"; $V bench/bench_ingest.py --count 20000
echo "== storing side of a file ingest"; $V bench/bench_store.py --count 20000
if [ -f "$WA" ]; then
  echo "== ingest (WA corpus)"
  $V bench/bench_ingest.py --file "$WA" --map external_id=url --map site=source --map posted_at=created
fi
echo "== API"; $V bench/bench_api.py --seconds 60
for b in bench/bench_extract.py bench/bench_indicators.py bench/bench_pdq_index.py bench/bench_networks.py bench/bench_review.py bench/bench_webhooks.py; do
  [ -f "$b" ] && { echo "== $b"; $V "$b" --help >/dev/null 2>&1 && $V "$b"; }
done
