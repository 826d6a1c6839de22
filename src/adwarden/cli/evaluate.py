"""``adwarden eval``: quality measurements on labelled public data (kept outside the repository)."""

from __future__ import annotations

from pathlib import Path

import click

from adwarden.cli.common import emit_json, handle_errors


@click.group("eval")
def eval_group() -> None:
    """Measure quality on labelled data. The indicator evaluation is bench/eval_indicators.py."""


@eval_group.command("extract")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The shared data directory (e.g. ../shared/data).")
@handle_errors
def extract_cmd(data_dir: Path) -> None:
    """Precision, recall and F1 per extractor on the labelled phone, handle, e-mail, price and URL-country files
    under DATA, and the stated-age figures (exact per ad on age/age_dev.jsonl; agreement with the Backpage age
    field on the WA 2013 corpus). Missing files are reported as skipped."""
    from adwarden.evaluation.extract_eval import evaluate

    emit_json(evaluate(data_dir))


@eval_group.command("youth")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The shared data directory (e.g. ../shared/data).")
@click.option("--top", default=25, show_default=True, type=click.IntRange(1, 10_000),
              help="How many youth terms to list, most frequent first.")
@handle_errors
def youth_cmd(data_dir: Path, top: int) -> None:
    """How often each youth term fires (and is suppressed by context: negated, past, reader, qualification,
    name, allowlist) on the WA 2013 and ad-category corpora under DATA, and which ads the default screening
    sends to the child-safety queue (adults among them, by the WA corpus's age field). Prints only terms and
    counts, never ad text."""
    from adwarden.evaluation.youth_eval import evaluate_youth

    emit_json(evaluate_youth(data_dir, top=top))


@eval_group.command("networks")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The shared data directory (e.g. ../shared/data).")
@click.option("--json", "as_json", is_flag=True, help="Print every figure as JSON instead of the table.")
@handle_errors
def networks_cmd(data_dir: Path, as_json: bool) -> None:
    """Pairwise precision and recall of linking against ads that share a phone, with phones switched off and on,
    on clustering/backpage_wa_2013_ads.jsonl under DATA (whole corpus, tuning half, held-out half), plus text
    clusters and templates on sms_spam/SMSSpamCollection.tsv (missing files are reported as skipped)."""
    from adwarden.evaluation.networks_eval import evaluate, table

    report = evaluate(data_dir)
    if as_json:
        emit_json(report)
    else:
        click.echo(table(report))


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
