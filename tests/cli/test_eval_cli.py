"""``adwarden eval extract`` runs the evaluator over a data directory (here: a tiny synthetic one)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli


def test_eval_extract_on_a_synthetic_directory(cli: Cli, tmp_path: Path) -> None:
    phone = tmp_path / "phone"
    phone.mkdir()
    (phone / "obfuscated_phone_lines.csv").write_text(
        "line_no,input_text,expected_phones,label_source\n"
        "1,call two oh six 555 01 47 today,2065550147,synthetic\n"
        "2,sofa for 120 dollars,,synthetic\n", encoding="utf-8")
    r = cli("eval", "extract", "--data", str(tmp_path))
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    lines = next(v for k, v in out.items() if "line" in k)
    assert lines["rows"] == 2 and lines["tp"] == 1 and lines["fp"] == 0 and lines["fn"] == 0
