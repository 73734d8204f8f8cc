"""The numpy walk of the language model gives py3langid's own answers (scores included)."""
import py3langid
import pytest
from py3langid.langid import visit_counts

from pipeline.extract import language

TEXTS = [
    "The Secretary met the Foreign Minister in Washington on Tuesday to discuss the peace agreement.",
    "Министр иностранных дел заявил, что переговоры продолжатся на следующей неделе в Москве.",
    "Xarici işlər naziri bildirib ki, danışıqlar gələn həftə Bakıda davam edəcək.",
    "Արտաքին գործերի նախարարը հայտարարել է, որ բանակցությունները կշարունակվեն հաջորդ շաբաթ։",
    "Le ministre a déclaré que les négociations reprendraient la semaine prochaine à Paris.",
    "SHOUTED HEADLINE IN CAPITALS ONLY", "a", "12345 67890", "!!! ??? ...", "\u00a0\u200b", "é",
    "Mixed: Ереван and Baku — Yerevan və Bakı, Երևան. " * 40,
]


@pytest.mark.parametrize("text", TEXTS)
def test_same_answer_as_py3langid(text: str) -> None:
    ident = language.identifier()
    data = ident._encode(text)
    expected = visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, data)
    got = ident._visits(data)
    assert (list(expected.items()) if expected else None) == (list(got.items()) if got else None)
    assert ident.classify(text) == py3langid.classify(text)
    assert language.classify(text) == py3langid.classify(text)[0]


def test_states_are_the_whole_walks() -> None:
    """The state after each byte is the one py3langid's byte-by-byte walk reaches there."""
    ident = language.identifier()
    data = " ".join(TEXTS).encode()
    moves, rows = ident._moves, ident._rows
    state, expected = 0, []
    for byte in data:
        state = int(moves[rows[state] + byte])
        expected.append(state)
    assert ident.states(data).tolist() == expected
    assert ident.states(b"a").tolist() == [int(moves[rows[0] + ord("a")])]


def test_a_long_text_is_classified_on_its_first_characters() -> None:
    """Only the first SAMPLE_CHARS characters are read: a text that turns Russian after them is English."""
    english = TEXTS[0] + " "
    opening = english * (language.SAMPLE_CHARS // len(english) + 1)
    tail = (TEXTS[1] + " ") * 400
    assert language.classify(opening + tail) == "en"
    assert language.classify(english + tail) == "ru"
    assert py3langid.classify(opening + tail)[0] == "ru"
