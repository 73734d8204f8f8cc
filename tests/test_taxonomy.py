"""The shipped taxonomy (coverage, contract ids, roles) and validation of broken taxonomy files."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from pipeline.mentions.taxonomy import ACTOR_TYPES, TaxonomyError, load_taxonomy, normalize_title

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "taxonomy.yaml"
CONTRACT_IDS = {
    "armenia": "actor", "azerbaijan": "actor", "united_states": "actor", "russia": "actor", "turkey": "actor",
    "iran": "actor", "european_union": "actor", "osce_minsk_group": "actor", "us_state_department": "actor",
    "ned_price": "actor", "antony_blinken": "actor", "lachin_corridor": "place", "nagorno_karabakh": "place",
    "stepanakert": "place", "zangezur_corridor": "place", "theme_humanitarian": "theme",
    "theme_peace_talks": "theme", "theme_blockade": "theme", "theme_energy": "theme",
}


@pytest.fixture(scope="module")
def shipped():
    return load_taxonomy(SHIPPED)


# ---------------------------------------------------------------- the shipped file

def test_shipped_taxonomy_covers_the_issue(shipped):
    kinds = [e.kind for e in shipped.entities.values()]
    assert kinds.count("actor") >= 60 and kinds.count("place") >= 30 and kinds.count("theme") >= 15
    for eid, kind in CONTRACT_IDS.items():
        assert shipped.entities[eid].kind == kind, eid
    actors = [e for e in shipped.entities.values() if e.kind == "actor"]
    assert {e.type for e in actors} == set(ACTOR_TYPES)
    for e in shipped.entities.values():
        assert e.aliases, f"{e.id} has no alias"
        if e.kind == "place":
            assert e.lat is not None and e.lon is not None
        if e.kind == "theme":
            assert {a.lang for a in e.aliases} >= {"en", "ru", "az", "hy"}, e.id
    for eid in ("armenia", "azerbaijan", "nagorno_karabakh", "stepanakert", "lachin_corridor", "shusha", "syunik"):
        assert {a.lang for a in shipped.entities[eid].aliases} >= {"en", "ru", "az", "hy"}, eid
    assert shipped.sha256 == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()


def test_state_of_walks_up_to_the_first_state(shipped):
    assert shipped.state_of("ned_price") == "united_states"
    assert shipped.state_of("armenian_mfa") == "armenia"
    assert shipped.state_of("stepanakert") == "azerbaijan"
    assert shipped.state_of("zangezur_corridor") == "armenia"
    assert shipped.state_of("russian_peacekeepers") == "russia"
    assert shipped.state_of("armenia") == "armenia"
    assert shipped.state_of("european_union") is None
    assert shipped.state_of("theme_energy") is None
    assert shipped.state_of("no_such_id") is None


def test_holders_resolve_roles_by_date_title_and_body(shipped):
    spokes = "spokesperson"
    assert shipped.holders(spokes, dt.date(2022, 5, 1), "us_state_department") == ["ned_price"]
    assert shipped.holders("Spokesman", dt.date(2024, 3, 1), "us_state_department") == ["matthew_miller"]
    assert shipped.holders("spokeswoman", dt.date(2025, 6, 1), "us_state_department") == ["tammy_bruce"]
    assert shipped.holders(spokes, dt.date(2020, 6, 1), "us_state_department") == ["morgan_ortagus"]
    # `of` also matches bodies below it: the White House press secretary is a US spokesperson too.
    assert set(shipped.holders(spokes, dt.date(2022, 3, 1), "united_states")) == {"ned_price", "jen_psaki"}
    assert shipped.holders(spokes, dt.date(2022, 3, 1), "russian_mfa") == ["maria_zakharova"]
    assert set(shipped.holders(spokes, dt.date(2022, 3, 1), "russia")) == {"maria_zakharova", "dmitry_peskov"}
    assert shipped.holders("secretary of state", dt.date(2022, 1, 1)) == ["antony_blinken"]
    assert shipped.holders("Secretary of State", dt.date(2025, 6, 1)) == ["marco_rubio"]
    assert shipped.holders("foreign minister", dt.date(2020, 8, 1), "azerbaijan") == ["jeyhun_bayramov"]
    assert shipped.holders("foreign minister", dt.date(2020, 6, 1), "azerbaijan") == ["elmar_mammadyarov"]
    assert shipped.holders("Minister of Foreign Affairs", dt.date(2023, 1, 1), "armenia") == ["ararat_mirzoyan"]
    assert shipped.holders("prime minister", dt.date(2023, 1, 1), "armenia") == ["nikol_pashinyan"]
    assert set(shipped.holders(spokes, None, "us_state_department")) == {
        "ned_price", "matthew_miller", "tammy_bruce", "morgan_ortagus"}
    assert shipped.holders("astronaut", None) == []


def test_normalize_title_merges_synonyms():
    assert normalize_title("The Spokeswoman") == "spokesperson"
    assert normalize_title("Minister of  Foreign Affairs") == "foreign minister"
    assert normalize_title("Foreign Minister") == "foreign minister"
    assert normalize_title("Defense Minister") == "defence minister"


def test_entity_rows_match_the_entities_table(shipped):
    rows = shipped.entity_rows()
    assert len(rows) == len(shipped.entities)
    assert all(set(r) == {"entity_id", "kind", "name", "type", "parent", "lat", "lon"} for r in rows)
    by_id = {r["entity_id"]: r for r in rows}
    assert by_id["stepanakert"] == {"entity_id": "stepanakert", "kind": "place", "name": "Stepanakert (Khankendi)",
                                    "type": "settlement", "parent": "nagorno_karabakh", "lat": 39.8153,
                                    "lon": 46.7519}
    assert by_id["ned_price"]["type"] == "official" and by_id["ned_price"]["parent"] == "us_state_department"
    assert by_id["theme_energy"]["kind"] == "theme" and by_id["theme_energy"]["lat"] is None


def test_default_path_comes_from_the_environment(tmp_path, monkeypatch):
    other = tmp_path / "mine.yaml"
    other.write_text("themes:\n  - id: theme_only\n    name: Only\n    aliases: [only]\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_TAXONOMY", str(other))
    assert list(load_taxonomy().entities) == ["theme_only"]
    monkeypatch.delenv("TRACKER_TAXONOMY")
    monkeypatch.chdir(tmp_path)  # no data/taxonomy.yaml here: falls back to the repository's file
    assert "armenia" in load_taxonomy().entities


def test_empty_sections_are_allowed(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("actors:\nplaces: []\nthemes:\n  - id: theme_x\n    name: X\n    aliases: [x]\n",
                    encoding="utf-8")
    assert list(load_taxonomy(path).entities) == ["theme_x"]


def test_partial_dates_cover_the_whole_month_or_year(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("""
actors:
  - id: body
    name: Body
    type: government body
  - id: someone
    name: Someone
    type: official
    roles:
      - {title: spokesperson, of: body, from: 2023-06, to: 2024}
""", encoding="utf-8")
    role = load_taxonomy(path).entities["someone"].roles[0]
    assert (role.start, role.end) == (dt.date(2023, 6, 1), dt.date(2024, 12, 31))


# ---------------------------------------------------------------- broken files: one line, file:line, entry

GOOD_HEAD = """actors:
  - id: us_state_department
    name: State Department
    type: government body
"""

BROKEN = {
    "bad_yaml": (GOOD_HEAD + "  - id: [unclosed\n", 6, None, "invalid YAML"),
    "duplicate_id": (GOOD_HEAD + "  - id: us_state_department\n    name: Again\n    type: state\n",
                     5, "us_state_department", "duplicate id (first defined on line 2)"),
    "unknown_parent": (GOOD_HEAD + "  - id: ned_price\n    name: Ned Price\n    type: official\n"
                                   "    parent: us_state_dept\n",
                       8, "ned_price", "parent refers to unknown id 'us_state_dept'"),
    "unknown_role_target": (GOOD_HEAD + "  - id: ned_price\n    name: Ned Price\n    type: official\n    roles:\n"
                                        "      - title: spokesperson\n        of: us_state_dept\n",
                            10, "ned_price", "role 'of' refers to unknown id 'us_state_dept'"),
    "empty_alias": (GOOD_HEAD + "    aliases: [State Department, '  ']\n", 5, "us_state_department", "empty alias"),
    "empty_alias_text": (GOOD_HEAD + "    aliases:\n      - {text: '', case: sensitive}\n",
                         6, "us_state_department", "empty alias"),
    "latitude_out_of_range": ("places:\n  - id: baku\n    name: Baku\n    lat: 140.4\n    lon: 49.9\n",
                              4, "baku", "'lat' 140.4 is out of range [-90, 90]"),
    "longitude_not_a_number": ("places:\n  - id: baku\n    name: Baku\n    lat: 40.4\n    lon: east\n",
                               5, "baku", "'lon' must be a number, not 'east'"),
    "missing_coordinates": ("places:\n  - id: baku\n    name: Baku\n    lat: 40.4\n",
                            2, "baku", "missing 'lon' (places need coordinates)"),
    "bad_date": (GOOD_HEAD + "  - id: ned_price\n    name: Ned Price\n    type: official\n    roles:\n"
                             "      - {title: spokesperson, of: us_state_department, from: 2023-02-30}\n",
                 9, "ned_price", "'from' date '2023-02-30' is not a valid YYYY-MM-DD (or YYYY-MM, YYYY) date"),
    "end_before_start": (GOOD_HEAD + "  - id: ned_price\n    name: Ned Price\n    type: official\n    roles:\n"
                                     "      - {title: spokesperson, from: 2023-06-01, to: 2021-01-20}\n",
                         9, "ned_price", "role 'spokesperson' ends (2021-01-20) before it starts (2023-06-01)"),
    "unknown_type": (GOOD_HEAD + "  - id: armenia\n    name: Armenia\n    type: country\n",
                     7, "armenia", "unknown type 'country' (one of: state, government body, official, "
                                   "organisation, armed force, media)"),
    "unknown_kind": (GOOD_HEAD + "people:\n  - id: someone\n    name: Someone\n",
                     6, None, "unknown section 'people' (expected actors, places, themes or ignore)"),
    "unknown_key": (GOOD_HEAD + "    colour: blue\n", 5, "us_state_department",
                    "unknown key 'colour' for actors (allowed: aliases, id, name, note, parent, roles, type)"),
    "missing_name": ("themes:\n  - id: theme_x\n    aliases: [x]\n", 2, "theme_x", "missing or empty 'name'"),
    "alias_used_twice": (GOOD_HEAD + "    aliases: [State Department]\n  - id: dos\n    name: DoS\n"
                                     "    type: government body\n    aliases: [state department]\n",
                         9, "dos", "alias 'state department' is already used by entry 'us_state_department' (line 5)"),
    "misplaced_star": (GOOD_HEAD + "    aliases: ['*State']\n", 5, "us_state_department",
                       "alias '*State': '*' may only end a word, once, after at least one letter"),
    "unknown_yields_to": (GOOD_HEAD + "    aliases: [{text: State, yields_to: nowhere}]\n", 5, "us_state_department",
                          "alias 'State': yields_to refers to unknown id 'nowhere'"),
    "parent_cycle": ("actors:\n  - id: a\n    name: A\n    type: state\n    parent: b\n"
                     "  - id: b\n    name: B\n    type: state\n    parent: a\n",
                     2, "a", "parent chain loops back through 'a'"),
    "roles_on_a_state": ("actors:\n  - id: a\n    name: A\n    type: state\n    roles:\n      - {title: king}\n",
                         6, "a", "only officials have roles"),
    "bad_id": ("actors:\n  - id: Ned Price\n    name: Ned\n    type: official\n", 2, "Ned Price",
               "id must be lower-case letters, digits and _, starting with a letter"),
    "not_before_mapping": (GOOD_HEAD + "    aliases: [{text: State, not_before: {a: b}}]\n", 5, "us_state_department",
                           "'not_before' must be a list of words"),
    "not_after_empty_word": (GOOD_HEAD + "    aliases: [{text: State, not_after: [North, '']}]\n", 5,
                             "us_state_department", "empty word in 'not_after'"),
    "not_after_empty_list": (GOOD_HEAD + "    aliases: [{text: State, not_after: []}]\n", 5,
                             "us_state_department", "'not_after' is empty (leave it out instead)"),
    "not_before_misplaced_star": (GOOD_HEAD + "    aliases: [{text: State, not_before: ['*FK']}]\n", 5,
                                  "us_state_department", "'not_before' word '*FK': '*' may only end a word, once"),
    "bad_forms": (GOOD_HEAD + "    aliases: [{text: State, forms: stemmed}]\n", 5, "us_state_department",
                  "'forms' must be inflect or exact, not 'stemmed'"),
    "ligature_spellings_twice": ("places:\n  - id: yerevan\n    name: Yerevan\n    lat: 40.2\n    lon: 44.5\n"
                                 "    aliases:\n      hy: [Երևան, Երեւան]\n", 7, "yerevan",
                                 "alias 'Երեւան' is listed twice (also on line 7)"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_taxonomy_fails_with_one_line(tmp_path, case):
    text, line, entry, problem = BROKEN[case]
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(path)
    message = str(err.value)
    assert "\n" not in message
    prefix = f"{path}:{line}: " + (f"entry '{entry}': " if entry else "")
    assert message.startswith(prefix), message
    assert problem in message, message


def test_missing_and_non_utf8_files_fail_with_one_line(tmp_path):
    with pytest.raises(TaxonomyError, match=r"^.*nope\.yaml:0: cannot read taxonomy"):
        load_taxonomy(tmp_path / "nope.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("actors:\n  - id: a\n    name: Åland\n".encode("latin-1"))
    with pytest.raises(TaxonomyError, match=r"latin\.yaml:0: not UTF-8 text"):
        load_taxonomy(latin)


def test_surnames_may_be_shared_but_plain_aliases_may_not(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("""actors:
  - id: a_grigoryan
    name: A Grigoryan
    type: official
    aliases: [A Grigoryan, {text: Grigoryan, surname: true}]
  - id: b_grigoryan
    name: B Grigoryan
    type: official
    aliases: [B Grigoryan, {text: Grigoryan, surname: true}]
""", encoding="utf-8")
    assert len(load_taxonomy(path).entities) == 2
    path.write_text(path.read_text().replace("{text: Grigoryan, surname: true}]\n  - id: b", "Grigoryan]\n  - id: b"))
    with pytest.raises(TaxonomyError, match=r"t\.yaml:9: entry 'b_grigoryan': alias 'Grigoryan' is already used"):
        load_taxonomy(path)


def test_aliases_that_never_meet_may_share_a_spelling(tmp_path):
    """'qazax' (the Kazakh people, lower case only) and 'Qazax' (the town, capitalised) never match the
    same text; the same name under two languages takes both languages' forms."""
    path = tmp_path / "taxonomy.yaml"
    path.write_text("""
actors:
  - id: kazakhstan
    name: Kazakhstan
    type: state
    aliases:
      az: [{text: qazax, case: sensitive}]
  - id: iran
    name: Iran
    type: state
    aliases:
      en: [Iran]
      az: [İran]
places:
  - id: gazakh
    name: Gazakh
    lat: 41.1
    lon: 45.4
    aliases:
      az: [Qazax]
""", encoding="utf-8")
    taxonomy = load_taxonomy(path)
    qazax = taxonomy.entities["gazakh"].aliases[0]
    assert qazax.proper and "qazaxda" in qazax.words[0]
    assert "iranin" in {f for a in taxonomy.entities["iran"].aliases for f in a.words[0]}


def test_context_words_and_forms_option_are_read(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text("""
places:
  - id: nagorno_karabakh
    name: Nagorno-Karabakh
    lat: 39.8
    lon: 46.8
    aliases:
      az: [{text: Qarabağ, not_before: [FK, futbol*], not_after: Şimali, forms: exact}]
""", encoding="utf-8")
    alias = load_taxonomy(path).entities["nagorno_karabakh"].aliases[0]
    assert (alias.not_before, alias.not_after, alias.inflect, alias.words) == (("FK", "futbol*"), ("Şimali",), False,
                                                                               (("qarabağ",),))

