"""tests/eval_baseline.json holds the score floors the evaluation tests enforce (model: trafilatura's
tests/eval_gate.py). A change may raise a floor; lowering one must be said: the commit that lowers it
carries "Lower floor:" and its reason in the message. This test reads the file's git history."""
from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "tests/eval_baseline.json"


def floors(data: object, prefix: str = "") -> Iterator[tuple[str, float]]:
    """Every numeric floor of the baseline file, keyed by its dotted path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if not key.startswith("_"):
                yield from floors(value, f"{prefix}{key}.")
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield prefix.rstrip("."), float(data)


def lowered(old: dict, new: dict) -> list[str]:
    """Floors that are lower in `new` than in `old` (floors removed count as lowered to nothing)."""
    before, after = dict(floors(old)), dict(floors(new))
    return [f"{key}: {value} → {after.get(key, 'removed')}" for key, value in before.items()
            if key not in after or after[key] < value]


def _history() -> list[tuple[str, str, dict]]:
    """(commit, message, baseline) for every commit that changed the file, oldest first."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("no git history here (a release tarball): nothing to compare the floors with")
    log = subprocess.run(["git", "log", "--format=%H%x00%B%x01", "--reverse", "--", BASELINE], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    out = []
    for entry in filter(str.strip, log.split("\x01")):
        commit, message = entry.strip().split("\x00", 1)
        shown = subprocess.run(["git", "show", f"{commit}:{BASELINE}"], cwd=ROOT, capture_output=True, text=True)
        if shown.returncode == 0:
            out.append((commit, message, json.loads(shown.stdout)))
    return out


def test_lowered_finds_lower_and_removed_floors() -> None:
    old = {"_note": "x", "a": {"f1": 0.9, "recall": 0.8}, "b": 1.0}
    assert lowered(old, {"a": {"f1": 0.95, "recall": 0.8}, "b": 1.0}) == []
    assert lowered(old, {"a": {"f1": 0.85, "recall": 0.8}}) == ["a.f1: 0.9 → 0.85", "b: 1.0 → removed"]


def test_no_floor_was_lowered_silently() -> None:
    history = _history()
    current = json.loads((ROOT / BASELINE).read_text(encoding="utf-8"))
    versions = [*history, ("working tree", "", current)]
    silent = []
    for (_, _, old), (commit, message, new) in zip(versions, versions[1:]):
        drops = lowered(old, new)
        if drops and "Lower floor:" not in message:
            silent.append(f"{commit[:10]}: {', '.join(drops)}")
    assert not silent, "floors lowered without a 'Lower floor: <reason>' commit message:\n" + "\n".join(silent)
