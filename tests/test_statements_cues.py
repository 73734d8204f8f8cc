"""Type cues found by the word-start scan are exactly those of the cue regexes run over the whole text."""
import pytest

from pipeline.statements.cues import load_cues

SENTENCES = [
    "We call on both sides to return to the table and urge restraint.",
    "It is a pleasure to welcome the minister; we also welcome the agreement.",
    "A very warm welcome to all of you. We condemn the attack in the strongest terms.",
    "WE CALL ON BAKU AND YEREVAN TO EXERCISE RESTRAINT.",
    "The Secretary encouraged the leaders to continue talks, noting concern about the corridor.",
    "Welcome back, everyone. Thank you.",
    "Министр призвал стороны к сдержанности и выразил обеспокоенность ситуацией.",
    "МИД ОСУЖДАЕТ обстрел и не признает так называемые выборы.",
    "Nazirlik bu addımı qınayır və tərəfləri danışıqlara çağırır.",
    "Biz sülh prosesinə sadiqik və davam etdirəcəyik.",
    "nothing here but plain words, numbers 12 and 2023, and punctuation!",
    "",
    "—«Призываем» (urge) [demand] call-on calls_on re-urge",
]


def _whole_text(lex, text: str):
    """The cue as the regexes give it over the whole text (the definition the scan must keep)."""
    blocked = [m.span() for m in lex.not_cues.finditer(text)]
    best = None
    for typ, rx in lex.type_cues:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in blocked):
                continue
            if best is None or (m.start(), -len(m.group())) < (best[0], -len(best[2])):
                best = (m.start(), typ, m.group())
            break
    return (best[1], best[2]) if best else None


@pytest.mark.parametrize("text", SENTENCES)
def test_first_cue_as_whole_text_regexes(text: str) -> None:
    lex = load_cues()
    assert lex.first_cue(text) == _whole_text(lex, text)


@pytest.mark.parametrize("text", SENTENCES)
def test_scan_gives_every_finditer_match(text: str) -> None:
    lex = load_cues()
    scan = lex._cue_scan
    candidates = scan.candidates(text)
    for k, rx in enumerate(scan.regexes):
        assert [m.span() for m in scan.matches(k, text, candidates[k], len(text))] == \
            [m.span() for m in rx.finditer(text)]


def test_cues_found() -> None:
    lex = load_cues()
    assert lex.first_cue(SENTENCES[0]) == ("appeal", "call on")
    assert lex.first_cue(SENTENCES[1])[0] == "welcome"          # the second "welcome", not the greeting
    assert lex.first_cue(SENTENCES[5]) is None


REPORTING = [
    "The minister said the talks would resume.", "THEY SAID NOTHING.", "Unsaid, unspoken, sayings.",
    "Он заявил журналистам, что переговоры продолжатся.", "Заявления не было.", "Nazir bildirib ki, sülh mümkündür.",
    "According to officials, the corridor is open.", "He told reporters; she stated it; we note it.",
    "Said's shop", "re-said", "said_", "nothing to see here 123", "", "It is “quoted” here.",
]


def _speech_regex(lex):
    """may_report's definition: a speech-verb head between non-word characters anywhere in the text."""
    import re
    heads = sorted({re.escape(v.words[0].rstrip("*")) + (r"\w*" if v.words[0].endswith("*") else "")
                    for entries in lex.verbs.values() for v in entries}, key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(heads) + r")(?![\w])", re.I)


@pytest.mark.parametrize("text", REPORTING + SENTENCES)
def test_may_report_word_by_word_as_the_whole_text_regex(text: str) -> None:
    lex = load_cues()
    expected = any(c in text for c in '"“«„‘') or _speech_regex(lex).search(text) is not None
    assert lex.may_report(text) == expected
    assert lex.may_report(text) == expected   # the second time from the per-word memo
