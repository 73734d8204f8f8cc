"""The code's shape: stages are sub-packages with a docstring'd `__init__`, and imports point down the
data flow (collect → extract → mentions → statements → store → query), never back, never in a circle."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = ROOT / "pipeline"
FLOW = ["collect", "extract", "mentions", "statements", "store", "query"]
# What each package may import from the pipeline besides the shared `config` and `vocab` modules.
ALLOWED = {stage: set(FLOW[:i + 1]) for i, stage in enumerate(FLOW)}
ALLOWED["run"] = {"run", *FLOW[:FLOW.index("store") + 1]}


def _pipeline_imports(path: Path) -> set[str]:
    """First-level pipeline packages/modules that a module imports (relative or absolute)."""
    rel = path.relative_to(ROOT).with_suffix("")
    package = list(rel.parts[:-1]) if rel.name != "__init__" else list(rel.parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                parts = [*base, *(node.module.split(".") if node.module else [])]
                if not node.module:
                    parts = [*parts, *(a.name for a in node.names)]
            else:
                parts = (node.module or "").split(".")
            if parts[:1] == ["pipeline"] and len(parts) > 1:
                found.add(parts[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "pipeline" and len(parts) > 1:
                    found.add(parts[1])
    return found


def test_every_stage_is_a_documented_package() -> None:
    for stage in [*FLOW, "run"]:
        init = PIPELINE / stage / "__init__.py"
        assert init.is_file(), f"pipeline/{stage}/ is not a package"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"pipeline/{stage}/__init__.py has no docstring"


def test_imports_point_down_the_flow() -> None:
    wrong = []
    for stage, allowed in ALLOWED.items():
        for path in sorted((PIPELINE / stage).rglob("*.py")):
            for target in _pipeline_imports(path) - allowed - {"config", "vocab"}:
                wrong.append(f"{path.relative_to(ROOT)} imports pipeline.{target}")
    assert not wrong, "imports against the data flow:\n" + "\n".join(wrong)


def test_runtime_package_does_not_import_tools_or_views() -> None:
    for path in PIPELINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            assert not any(n.split(".")[0] in ("tools", "views", "benchmarks", "tests") for n in names), path


def test_no_machine_paths() -> None:
    offenders = []
    for path in [*ROOT.glob("*.md"), *ROOT.glob("*.py"), *ROOT.glob("*.toml"),
                 *(p for d in ("pipeline", "views", "benchmarks", "tools", "tests", ".ci") for p in (ROOT / d).rglob("*")
                   if p.is_file() and p.suffix in (".py", ".md", ".sql", ".yaml", ".toml", "") and "fixtures" not in p.parts)]:
        text = path.read_text(encoding="utf-8", errors="ignore")
        for marker in ("/work/", "/home/", "/Users/", "C:\\"):
            if marker in text and path.name != "test_layout.py":
                offenders.append(f"{path.relative_to(ROOT)}: {marker}")
    assert not offenders, offenders
