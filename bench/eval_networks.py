"""Quality of network linking on public data (weak labels), without copying any of it anywhere.

    .venv/bin/python bench/eval_networks.py --data ../shared/data          # same as: adwarden eval networks

The measure lives in :mod:`adwarden.evaluation.networks_eval` (read its docstring for the labels, the
configurations and the city split); this script prints its JSON report.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from adwarden.evaluation.networks_eval import evaluate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="the shared data directory")
    args = ap.parse_args()
    print(json.dumps(evaluate(args.data), indent=2))


if __name__ == "__main__":
    main()
