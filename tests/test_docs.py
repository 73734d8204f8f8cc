"""The README documents every command, option and environment variable the code has (after
simonw/sqlite-utils' tests/test_docs.py): its "Command-line reference" is each command's current
`--help`, and a new option or variable without its place in the README fails here.

    python -m tests.test_docs        # rewrite the README's reference from the current parser
"""
from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import pytest

from pipeline import cli, config

README_PATH = Path(__file__).resolve().parent.parent / "README.md"
README = README_PATH.read_text(encoding="utf-8")
BEGIN, END = "<!-- cli-reference: begin -->", "<!-- cli-reference: end -->"
WIDTH = "100"  # argparse wraps its help to $COLUMNS


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def reference() -> str:
    """The README's reference section: every command's `--help`, in the parser's order."""
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        blocks = [f"### {name}\n\n```\n{parser.format_help().rstrip()}\n```" for name, parser in _commands().items()]
    finally:
        if old is None:
            os.environ.pop("COLUMNS")
        else:
            os.environ["COLUMNS"] = old
    return "\n\n".join([BEGIN, *blocks, END])


def _documented() -> str:
    start, end = README.index(BEGIN), README.index(END) + len(END)
    return README[start:end]


def test_the_reference_is_the_current_help_of_every_command():
    assert _documented() == reference(), "run `python -m tests.test_docs` to update README.md"


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_has_an_example_outside_the_reference(command):
    prose = README.replace(_documented(), "")
    assert re.search(rf"python -m pipeline {re.escape(command)}\b", prose), command


@pytest.mark.parametrize("name", sorted(v for k, v in vars(config).items() if k.startswith("ENV_")))
def test_every_environment_variable_is_documented(name):
    assert f"`{name}" in README, name


if __name__ == "__main__":
    text = README_PATH.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    README_PATH.write_text(text[:start] + reference() + text[end:], encoding="utf-8")
