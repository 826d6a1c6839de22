"""The top-level group loads a command's module only when the command is used, and knows every command."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import import_module
from pathlib import Path

from adwarden.cli.main import COMMANDS


def test_every_command_is_mapped_to_the_module_that_defines_it() -> None:
    defined = {c.name: module for module in dict.fromkeys(COMMANDS.values()) for c in import_module(module).commands}
    assert defined == COMMANDS


def _modules_after(*args: str) -> set[str]:
    code = ("import sys\nfrom adwarden.cli.main import cli\n"
            f"try:\n    cli.main(args={list(args)!r}, prog_name='adwarden')\n"
            "except SystemExit:\n    pass\n"
            "print('\\n'.join(sorted(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_one_command_does_not_import_the_others_nor_scikit_learn() -> None:
    loaded = _modules_after("ingest", "--help")
    assert "adwarden.cli.ingest" in loaded
    assert not loaded & {"adwarden.cli.legal", "adwarden.cli.model", "adwarden.cli.reports", "adwarden.models_service"}
    assert "sklearn" not in loaded


def test_ingest_into_a_store_without_a_model_does_not_import_scikit_learn(tmp_path: Path) -> None:
    """The classifier detectors ask the store for a model before importing the model service."""
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"external_id": "p1", "site": "example.com", "title": "Sofa",
                                 "body": "Blue sofa, call 206-555-0142"}) + "\n")
    loaded = _modules_after("--data-dir", str(tmp_path / "var"), "ingest", str(posts))
    assert "adwarden.runtime" in loaded and "adwarden.detect.classifier.records" in loaded
    assert "sklearn" not in loaded


def test_help_lists_every_command() -> None:
    out = subprocess.run([sys.executable, "-c", "from adwarden.cli.main import main; main()", "--help"],
                         capture_output=True, text=True, check=True).stdout
    listed = {line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(COMMANDS)
