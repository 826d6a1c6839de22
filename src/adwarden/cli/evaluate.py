"""``adwarden eval``: quality measurements on labelled public data (kept outside the repository)."""

from __future__ import annotations

from pathlib import Path

import click

from adwarden.cli.common import emit_json, handle_errors


@click.group("eval")
def eval_group() -> None:
    """Measure quality on labelled data. Indicator and network evaluations are bench/eval_indicators.py and
    bench/eval_networks.py."""


@eval_group.command("extract")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The shared data directory (e.g. ../shared/data).")
@handle_errors
def extract_cmd(data_dir: Path) -> None:
    """Precision, recall and F1 per extractor on the labelled phone, handle, e-mail, price and URL-country files
    under DATA (missing files are reported as skipped)."""
    from adwarden.evaluation.extract_eval import evaluate

    emit_json(evaluate(data_dir))


@eval_group.command("classifier")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The shared data directory (e.g. ../shared/data); reads ad_category/train.csv and test.csv.")
@handle_errors
def classifier_cmd(data_dir: Path) -> None:
    """Macro-F1 of the reviewer-trained classifier's model against a plain TF-IDF + logistic-regression
    baseline, both trained on ad_category/train.csv and tested on ad_category/test.csv in the same run
    (massage / escort / job ads)."""
    from adwarden.evaluation.classifier_eval import evaluate

    emit_json(evaluate(data_dir))


commands = [eval_group]
