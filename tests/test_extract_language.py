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


def test_depth_is_the_longest_remembered_suffix() -> None:
    """Walking only the last `depth` bytes reaches the state of the whole walk, at every position."""
    ident = language.identifier()
    data = " ".join(TEXTS).encode()
    moves, rows = ident._moves, ident._rows

    def walk(chunk: bytes) -> int:
        state = 0
        for byte in chunk:
            state = int(moves[rows[state] + byte])
        return state

    full = [walk(data[:i + 1]) for i in range(len(data))]
    assert all(walk(data[max(0, i - ident._depth + 1):i + 1]) == full[i] for i in range(len(data)))
