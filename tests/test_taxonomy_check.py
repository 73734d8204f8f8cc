"""`taxonomy-check`: reading a folder of annotated sentences, scoring the taxonomy per language and
entity, one-line errors for broken folders, and the CLI."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.mentions.check import CheckError, evaluate, format_report, read_samples
from pipeline.mentions.matcher import Tagger
from pipeline.mentions.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent

TAXONOMY = """
actors:
  - id: armenia
    name: Armenia
    type: state
    aliases:
      en: [Armenia, Armenian]
      ru: [Армения]
  - id: iran
    name: Iran
    type: state
    aliases:
      en: [Iran]
themes:
  - id: theme_energy
    name: Energy
    aliases: [gas]
"""

EN = """# kinds: actor place
lang\texpected\tsource\ttext
en\tarmenia\ttest\tArmenia and Armenians.
en\tarmenia iran\ttest\tArmenia talked to Iran about gas.
en\tiran\ttest\tThe Iranian side.
en\t\ttest\tTirana is in Albania; Armenian gas.
"""
RU = """lang\texpected\ttext
ru\tarmenia\tВ Армении.
ru\t\tБез упоминаний.
"""


@pytest.fixture()
def setup(tmp_path):
    (tmp_path / "taxonomy.yaml").write_text(TAXONOMY, encoding="utf-8")
    folder = tmp_path / "check"
    folder.mkdir()
    (folder / "en.tsv").write_text(EN, encoding="utf-8")
    (folder / "ru.tsv").write_text(RU, encoding="utf-8")
    return load_taxonomy(tmp_path / "taxonomy.yaml", sources=None), folder


def test_scores_per_language_and_entity(setup):
    taxonomy, folder = setup
    samples = read_samples(folder, taxonomy)
    assert [s.lang for s in samples] == ["en"] * 4 + ["ru"] * 2
    report = evaluate(samples, Tagger(taxonomy))
    en, ru = report.languages["en"], report.languages["ru"]
    # "The Iranian side" is missed (no such alias); "Armenian gas" in the last line is a false hit; gas is
    # a theme, outside the kinds the English file was annotated for, so it is not scored.
    assert (en.hits, en.misses, en.false_hits) == (3, 1, 1)
    assert (ru.hits, ru.misses, ru.false_hits) == (1, 0, 0)
    assert report.entities[("en", "iran")].recall == 0.5
    assert report.entities[("en", "armenia")].precision == 2 / 3
    assert ("false hit", "armenia", "en.tsv:6", "Tirana is in Albania; Armenian gas.") in report.errors
    text = format_report(report, errors=5)
    assert "en                4     3       1           1   0.750      0.750" in text
    assert "miss      iran" in text


def test_themes_count_when_the_file_does_not_limit_kinds(setup, tmp_path):
    taxonomy, folder = setup
    (folder / "en.tsv").write_text("lang\texpected\ttext\nen\tarmenia theme_energy\tArmenia gas.\n", encoding="utf-8")
    report = evaluate(read_samples(folder, taxonomy), Tagger(taxonomy))
    assert report.languages["en"].hits == 2


@pytest.mark.parametrize("content, problem", [
    ("lang\ttext\nen\tArmenia\n", "en.tsv:1: header lacks the column 'expected'"),
    ("lang\texpected\ttext\nen\tarmenia\tArmenia\textra\n", "en.tsv:2: 4 columns where the header has 3"),
    ("lang\texpected\ttext\nen\tarmenya\tArmenia\n", "en.tsv:2: expected id 'armenya' is not in the taxonomy"),
    ("# kinds: actor people\nlang\texpected\ttext\n", "en.tsv:1: unknown kind 'people'"),
])
def test_broken_files_fail_with_one_line(setup, content, problem):
    taxonomy, folder = setup
    (folder / "en.tsv").write_text(content, encoding="utf-8")
    with pytest.raises(CheckError) as err:
        read_samples(folder, taxonomy)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(str(folder / problem.split(":")[0])) and problem in message, message


def test_missing_or_empty_folder(setup, tmp_path):
    taxonomy, _ = setup
    with pytest.raises(CheckError, match="not a folder"):
        read_samples(tmp_path / "nowhere", taxonomy)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CheckError, match="no .tsv files"):
        read_samples(tmp_path / "empty", taxonomy)
    (tmp_path / "empty" / "x.tsv").write_bytes(b"lang\texpected\ttext\nen\t\t\xff\n")
    with pytest.raises(CheckError, match="not UTF-8"):
        read_samples(tmp_path / "empty", taxonomy)


def test_cli_prints_the_tables_and_exits_2_on_a_broken_folder(setup, tmp_path):
    _, folder = setup
    cmd = [sys.executable, "-m", "pipeline", "taxonomy-check", str(folder), "--taxonomy",
           str(tmp_path / "taxonomy.yaml"), "--errors", "1"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("language  sentences  hits  misses  false hits  recall  precision")
    assert lines[1].startswith("en") and lines[2].startswith("ru") and lines[3].startswith("all")
    assert "misses and false hits (1 of 2):" in done.stdout
    (folder / "ru.tsv").write_text("lang\ttext\n", encoding="utf-8")
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().endswith("ru.tsv:1: header lacks the column 'expected' "
                                        "(needs lang, expected and text, tab-separated)")


def test_the_evaluation_set_reads_cleanly_with_the_shipped_taxonomy():
    """The benchmark's data stays valid against the taxonomy (ids renamed or removed would break it)."""
    samples = read_samples(ROOT / "benchmarks" / "data" / "mentions_eval", load_taxonomy(ROOT / "data" / "taxonomy.yaml"))
    assert {s.lang for s in samples} == {"en", "ru", "hy", "az"}
    assert all(sum(s.lang == lang for s in samples) >= 100 for lang in ("en", "ru", "hy", "az"))
