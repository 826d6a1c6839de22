"""The pure core stays pure: import-linter contracts from pyproject.toml must hold."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is not installed (dev extra)"
    r = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "broken" not in r.stdout.lower().replace("0 broken", "")


def test_no_import_cycles() -> None:
    """No two modules or top-level packages import each other, at module level or inside functions (grimp
    reads every import statement). A cycle means two areas cannot be understood, tested or replaced alone."""
    import grimp

    graph = grimp.build_graph("adwarden", cache_dir=None)

    def area(module: str) -> str:
        return ".".join(module.split(".")[:2])

    edges: dict[str, set[str]] = {}
    for m in graph.modules:
        for imported in graph.find_modules_directly_imported_by(m):
            if area(m) != area(imported):
                edges.setdefault(area(m), set()).add(area(imported))
    package_cycles = sorted((a, b) for a in edges for b in edges[a] if a < b and a in edges.get(b, set()))
    assert package_cycles == [], f"packages importing each other: {package_cycles}"
    for m in graph.modules:
        for imported in graph.find_modules_directly_imported_by(m):
            assert not graph.chain_exists(imported, m), f"import cycle between {m} and {imported}"
