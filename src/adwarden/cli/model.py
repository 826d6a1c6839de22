"""``adwarden model``: the reviewer-trained classifier's versions (train, list, show, evaluate, promote, retire).

Exit codes: 0 done; 1 bad input (too few decisions, a bad labelled file) or a refused step (promotion without
an evaluation, or worse than the promoted model); 3 permission denied. See docs/classifier.md.
"""

from __future__ import annotations

from pathlib import Path

import click

from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.models_service import (
    MIN_EVALUATION_EXAMPLES,
    MIN_TRAINING_EXAMPLES,
    evaluate_model,
    promote_model,
    retire_model,
    train_model,
)
from adwarden.storage.sql import classifier_models as store


@click.group("model")
def model_group() -> None:
    """The text classifier trained from reviewers' decisions: new versions run in shadow (scores recorded,
    verdicts unchanged) until evaluated and promoted."""


def _summary(m: dict[str, object]) -> str:
    metrics = m.get("metrics") or {}
    training = m.get("training") or {}
    f1 = metrics.get("macro_f1") if isinstance(metrics, dict) else None
    n = training.get("examples") if isinstance(training, dict) else None
    return f"{m['version']}  {m['status']:9s} examples={n} cv_macro_f1={f1}  by {m['created_by']} at {m['created_at']}"


@model_group.command("train")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True,
              help="Cross-validation folds (probability calibration and the reported metrics).")
@click.option("--min-examples", type=click.IntRange(2), default=MIN_TRAINING_EXAMPLES, show_default=True,
              help="Refuse to train on fewer distinct decided posts.")
@click.option("--note", default="", help="Free text stored with the version.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def train_cmd(folds: int, min_examples: int, note: str, as_json: bool) -> None:
    """Train a new version on every reviewer decision so far; it starts in shadow (audited)."""
    state = get_state()
    m = train_model(state.runtime.db, actor=state.actor, folds=folds, min_examples=min_examples, note=note)
    if as_json:
        emit_json(m.to_json())
        return
    click.echo(f"trained {m.version} (digest {m.digest[:12]}, {m.artifact_bytes} bytes) in shadow")
    click.echo(f"  examples: {m.training['examples']} {m.training['labels']}")
    click.echo(f"  cross-validated macro-F1 {m.metrics['macro_f1']}, violating-vs-not "
               f"{m.metrics['violating_vs_not']}")


@model_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def list_cmd(as_json: bool) -> None:
    """Every stored version, newest first, with its status."""
    with get_state().runtime.db.read() as conn:
        models = [m.to_json() for m in store.list_models(conn)]
    if as_json:
        emit_json(models)
        return
    if not models:
        click.echo("no models yet; `adwarden model train` trains one from reviewer decisions")
    for m in models:
        click.echo(_summary(m))


@model_group.command("show")
@click.argument("version")
@handle_errors
def show_cmd(version: str) -> None:
    """One version as JSON: digest, training summary, metrics, status history and evaluations."""
    with get_state().runtime.db.read() as conn:
        m = store.get_model(conn, version).to_json()
        m["evaluations"] = [e.to_json() for e in store.evaluations_of(conn, version)]
    emit_json(m)


@model_group.command("evaluate")
@click.argument("version")
@click.option("--data", "data", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A JSON Lines file of labelled texts (text or title/body, label) instead of new decisions.")
@click.option("--min-examples", type=click.IntRange(1), default=MIN_EVALUATION_EXAMPLES, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def evaluate_cmd(version: str, data: Path | None, min_examples: int, as_json: bool) -> None:
    """Evaluate VERSION on decisions made after its training (or --data), beside the promoted model."""
    state = get_state()
    ev = evaluate_model(state.runtime.db, version, actor=state.actor, data=data, min_examples=min_examples)
    if as_json:
        emit_json(ev.to_json())
        return
    click.echo(f"evaluation {ev.id} of {version}: {ev.examples} examples ({ev.source}; {ev.shadow_scored} "
               f"scored in shadow)")
    click.echo(f"  macro-F1 {ev.metrics['macro_f1']}  violating-vs-not {ev.metrics['violating_vs_not']}")
    if ev.incumbent_metrics:
        click.echo(f"  promoted {ev.incumbent_version}: macro-F1 {ev.incumbent_metrics['macro_f1']}")


@model_group.command("promote")
@click.argument("version")
@click.option("--force", is_flag=True, help="Promote even if the evaluation was worse than the promoted model.")
@click.option("--reason", default="", help="Why (required with --force; written to the audit log).")
@click.option("--no-rescan", is_flag=True, help="Do not re-assess stored posts.")
@click.option("--no-wait", is_flag=True, help="Queue the rescan without running it now.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def promote_cmd(version: str, force: bool, reason: str, no_rescan: bool, no_wait: bool, as_json: bool) -> None:
    """Make VERSION the live classifier detector (audited); refused without an evaluation."""
    from adwarden.retro.rescan import run_rescan

    state = get_state()
    rt = state.runtime
    p = promote_model(rt.db, version, actor=state.actor, force=force, reason=reason, rescan=not no_rescan)
    rt.refresh_screener()
    job = None
    if p.rescan_job and not no_wait:
        job = run_rescan(rt, p.rescan_job, actor=state.actor)
    out = {"model": p.model.to_json(), "evaluation": p.evaluation.id, "previous": p.previous,
           "rescan": job.to_json() if job else ({"id": p.rescan_job, "status": "pending"} if p.rescan_job else None)}
    if as_json:
        emit_json(out)
        return
    click.echo(f"model {version} promoted (evaluation {p.evaluation.id}, macro-F1 {p.evaluation.metrics['macro_f1']})"
               + (f"; {p.previous} retired" if p.previous else ""))
    if job:
        click.echo(f"rescan {job.id}: {job.done} posts re-assessed, {job.changed} verdicts changed")


@model_group.command("retire")
@click.argument("version")
@click.option("--reason", required=True, help="Why (written to the audit log).")
@handle_errors
def retire_cmd(version: str, reason: str) -> None:
    """Stop using VERSION (a promoted model stops being a detector; a shadow model stops scoring)."""
    state = get_state()
    m = retire_model(state.runtime.db, version, actor=state.actor, reason=reason)
    click.echo(f"model {m.version} retired")


commands = [model_group]
