"""Deterministic generator of the SYNTHETIC sample corpus (and of benchmark corpora of any size).

Pages come from six fictional outlets, each with its own HTML template and boilerplate (menus, cookie
banners, dated side lists, today's-date footers, comments), about the Armenia–Azerbaijan process from
2020-09 to 2026-01 in English, Russian, Azerbaijani and Armenian. Every quoted person is invented or
anonymous; real states and bodies appear only as places or institutions. The same seed gives the same
bytes: all randomness comes from `random.Random` seeded with strings, and nothing reads the clock.

Usage: `python -m pipeline.sample --out data/sample -n 180 --seed 7`
"""
from __future__ import annotations

import argparse
import csv
import html
import io
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

TODAY = date(2026, 1, 14)          # the fixed "today" of every footer widget and "Latest news" list
FIRST_DAY = date(2020, 9, 27)      # start of the 2020 war
LAST_DAY = date(2026, 1, 13)       # last article date (never "today")
DUPLICATE_SHARE = 0.05             # syndicated copies, as a share of the article pages
GENERATED_FILES = ("README.md", "manifest.csv", "statements.csv")
MIN_WORDS, MAX_WORDS = 160, 600    # article body length (at least 150 words, as asked)


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# ---------------------------------------------------------------------------------------------------
# Outlets
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outlet:
    """A fictional outlet: identity (as in data/sources.yaml), editorial side and page conventions."""

    source: str
    host: str
    name: str
    country: str
    kind: str
    owner: str
    side: str                                   # neutral | arm | aze | rus: wording and whom it quotes
    weight: float                               # share of the original articles
    langs: tuple[tuple[str, float], ...]        # language shares within the outlet
    date_styles: tuple[tuple[str, float], ...]  # where the date sits: meta|jsonld|time|metaname|url|none
    tz: str


OUTLETS: tuple[Outlet, ...] = (
    Outlet("caucasuswire", "caucasuswire.example", "Caucasus Wire", "Georgia", "independent media",
           "Caucasus Wire Media LLC (fictional)", "neutral", 0.26, (("en", 0.8), ("ru", 0.2)),
           (("meta", 0.8), ("time", 0.1), ("none", 0.1)), "Z"),
    Outlet("kavkazvestnik", "kavkaz-vestnik.example", "Кавказский вестник", "Russia", "state media",
           "Fictional state media holding", "rus", 0.13, (("ru", 1.0),),
           (("jsonld", 0.85), ("meta", 0.1), ("none", 0.05)), "+03:00"),
    Outlet("bakuherald", "bakuherald.example", "Baku Herald", "Azerbaijan", "independent media",
           "Herald Media Group (fictional)", "aze", 0.18, (("en", 0.78), ("az", 0.22)),
           (("time", 0.55), ("url", 0.4), ("none", 0.05)), "+04:00"),
    Outlet("yerevanobserver", "yerevan-observer.example", "Yerevan Observer", "Armenia", "independent media",
           "Observer Foundation (fictional)", "arm", 0.18, (("en", 0.78), ("hy", 0.22)),
           (("time", 0.6), ("url", 0.2), ("none", 0.2)), "+04:00"),
    Outlet("easterndesk", "eastern-desk.example", "Eastern Desk", "Belgium", "other",
           "Eastern Desk asbl, a Brussels policy website (fictional)", "neutral", 0.15, (("en", 1.0),),
           (("jsonld", 0.7), ("meta", 0.1), ("none", 0.2)), "+01:00"),
    Outlet("valmeriamfa", "mfa.valmeria.example", "Ministry of Foreign Affairs of Valmeria — Press Office",
           "Valmeria (fictional)", "government", "Government of Valmeria (fictional state)", "neutral", 0.10,
           (("en", 1.0),), (("metaname", 0.7), ("none", 0.3)), "+01:00"),
)
OUTLET = {o.source: o for o in OUTLETS}

# Who republishes whose articles (syndication): original source -> possible republishers, per language.
SYNDICATION = {
    ("caucasuswire", "en"): ("bakuherald", "yerevanobserver", "easterndesk"),
    ("caucasuswire", "ru"): ("kavkazvestnik",),
    ("valmeriamfa", "en"): ("easterndesk", "bakuherald"),
}

AUTHORS = {
    ("caucasuswire", "en"): ("Nino Kapanadze", "David Meskhishvili", "Tamar Gelashvili"),
    ("caucasuswire", "ru"): ("Нино Капанадзе", "Давид Месхишвили"),
    ("kavkazvestnik", "ru"): ("Андрей Соколовский", "Марина Левченко", "Игорь Дроздов"),
    ("bakuherald", "en"): ("Aysel Karimli", "Elmar Jafarli", "Gunel Mammadli"),
    ("bakuherald", "az"): ("Aysel Kərimli", "Elmar Cəfərli", "Günel Məmmədli"),
    ("yerevanobserver", "en"): ("Anahit Grigoryants", "Davit Hakobyants", "Mariam Sahakyants"),
    ("yerevanobserver", "hy"): ("Անահիտ Գրիգորյանց", "Դավիթ Հակոբյանց", "Մարիամ Սահակյանց"),
    ("easterndesk", "en"): ("Claire Dubois-Martin", "Jan Pieters", "Katarzyna Wolska"),
}

# ---------------------------------------------------------------------------------------------------
# Attention over time: relative number of articles per month, and the theme of each period
# ---------------------------------------------------------------------------------------------------

MONTH_WEIGHTS: dict[tuple[int, int], float] = {
    (2020, 9): 5, (2020, 10): 14, (2020, 11): 12, (2020, 12): 4,
    (2021, 1): 2, (2021, 2): 1.5, (2021, 3): 1.5, (2021, 4): 1.5, (2021, 5): 3, (2021, 6): 2,
    (2021, 7): 2, (2021, 8): 1.5, (2021, 9): 1.5, (2021, 10): 1.5, (2021, 11): 3, (2021, 12): 2,
    (2022, 1): 1.5, (2022, 2): 1.5, (2022, 3): 2, (2022, 4): 2, (2022, 5): 2, (2022, 6): 1.5,
    (2022, 7): 2, (2022, 8): 2.5, (2022, 9): 4, (2022, 10): 2.5, (2022, 11): 2, (2022, 12): 8,
    (2023, 1): 8, (2023, 2): 7, (2023, 3): 6, (2023, 4): 7, (2023, 5): 6, (2023, 6): 7,
    (2023, 7): 8, (2023, 8): 9, (2023, 9): 14, (2023, 10): 7, (2023, 11): 3, (2023, 12): 3,
    (2024, 1): 2.5, (2024, 2): 2.5, (2024, 3): 2.5, (2024, 4): 4, (2024, 5): 4, (2024, 6): 2.5,
    (2024, 7): 2, (2024, 8): 2, (2024, 9): 2, (2024, 10): 2.5, (2024, 11): 3, (2024, 12): 2,
    (2025, 1): 2, (2025, 2): 2, (2025, 3): 4, (2025, 4): 2, (2025, 5): 2, (2025, 6): 2,
    (2025, 7): 2.5, (2025, 8): 8, (2025, 9): 4, (2025, 10): 2.5, (2025, 11): 2.5, (2025, 12): 2.5,
    (2026, 1): 4,
}

FOCUS = {  # within these months most articles fall on the days of the event (first, last day)
    (2020, 11): (1, 12), (2022, 9): (13, 20), (2022, 12): (12, 31), (2023, 4): (22, 30), (2023, 9): (19, 30),
    (2024, 4): (19, 30), (2025, 3): (13, 20), (2025, 8): (8, 20),
}
FOCUS_SHARE = 0.75

PERIODS = (  # (first day, theme) — the theme of a date is the last period starting on or before it
    (date(2020, 9, 27), "war"),
    (date(2020, 11, 10), "postwar"),
    (date(2022, 12, 12), "blockade"),
    (date(2023, 9, 19), "exodus"),
    (date(2023, 11, 1), "peace"),
    (date(2025, 8, 8), "washington"),
)
ENERGY_SHARE = 0.2  # share of articles on gas and energy in the quieter periods
FALLBACK = {"washington": "peace"}  # language packs without a theme fall back to this one

# ---------------------------------------------------------------------------------------------------
# Content items. Leads, context paragraphs and titles are Items; messages are what speakers say.
# ---------------------------------------------------------------------------------------------------


class Item(NamedTuple):
    text: str
    side: str = "any"           # any | neutral | arm | aze | rus: which outlets may use it
    start: date | None = None
    end: date | None = None


def T(text: str, side: str = "any", start: str | None = None, end: str | None = None) -> Item:
    return Item(text, side, _d(start), _d(end))


class Msg(NamedTuple):
    side: str                   # "any" or space-separated sides (arm aze rus west): who may say it
    type: str                   # appeal|concern|condemn|welcome|commit|reject|threat|statement
    direct: tuple[str, ...]     # the quote, one or more sentences, no final punctuation
    indirect: str               # en/ru: the complement of the reported verb; az/hy: a sentence with {S}
    cue: str = ""               # az/hy: the reporting verb used in `indirect`
    start: date | None = None
    end: date | None = None


def M(side: str, type_: str, direct: list[str] | str, indirect: str, cue: str = "",
      start: str | None = None, end: str | None = None) -> Msg:
    sents = (direct,) if isinstance(direct, str) else tuple(direct)
    return Msg(side, type_, sents, indirect, cue, _d(start), _d(end))


class Speaker(NamedTuple):
    """An invented or anonymous speaker, or a real institution; forms per language."""

    key: str
    side: str                   # arm | aze | rus | west
    kind: str                   # person | anonymous | institution
    gender: str                 # m | f | n | pl | x (unknown: no pronoun)
    en: tuple                   # (name|None, title, title_before_name, short|None, role noun)
    ru: tuple | None = None     # (intro, gender, short, short gender, genitive for "по словам")
    az: tuple | None = None     # (intro, short)
    hy: tuple | None = None     # (intro with article, short with article)
    start: date | None = None
    end: date | None = None
    themes: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()   # only quoted by these outlets (empty: any)
    analyst: bool = False           # speaks for nobody: no appeals or pledges, no first-person plural


SPEAKERS: tuple[Speaker, ...] = (
    # Armenia (invented people; the ministry as an institution)
    Speaker("sargsyants", "arm", "person", "m",
            ("Arman Sargsyants", "Deputy Foreign Minister", True, "Sargsyants", "the deputy minister"),
            ("заместитель министра иностранных дел Армении Арман Саргсянц", "m", "Саргсянц", "m", "Саргсянца"),
            None, ("ԱԳ նախարարի տեղակալ Արման Սարգսյանցը", "Սարգսյանցը")),
    Speaker("abgaryants", "arm", "person", "f",
            ("Lusine Abgaryants", "a spokeswoman for Armenia's foreign ministry", False, "Abgaryants",
             "the spokeswoman"),
            ("официальный представитель МИД Армении Лусине Абгарянц", "f", "Абгарянц", "f", "Абгарянц"),
            None, ("ԱԳՆ խոսնակ Լուսինե Աբգարյանցը", "Աբգարյանցը")),
    Speaker("minasyants", "arm", "person", "m",
            ("Hayk Minasyants", "a member of Armenia's border delimitation commission", False, "Minasyants",
             "the commission member"),
            ("член армянской комиссии по делимитации границы Айк Минасянц", "m", "Минасянц", "m", "Минасянца"),
            None, ("սահմանազատման հանձնաժողովի անդամ Հայկ Մինասյանցը", "Մինասյանցը"),
            start=_d("2022-05-24"), themes=("postwar", "peace", "washington")),
    Speaker("aleksanyants", "arm", "person", "m",
            ("Gor Aleksanyants", "a spokesman for the Karabakh Armenian authorities", False, "Aleksanyants",
             "the spokesman"),
            ("представитель властей карабахских армян Гор Алексанянц", "m", "Алексанянц", "m", "Алексанянца"),
            None, ("Արցախի իշխանությունների խոսնակ Գոռ Ալեքսանյանցը", "Ալեքսանյանցը"),
            end=_d("2023-09-30"), themes=("war", "postwar", "blockade", "exodus")),
    Speaker("gasparyants", "arm", "person", "m",
            ("Ruben Gasparyants", "a Yerevan-based political analyst", False, "Gasparyants", "the analyst"),
            ("ереванский политолог Рубен Гаспарянц", "m", "Гаспарянц", "m", "Гаспарянца"),
            None, ("քաղաքագետ Ռուբեն Գասպարյանցը", "Գասպարյանցը"), analyst=True),
    Speaker("arm_mfa", "arm", "institution", "n", (None, "Armenia's foreign ministry", False, None, "the ministry"),
            ("МИД Армении", "m", "ведомство", "n", "МИД Армении"), None, ("Հայաստանի ԱԳՆ-ն", "ԱԳՆ-ն")),
    Speaker("arm_anon", "arm", "anonymous", "x",
            (None, "an official at Armenia's foreign ministry who asked not to be named", False, None,
             "the official"),
            ("источник в МИД Армении", "m", "собеседник", "m", "источника в МИД Армении")),
    # Azerbaijan
    Speaker("rustamova", "aze", "person", "f",
            ("Leyla Rustamova", "a spokeswoman for Azerbaijan's foreign ministry", False, "Rustamova",
             "the spokeswoman"),
            ("официальный представитель МИД Азербайджана Лейла Рустамова", "f", "Рустамова", "f", "Рустамовой"),
            ("Xarici İşlər Nazirliyinin sözçüsü Leyla Rüstəmova", "Rüstəmova")),
    Speaker("gasimzade", "aze", "person", "m",
            ("Tural Gasimzade", "Deputy Foreign Minister", True, "Gasimzade", "the deputy minister"),
            ("заместитель министра иностранных дел Азербайджана Турал Гасымзаде", "m", "Гасымзаде", "m",
             "Гасымзаде"),
            ("xarici işlər nazirinin müavini Tural Qasımzadə", "Qasımzadə")),
    Speaker("huseynli", "aze", "person", "m",
            ("Rashad Huseynli", "a member of Azerbaijan's state commission on border delimitation", False,
             "Huseynli", "the commission member"),
            ("член азербайджанской комиссии по делимитации границы Рашад Гусейнли", "m", "Гусейнли", "m",
             "Гусейнли"),
            ("sərhədlərin delimitasiyası üzrə dövlət komissiyasının üzvü Rəşad Hüseynli", "Hüseynli"),
            start=_d("2022-05-24"), themes=("postwar", "peace", "washington")),
    Speaker("safarli", "aze", "person", "f",
            ("Nigar Safarli", "a senior official at Azerbaijan's mine action agency", False, "Safarli",
             "the official"),
            ("сотрудник азербайджанского агентства по разминированию Нигяр Сафарли", "f", "Сафарли", "f",
             "Сафарли"),
            ("Minatəmizləmə Agentliyinin əməkdaşı Nigar Səfərli", "Səfərli"), themes=("postwar", "peace")),
    Speaker("novruzlu", "aze", "person", "m",
            ("Samir Novruzlu", "a Baku-based political analyst", False, "Novruzlu", "the analyst"),
            ("бакинский политолог Самир Новрузлу", "m", "Новрузлу", "m", "Новрузлу"),
            ("politoloq Samir Novruzlu", "Novruzlu"), analyst=True),
    Speaker("aze_mfa", "aze", "institution", "n", (None, "Azerbaijan's foreign ministry", False, None, "the ministry"),
            ("МИД Азербайджана", "m", "ведомство", "n", "МИД Азербайджана"),
            ("Azərbaycan Xarici İşlər Nazirliyi", "nazirlik")),
    Speaker("aze_mod", "aze", "institution", "n", (None, "Azerbaijan's defence ministry", False, None, "the ministry"),
            ("Минобороны Азербайджана", "n", "ведомство", "n", "Минобороны Азербайджана"),
            ("Azərbaycan Müdafiə Nazirliyi", "nazirlik"), themes=("war", "postwar")),
    Speaker("aze_anon", "aze", "anonymous", "x",
            (None, "a source in the Azerbaijani government", False, None, "the source"),
            ("источник в правительстве Азербайджана", "m", "собеседник", "m", "источника в правительстве Азербайджана"),
            ("hökumət mənbəyi", "mənbə")),
    # Russia
    Speaker("korolyov", "rus", "person", "m",
            ("Vadim Korolyov", "deputy director of a department at the Russian foreign ministry", False,
             "Korolyov", "the diplomat"),
            ("заместитель директора департамента МИД России Вадим Королёв", "m", "Королёв", "m", "Королёва")),
    Speaker("bystrov", "rus", "person", "m",
            ("Colonel Oleg Bystrov", "a spokesman for the Russian peacekeeping contingent", False, "Bystrov",
             "the colonel"),
            ("представитель российского миротворческого контингента полковник Олег Быстров", "m", "Быстров", "m",
             "Быстрова"),
            start=_d("2020-11-10"), end=_d("2024-06-12"), themes=("postwar", "blockade", "exodus")),
    Speaker("nechaev", "rus", "person", "m",
            ("Kirill Nechaev", "a member of the State Duma's international affairs committee", False, "Nechaev",
             "the lawmaker"),
            ("член комитета Госдумы по международным делам Кирилл Нечаев", "m", "Нечаев", "m", "Нечаева")),
    Speaker("velikanov", "rus", "person", "m",
            ("Dmitry Velikanov", "a Moscow-based political scientist", False, "Velikanov", "the political scientist"),
            ("московский политолог Дмитрий Великанов", "m", "Великанов", "m", "Великанова"), analyst=True),
    Speaker("rus_mfa", "rus", "institution", "n", (None, "the Russian foreign ministry", False, None, "the ministry"),
            ("МИД России", "m", "ведомство", "n", "МИД России")),
    Speaker("rus_anon", "rus", "anonymous", "x", (None, "a diplomatic source in Moscow", False, None, "the source"),
            ("дипломатический источник в Москве", "m", "собеседник", "m", "дипломатического источника в Москве")),
    # The West and international bodies (invented people; real bodies as institutions)
    Speaker("whitlow", "west", "person", "f",
            ("Karen Whitlow", "a deputy assistant secretary of state", False, "Whitlow", "the U.S. diplomat"),
            ("заместитель помощника госсекретаря США Карен Уитлоу", "f", "Уитлоу", "f", "Уитлоу")),
    Speaker("us_anon", "west", "anonymous", "x",
            (None, "a senior State Department official", False, None, "the official"),
            ("высокопоставленный представитель Госдепартамента", "m", "собеседник", "m",
             "высокопоставленного представителя Госдепартамента")),
    Speaker("us_inst", "west", "institution", "n", (None, "the U.S. State Department", False, None, "the department"),
            ("Госдепартамент США", "m", "ведомство", "n", "Госдепартамента США")),
    Speaker("vos", "west", "person", "f",
            ("Anneke Vos", "a senior adviser at the European External Action Service", False, "Vos", "the adviser"),
            ("старший советник Европейской службы внешних действий Аннеке Вос", "f", "Вос", "f", "Вос")),
    Speaker("ferrante", "west", "person", "m",
            ("Marco Ferrante", "a member of the European Parliament", False, "Ferrante", "the lawmaker"),
            ("депутат Европарламента Марко Ферранте", "m", "Ферранте", "m", "Ферранте")),
    Speaker("eu_anon", "west", "anonymous", "x", (None, "a senior EU official", False, None, "the official"),
            ("высокопоставленный представитель ЕС", "m", "собеседник", "m", "высокопоставленного представителя ЕС"),
            ("Avropa İttifaqının yüksək vəzifəli rəsmisi", "rəsmi"), ("ԵՄ բարձրաստիճան պաշտոնյան", "պաշտոնյան")),
    Speaker("eu_inst", "west", "institution", "n",
            (None, "the European Union's diplomatic service", False, None, "the service"),
            ("Европейская служба внешних действий", "f", "служба", "f", "Европейской службы внешних действий")),
    Speaker("marchetti", "west", "person", "f",
            ("Sophie Marchetti", "a regional spokeswoman for the International Committee of the Red Cross", False,
             "Marchetti", "the spokeswoman"),
            ("региональный представитель Международного комитета Красного Креста Софи Маркетти", "f", "Маркетти",
             "f", "Маркетти"),
            themes=("war", "postwar", "blockade", "exodus")),
    Speaker("minsk_inst", "west", "institution", "pl",
            (None, "the OSCE Minsk Group co-chairs", False, None, "the co-chairs"),
            ("сопредседатели Минской группы ОБСЕ", "pl", "сопредседатели", "pl", "сопредседателей Минской группы ОБСЕ"),
            end=_d("2022-02-23"), themes=("war", "postwar")),
    Speaker("holt", "west", "person", "f",
            ("Maren Holt", "Valmeria's special envoy for the South Caucasus", False, "Holt", "the envoy"),
            ("спецпредставитель Вальмерии по Южному Кавказу Марен Холт", "f", "Холт", "f", "Холт"),
            ("Valmeriyanın Cənubi Qafqaz üzrə xüsusi nümayəndəsi Maren Holt", "Holt"),
            ("Վալմերիայի հատուկ բանագնաց Մարեն Հոլթը", "Հոլթը")),
    Speaker("lind", "west", "person", "m",
            ("Tobias Lind", "a spokesman for Valmeria's foreign ministry", False, "Lind", "the spokesman"),
            outlets=("valmeriamfa", "easterndesk")),
    Speaker("valmeria_inst", "west", "institution", "n",
            (None, "Valmeria's foreign ministry", False, None, "the ministry"), outlets=("valmeriamfa",)),
    Speaker("dewilde", "west", "person", "m",
            ("Pieter de Wilde", "an analyst at the Centre for Eastern Neighbourhood Studies in Brussels", False,
             "de Wilde", "the analyst"), outlets=("easterndesk", "caucasuswire"), analyst=True),
)
VALMERIA_SPEAKERS = ("holt", "lind", "valmeria_inst")

SIDE_WEIGHTS = {  # whom an outlet quotes
    "neutral": (("arm", 0.27), ("aze", 0.27), ("rus", 0.13), ("west", 0.33)),
    "arm": (("arm", 0.5), ("aze", 0.15), ("rus", 0.1), ("west", 0.25)),
    "aze": (("aze", 0.5), ("arm", 0.15), ("rus", 0.1), ("west", 0.25)),
    "rus": (("rus", 0.5), ("arm", 0.2), ("aze", 0.2), ("west", 0.1)),
}

# ---------------------------------------------------------------------------------------------------
# Language packs
# ---------------------------------------------------------------------------------------------------

EN_VOCAB = {
    "neutral": dict(NK="Nagorno-Karabakh", STEP="Stepanakert (Khankendi)", SHUSHA="Shusha (Shushi)",
                    SOUTH="Syunik", ZANG="the so-called Zangezur corridor", LACHIN="the Lachin corridor",
                    KA="ethnic Armenians from Karabakh"),
    "arm": dict(NK="Nagorno-Karabakh", STEP="Stepanakert", SHUSHA="Shushi", SOUTH="Syunik",
                ZANG="the so-called Zangezur corridor", LACHIN="the Lachin corridor", KA="the people of Artsakh"),
    "aze": dict(NK="Karabakh", STEP="Khankendi", SHUSHA="Shusha", SOUTH="Zangezur", ZANG="the Zangezur corridor",
                LACHIN="the Lachin road", KA="Armenian residents of Karabakh"),
}
EN_VOCAB["rus"] = EN_VOCAB["neutral"]
EN_VOCAB["west"] = EN_VOCAB["neutral"]

RU_VOCAB = {
    "neutral": dict(NK="Нагорный Карабах", NK_gen="Нагорного Карабаха", NK_loc="Нагорном Карабахе",
                    STEP="Степанакерт (Ханкенди)", STEP_gen="Степанакерта (Ханкенди)",
                    LACHIN="Лачинский коридор", LACHIN_gen="Лачинского коридора", LACHIN_loc="Лачинском коридоре",
                    LACHIN_dat="Лачинскому коридору", SOUTH="Сюник", SOUTH_loc="Сюнике",
                    ZANG="Зангезурский коридор", ZANG_gen="Зангезурского коридора", SHUSHA="Шуша"),
}
RU_VOCAB["rus"] = dict(RU_VOCAB["neutral"], STEP="Степанакерт", STEP_gen="Степанакерта")

WEEKDAYS = {
    "en": ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday"),
    "ru": ("в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу", "в воскресенье"),
    "az": ("bazar ertəsi", "çərşənbə axşamı", "çərşənbə günü", "cümə axşamı", "cümə günü", "şənbə günü",
           "bazar günü"),
    "hy": ("երկուշաբթի օրը", "երեքշաբթի օրը", "չորեքշաբթի օրը", "հինգշաբթի օրը", "ուրբաթ օրը", "շաբաթ օրը",
           "կիրակի օրը"),
}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
             "ноября", "декабря")
WEEKDAY_NAMES_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_NAMES_RU = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")

EN: dict = {
    "lead": {
        "war": [
            T("Fighting around {NK} continued {when} as Armenian and Azerbaijani forces reported new shelling along "
              "the line of contact, while diplomats in Moscow, Washington and Paris pressed both sides to return to "
              "talks under the OSCE Minsk Group."),
            T("Calls for a ceasefire grew louder {when} after a night of artillery fire that residents said reached "
              "the outskirts of {STEP}, while Azerbaijan reported strikes on towns well behind the front."),
            T("International pressure on Baku and Yerevan mounted {when} as the number of civilian casualties on "
              "both sides of the front line rose and aid groups prepared for large-scale displacement."),
            T("The Azerbaijani army reported further advances in the districts around {NK} {when}, while Baku "
              "described the operation as the restoration of its internationally recognised borders.", "aze"),
            T("Residents of {STEP} spent another night in basements {when} as the war around {NK} entered a new "
              "phase and volunteers in Yerevan collected supplies for the front.", "arm"),
        ],
        "postwar": [
            T("Armenia and Azerbaijan traded accusations {when} over an incident on their shared border, the latest "
              "in a series of flare-ups since the November 2020 ceasefire that brought Russian peacekeepers to {NK}."),
            T("The fate of Armenian detainees held in Azerbaijan was back on the agenda {when}, as mediators sought "
              "to build confidence between the two sides after the 2020 war."),
            T("Landmines left from decades of conflict remained a major obstacle to reconstruction in the areas "
              "around {NK}, officials said {when}, as demining teams reported new casualties."),
            T("Talks on reopening regional transport links, including a route across {SOUTH} that Baku calls "
              "{ZANG}, resumed {when} with Russian mediation, though both sides described progress as slow."),
            T("Reconstruction in {SHUSHA} and the surrounding districts gathered pace {when}, with new roads and "
              "an airport presented as the start of a large-scale return programme.", "aze"),
            T("Families of Armenian servicemen missing since the 2020 war gathered in Yerevan {when} to demand "
              "answers, as the issue of prisoners continued to overshadow post-war diplomacy.", "arm"),
        ],
        "blockade": [
            T("The closure of {LACHIN}, the only road linking {NK} with Armenia, entered another week {when}, with "
              "residents of {STEP} reporting shortages of food, fuel and medicine.", "neutral"),
            T("The closure of {LACHIN}, the only road linking {NK} with Armenia, entered another week {when}, with "
              "residents of {STEP} reporting shortages of food, fuel and medicine.", "arm"),
            T("Diplomatic efforts to reopen {LACHIN} intensified {when} as aid groups struggled to deliver supplies "
              "and Russian peacekeepers stationed along the road came under growing criticism.", "neutral"),
            T("Gas and electricity supplies to {NK} were disrupted again {when}, adding to the strain on a "
              "population already cut off from Armenia by the standoff on {LACHIN}.", "neutral"),
            T("Gas and electricity supplies to {NK} were disrupted again {when}, adding to the strain on a "
              "population already cut off from Armenia by the standoff on {LACHIN}.", "arm"),
            T("Azerbaijan's decision to set up a checkpoint at the entrance to {LACHIN} drew sharp reactions {when}, "
              "with Yerevan calling it a violation of the 2020 ceasefire statement and Baku describing it as a "
              "routine border control measure.", "neutral", "2023-04-23"),
            T("Environmental activists kept up their protest on {LACHIN} {when}, saying they would not leave until "
              "illegal mining in {NK} was halted, while officials insisted the road remained open for humanitarian "
              "traffic.", "aze"),
            T("The new border checkpoint at the start of {LACHIN} worked normally {when}, officials in Baku said, "
              "adding that residents of {NK} could pass with Azerbaijani documents.", "aze", "2023-04-23"),
        ],
        "exodus": [
            T("Tens of thousands of people have crossed from {NK} into Armenia since Azerbaijan's military "
              "operation in September, aid agencies said {when}, as reception centres in {SOUTH} struggled to "
              "cope.", "neutral"),
            T("Tens of thousands of people have crossed from {NK} into Armenia since Azerbaijan's military "
              "operation in September, aid agencies said {when}, as reception centres in {SOUTH} struggled to "
              "cope.", "arm"),
            T("The departure of almost the entire Armenian population of {NK} dominated talks among diplomats "
              "{when}, with several governments announcing humanitarian aid for Armenia.", "neutral"),
            T("Officials in Baku said {when} that work to reintegrate {NK} was under way and that residents who "
              "wished to stay would be offered documents, pensions and public services.", "aze"),
        ],
        "peace": [
            T("Armenia and Azerbaijan held another round of talks on a peace treaty {when}, with officials saying "
              "that differences remained on a handful of articles."),
            T("Work on delimiting the border between Armenia and Azerbaijan continued {when} as government "
              "commissions from both countries met to discuss the next section of the frontier."),
            T("Officials in Baku and Yerevan offered cautiously optimistic assessments {when} of the prospects for "
              "a peace agreement, though disagreements over Armenia's constitution and regional transport links "
              "persisted."),
            T("The handover of several border villages in the Tavush and Gazakh area under a delimitation deal "
              "remained controversial in Armenia {when}, with residents worried about roads and farmland.",
              "any", "2024-04-19", "2024-09-30"),
            T("Foreign ministers of the two countries met again {when}, and both sides said the text of the "
              "peace agreement was close to being finalised.", "any", "2025-03-13"),
        ],
        "washington": [
            T("Officials continued to discuss {when} how to implement the framework agreed in Washington in August "
              "2025, including plans for a transit route across southern Armenia known as TRIPP."),
            T("The proposed transit route through {SOUTH}, promoted under the TRIPP label since the Washington "
              "meeting, was the focus of talks {when} between officials from Armenia, Azerbaijan and the United "
              "States."),
            T("The peace agreement initialled in Washington in August 2025 was back in the spotlight {when}, as "
              "both governments discussed the steps needed before it can be signed."),
            T("The winding-down of the OSCE Minsk process after the Washington meeting was discussed {when} by "
              "diplomats who had followed the conflict for years.", "any", "2025-09-01"),
        ],
        "energy": [
            T("Azerbaijan's gas exports to Europe were the focus of talks {when}, as EU officials looked for "
              "alternatives to Russian supplies and Baku sought investment to expand the Southern Gas Corridor.",
              "any", "2022-03-01"),
            T("Energy security in the South Caucasus was back on the agenda {when}, with Armenia weighing options "
              "to diversify its gas and electricity supplies, most of which come from or through Russia."),
            T("Plans for a subsea electricity cable under the Black Sea were discussed {when}, part of a broader "
              "push to link the South Caucasus with European energy markets.", "any", "2022-12-01"),
            T("Preparations for the UN climate conference in Baku shaped energy debates in the region {when}, with "
              "campaigners and officials disagreeing over the future of gas.", "any", "2024-01-01", "2024-11-30"),
        ],
    },
    "ctx": {
        "war": [
            T("The fighting, which began in late September, is the most serious escalation of the conflict since "
              "the early 1990s, when a war ended with Armenian forces in control of the region and seven "
              "surrounding districts."),
            T("Several humanitarian ceasefires brokered by Russia, France and the United States collapsed within "
              "hours, with each side blaming the other for violations."),
            T("Turkey has openly backed Azerbaijan, while Russia, which has a military base in Armenia, has called "
              "for restraint and offered to host talks."),
        ],
        "postwar": [
            T("Under the ceasefire statement signed in November 2020, Azerbaijan regained control of most of the "
              "territory around {NK}, and a Russian peacekeeping force was deployed along {LACHIN}."),
            T("The border between the two countries has never been formally delimited, and incidents along it "
              "have become more frequent since the war, particularly in the Syunik and Gegharkunik regions."),
            T("Azerbaijan says hundreds of people, many of them civilians, have been killed or injured by mines "
              "since the end of the war, and demining is expected to take years."),
            T("The trilateral statement also envisaged the unblocking of all economic and transport links in the "
              "region, but the sides disagree on what that means for a route across {SOUTH}."),
        ],
        "blockade": [
            T("The road has been obstructed since December 2022, when a group of Azerbaijanis presenting themselves "
              "as environmental activists set up camp on it, and only the Red Cross and Russian peacekeepers have "
              "been able to move supplies regularly."),
            T("Around 120,000 people lived in {NK} before the closure, according to local authorities, and the "
              "region depended on Armenia for most of its food and medicine."),
            T("The International Court of Justice ordered Azerbaijan in February 2023 to ensure unimpeded movement "
              "along the corridor, an order Baku says it has complied with.", "any", "2023-02-22"),
            T("The EU deployed a civilian monitoring mission on the Armenian side of the border in early 2023, a "
              "move that Moscow criticised.", "any", "2023-02-20"),
        ],
        "exodus": [
            T("The one-day military operation in September ended with the surrender of the local Armenian forces "
              "and an agreement to dissolve the breakaway administration."),
            T("Most of the new arrivals were first registered in Goris and other towns of {SOUTH} before moving on "
              "to Yerevan and other parts of Armenia, where many are still looking for permanent housing."),
            T("Azerbaijan has said the Armenian residents of {NK} are welcome to stay as citizens of Azerbaijan, "
              "while Armenia has accused Baku of ethnic cleansing."),
        ],
        "peace": [
            T("Azerbaijan has repeatedly called for changes to Armenia's constitution, which Baku says contains "
              "territorial claims, before any peace treaty is signed."),
            T("The two sides agreed in principle to recognise each other's territorial integrity on the basis of "
              "the 1991 Alma-Ata Declaration, but have yet to agree on maps for the delimitation."),
            T("Russian border guards left several posts on the Armenian border in 2024, and Armenia has frozen its "
              "participation in the Russian-led Collective Security Treaty Organization.", "any", "2024-06-01"),
            T("Negotiators say the draft treaty contains 17 articles, and the last disputed points were settled "
              "in March 2025.", "any", "2025-03-14"),
        ],
        "washington": [
            T("Under the framework agreed in Washington, a route across southern Armenia is to connect mainland "
              "Azerbaijan with its Nakhchivan exclave while remaining under Armenian law."),
            T("The two foreign ministers initialled the peace text in Washington, but Baku has said it will only "
              "sign once Armenia changes its constitution."),
            T("Russia and Iran have both reacted cautiously to a stronger US role in a region they consider their "
              "neighbourhood."),
        ],
        "energy": [
            T("The Southern Gas Corridor carries gas from the Caspian Sea through Georgia and Turkey to southern "
              "Europe, and the EU signed a memorandum with Baku in 2022 to double imports.", "any", "2022-07-19"),
            T("Armenia imports most of its gas from Russia through a pipeline crossing Georgia, and its only "
              "nuclear power plant is due to be replaced in the coming decades."),
            T("Environmental groups argue that new gas contracts risk locking the region into fossil fuels for "
              "decades, a criticism Baku rejects."),
        ],
    },
    "bg": [
        T("The two countries fought a six-week war in 2020 that ended with a ceasefire brokered by Moscow, under "
          "which Russian peacekeepers were deployed to parts of {NK}.", "any", "2020-11-10"),
        T("{NK} is internationally recognised as part of Azerbaijan, but until 2023 it was largely populated by "
          "ethnic Armenians and run by a self-declared administration backed by Yerevan.", "neutral"),
        T("The OSCE Minsk Group, co-chaired by France, Russia and the United States, mediated between the sides "
          "for almost three decades, though its work largely stalled after 2022.", "any", "2023-01-01"),
        T("The European Union has kept a civilian monitoring mission on the Armenian side of the border since "
          "early 2023.", "any", "2023-03-01"),
        T("Turkey, a close ally of Azerbaijan, has said it will normalise relations with Armenia in step with "
          "progress between Baku and Yerevan.", "any", "2021-12-15"),
        T("Iran, which borders both countries, has said it opposes any change of borders in the region and "
          "follows the debate over transport routes through {SOUTH} closely."),
        T("Baku regards the return of all of Karabakh as the end of the conflict and wants a peace treaty that "
          "rules out any future territorial claims.", "aze", "2023-10-01"),
        T("Yerevan says the rights and security of the displaced people of {NK} must remain on the international "
          "agenda.", "arm", "2023-10-01"),
    ],
    "close": [
        T("Officials in Baku and Yerevan did not immediately respond to requests for further comment."),
        T("Further talks are expected in the coming weeks, according to diplomats familiar with the process."),
        T("No date has been set for the next meeting between the two sides."),
        T("The situation remains tense, and both governments say they want to avoid a new escalation."),
    ],
    "title": {
        "war": [T("Shelling continues around {NK} as calls for a ceasefire grow"),
                T("Diplomats press Baku and Yerevan to halt the fighting"),
                T("Civilian toll rises as fighting spreads around {NK}"),
                T("Humanitarian truce falters within hours"),
                T("Baku says operation will continue until borders are restored", "aze"),
                T("Night of shelling in {STEP} as war enters new phase", "arm")],
        "postwar": [T("Armenia and Azerbaijan trade blame over border incident"),
                    T("Detainee issue clouds post-war talks"),
                    T("Landmines slow return to war-damaged districts"),
                    T("Transport talks resume with focus on {SOUTH} route"),
                    T("Peacekeepers' role questioned as tensions persist"),
                    T("Reconstruction drive speeds up in {SHUSHA}", "aze"),
                    T("Families of missing soldiers demand answers", "arm")],
        "blockade": [T("{LACHIN} closure enters another week", "neutral"),
                     T("Shortages deepen in {STEP} as road stays shut", "arm"),
                     T("Shortages deepen in {STEP} as road stays shut", "neutral"),
                     T("Mediators push to reopen the road to {NK}"),
                     T("Gas supply to {NK} cut again", "neutral"),
                     T("Checkpoint at the entrance to {LACHIN} draws sharp reactions", "any", "2023-04-23"),
                     T("Protest on {LACHIN} continues", "aze"),
                     T("Baku says humanitarian traffic is not obstructed", "aze")],
        "exodus": [T("Aid groups scale up help for people displaced from {NK}"),
                   T("Diplomats discuss the fallout of the exodus from {NK}", "neutral"),
                   T("Armenia asks partners for help with housing the displaced", "arm"),
                   T("Baku outlines plans for reintegration of {NK}", "aze")],
        "peace": [T("Peace treaty talks: differences narrow, officials say"),
                  T("Border commissions meet on delimitation"),
                  T("Baku and Yerevan cautiously upbeat on peace deal"),
                  T("Constitution dispute shadows peace talks"),
                  T("What is still missing from the Armenia–Azerbaijan treaty")],
        "washington": [T("Officials discuss next steps after the Washington framework"),
                       T("TRIPP route through {SOUTH} in focus"),
                       T("Armenia–Azerbaijan deal: what comes after Washington"),
                       T("Neighbours wary of new transit plans in the South Caucasus")],
        "energy": [T("Azerbaijani gas for Europe in focus", "any", "2022-03-01"),
                   T("Armenia weighs energy diversification"),
                   T("Black Sea cable plan moves ahead", "any", "2022-12-01"),
                   T("Gas, climate and politics: the South Caucasus energy debate")],
    },
    "msg": {
        "war": [
            M("arm", "appeal", ["We call on the international community to stop the attacks on peaceful towns and "
                                "villages in {NK}", "Every hour of delay costs lives"],
              "the international community to stop the attacks on towns and villages in {NK}"),
            M("arm", "condemn", "We condemn the shelling of {STEP}, which is home to tens of thousands of civilians",
              "the shelling of {STEP} and other civilian areas"),
            M("aze", "condemn", ["We condemn the missile strikes on our cities far from the front line",
                                 "These attacks deliberately target civilians"],
              "missile strikes on Azerbaijani towns far from the front line"),
            M("aze", "statement", "Azerbaijan is acting on its own territory and within international law",
              "Azerbaijan was acting on its own territory and within international law"),
            M("aze", "reject", ["We reject the claims that foreign fighters are taking part in the operation",
                                "They have no basis at all"],
              "claims that foreign fighters were taking part in the fighting"),
            M("rus", "appeal", ["We urge the sides to cease fire immediately and to return to the negotiating table",
                                "There is no military solution to this conflict"],
              "both sides to cease fire immediately and return to negotiations"),
            M("west", "concern", "We are deeply concerned about the reports of civilian casualties on both sides "
                                 "of the line of contact",
              "civilian casualties were being reported on both sides of the line of contact"),
            M("west", "appeal", ["We call on both sides to respect the humanitarian ceasefire they have agreed to",
                                 "Civilians must be protected"],
              "both sides to respect the humanitarian ceasefire they had agreed to"),
            M("west", "welcome", "We welcome the agreement on a humanitarian truce and hope it will hold",
              "the agreement on a humanitarian truce"),
            M("arm aze rus", "threat", "If the attacks continue, the consequences will be felt across the whole region",
              "continued attacks would have consequences for the whole region"),
        ],
        "postwar": [
            M("arm", "appeal", ["We urge Azerbaijan to release all Armenian prisoners of war and civilian detainees "
                                "without further delay", "This is a humanitarian obligation under the ceasefire"],
              "Azerbaijan to release all Armenian prisoners of war and civilian detainees"),
            M("arm", "concern", "We are concerned that Azerbaijani troops have advanced into areas that are part "
                                "of Armenia's sovereign territory",
              "Azerbaijani troops had advanced into Armenia's sovereign territory"),
            M("aze", "appeal", ["We call on Armenia to hand over accurate maps of the minefields it left behind",
                                "Without them, our people cannot return home safely"],
              "Armenia to hand over accurate maps of the minefields in the districts it had controlled"),
            M("aze", "condemn", "We condemn this provocation on the border and hold the Armenian side fully "
                                "responsible", "what it called a provocation by Armenian forces on the border"),
            M("aze", "statement", "The route through {SOUTH} will connect the main part of Azerbaijan with "
                                  "Nakhchivan and benefit the whole region",
              "the route through {SOUTH} would connect mainland Azerbaijan with Nakhchivan and benefit the region"),
            M("aze", "threat", "Any further provocation will receive an adequate response",
              "any further provocation would receive a response"),
            M("rus", "commit", "Russian peacekeepers will continue to carry out their tasks in full accordance "
                               "with the trilateral statement",
              "continue carrying out the peacekeeping mission in line with the trilateral statement"),
            M("rus", "statement", "The situation in the zone of responsibility of the peacekeeping contingent "
                                  "remains stable",
              "the situation in the peacekeepers' zone of responsibility remained stable"),
            M("west", "welcome", "We welcome the release of detainees and the handover of minefield maps as "
                                 "important humanitarian steps",
              "the release of detainees and the handover of minefield maps"),
            M("west", "appeal", "We urge the parties to resolve all outstanding issues through negotiations and "
                                "to refrain from the use of force",
              "the parties to resolve all outstanding issues through negotiations"),
            M("arm aze rus", "reject", ["These accusations are groundless", "They have nothing to do with reality"],
              "the accusations as groundless"),
        ],
        "blockade": [
            M("arm", "appeal", ["We call on the international community to take concrete steps to end the "
                                "blockade of {LACHIN}", "A hundred and twenty thousand people cannot be held "
                                "hostage"],
              "the international community to take concrete steps to end the blockade of {LACHIN}"),
            M("arm", "condemn", "We condemn the closure of the only road connecting {NK} with Armenia",
              "the closure of the only road connecting {NK} with Armenia"),
            M("arm", "concern", ["We are worried that the lack of food and medicine will soon turn into a "
                                 "humanitarian catastrophe", "Children and the elderly are the first to suffer"],
              "shortages of food and medicine could soon turn into a humanitarian catastrophe"),
            M("arm", "threat", "If the road stays closed, the humanitarian consequences will be irreversible",
              "the humanitarian consequences would be irreversible if the road stayed closed"),
            M("aze", "reject", ["We reject the allegations of a blockade", "The road is open for humanitarian "
                                "and civilian traffic"],
              "allegations that the road had been blockaded"),
            M("aze", "statement", "The checkpoint has been set up on our sovereign territory in line with "
                                  "international practice",
              "the checkpoint had been set up on Azerbaijan's sovereign territory in line with international "
              "practice", start="2023-04-23"),
            M("aze", "appeal", "We call on the Armenian side to stop using the road for the transport of weapons "
                               "and mines",
              "the Armenian side to stop using the road for military supplies"),
            M("rus", "statement", "Russian peacekeepers are doing everything possible to restore normal traffic "
                                  "along the corridor",
              "the peacekeepers were doing everything possible to restore normal traffic along the corridor"),
            M("rus", "appeal", "We urge Baku and Yerevan to show restraint and to settle the situation through "
                               "dialogue",
              "Baku and Yerevan to show restraint and settle the situation through dialogue"),
            M("west", "appeal", "We call on the authorities to restore free movement along {LACHIN} for civilian, "
                                "humanitarian and commercial traffic",
              "the authorities to restore free movement along {LACHIN} for civilian, humanitarian and commercial "
              "traffic"),
            M("west", "concern", "We remain deeply concerned about the worsening humanitarian situation in {NK}",
              "the humanitarian situation in {NK} was getting worse"),
            M("west", "welcome", "We welcome the delivery of aid by the Red Cross and hope it will become regular",
              "the delivery of aid by the Red Cross"),
        ],
        "exodus": [
            M("arm", "concern", "We are concerned about the safety of those who remain and about the fate of the "
                                "cultural heritage left behind",
              "the safety of those who remained and the cultural heritage left behind were at risk"),
            M("arm", "appeal", "We call on our partners to help Armenia provide housing and jobs for the people "
                               "who have arrived from {NK}",
              "partners to help Armenia provide housing and jobs for the new arrivals"),
            M("aze", "statement", "The rights and security of Armenian residents will be guaranteed as citizens "
                                  "of Azerbaijan",
              "the rights and security of Armenian residents would be guaranteed as citizens of Azerbaijan"),
            M("aze", "reject", ["We reject the accusations of ethnic cleansing", "Nobody was forced to leave"],
              "accusations of ethnic cleansing"),
            M("west", "welcome", "We welcome Armenia's efforts to receive those who have fled, and we will "
                                 "increase our humanitarian assistance",
              "Armenia's efforts to receive those who had fled"),
            M("west", "commit", "We are committed to supporting the people who have been displaced for as long "
                                "as it takes", "support the displaced for as long as needed"),
            M("west", "concern", "We are worried by the speed and scale of the departures",
              "the speed and scale of the departures were alarming"),
            M("rus", "statement", "The peacekeeping contingent helped to organise the evacuation of civilians and "
                                  "to deliver humanitarian aid",
              "the peacekeepers had helped to organise the evacuation of civilians"),
        ],
        "peace": [
            M("arm", "commit", ["Armenia is committed to the peace agenda", "We are ready to sign the agreement on "
                                "the basis of mutual recognition of territorial integrity"],
              "sign a peace agreement based on mutual recognition of territorial integrity"),
            M("arm", "reject", "We reject the demand to change our constitution as a precondition for peace",
              "the demand to change Armenia's constitution as a precondition for peace"),
            M("arm", "statement", "The delimitation must be based on the 1991 Alma-Ata Declaration and on the "
                                  "most reliable maps available",
              "the delimitation should be based on the 1991 Alma-Ata Declaration"),
            M("aze", "appeal", "We call on Yerevan to remove the territorial claims against Azerbaijan from its "
                               "constitution", "Yerevan to remove territorial claims against Azerbaijan from its "
                                               "constitution"),
            M("aze", "statement", ["A peace treaty is closer than ever", "But the remaining questions must be "
                                   "solved in a way that guarantees a lasting peace"],
              "a peace treaty was closer than ever"),
            M("aze", "commit", "Azerbaijan is ready to continue the delimitation process section by section",
              "continue the delimitation process section by section"),
            M("west", "welcome", "We welcome the progress on border delimitation and encourage the sides to keep "
                                 "up the momentum", "the progress on border delimitation"),
            M("west", "appeal", ["We urge both governments to seize this historic opportunity and finalise the "
                                 "peace treaty", "The region has waited long enough"],
              "both governments to finalise the peace treaty"),
            M("rus", "statement", "Russia remains ready to assist the parties, including with the unblocking of "
                                  "transport links",
              "Moscow remained ready to help, including with the unblocking of transport links"),
            M("rus", "concern", "We are concerned that outside players are trying to push Russia out of the region",
              "outside players were trying to push Russia out of the region"),
            M("any", "threat", "Without a signed treaty, the risk of a new escalation will remain",
              "the risk of a new escalation would remain without a signed treaty"),
        ],
        "washington": [
            M("arm", "welcome", "We welcome the agreement reached in Washington as a turning point for our region",
              "the agreement reached in Washington"),
            M("arm", "statement", ["The TRIPP route will operate under Armenian jurisdiction and Armenian law",
                                   "Our sovereignty is not up for discussion"],
              "the route would operate under Armenian jurisdiction and law"),
            M("aze", "welcome", ["We welcome the Washington declaration", "It opens a new chapter for the South "
                                 "Caucasus"], "the Washington declaration"),
            M("aze", "statement", "Unimpeded connection with Nakhchivan will bring benefits to everyone in the region",
              "an unimpeded connection with Nakhchivan would benefit everyone in the region"),
            M("west", "commit", "We are committed to helping the parties implement what was agreed",
              "help the parties implement what was agreed"),
            M("west", "appeal", "We urge the sides to move quickly to sign the peace agreement",
              "the sides to sign the peace agreement quickly"),
            M("rus", "concern", "We are concerned that the new transport schemes bypass existing agreements",
              "the new transport schemes bypassed existing agreements"),
            M("rus", "statement", "Any arrangements in the South Caucasus must take into account the interests of "
                                  "neighbouring states",
              "any arrangements in the region had to take into account the interests of neighbouring states"),
            M("any", "threat", "If the timelines slip, the window of opportunity may close",
              "the window of opportunity could close if the timelines slipped"),
        ],
        "energy": [
            M("aze", "commit", "Azerbaijan will remain a reliable supplier of gas to its European partners",
              "remain a reliable supplier of gas to Europe"),
            M("aze", "statement", "The Southern Gas Corridor has proven its value for Europe's energy security",
              "the Southern Gas Corridor had proven its value for Europe's energy security"),
            M("west", "welcome", "We welcome the plans to increase gas supplies from the Caspian region",
              "plans to increase gas supplies from the Caspian region"),
            M("west", "concern", "We are concerned that investment in new fields could lock in fossil fuel "
                                 "dependence for decades",
              "investment in new fields could lock in fossil fuel dependence for decades"),
            M("arm", "statement", ["Armenia needs to diversify its energy sources", "We are studying all options, "
                                   "including new nuclear capacity"],
              "Armenia needed to diversify its energy sources"),
            M("rus", "statement", "Deliveries of Russian gas to Armenia continue without interruption under the "
                                  "existing contracts",
              "deliveries of Russian gas to Armenia continued under the existing contracts"),
            M("rus", "threat", "Attempts to replace Russian gas in the region will make energy more expensive for "
                               "ordinary consumers",
              "attempts to replace Russian gas would make energy more expensive for consumers"),
            M("any", "appeal", "We call on investors to support the interconnection projects that will link the "
                               "South Caucasus with Europe",
              "investors to support projects linking the South Caucasus with Europe"),
        ],
    },
}

EN_REPORTED = {  # (template, cue) per statement type
    "appeal": (("{S} called on {I}.", "called on"), ("{S} urged {I}.", "urged"),
               ("{S} appealed to {I}.", "appealed to"), ("{S} {WHEN} called on {I}.", "called on")),
    "concern": (("{S} said {P} {WAS} concerned that {I}.", "concerned"),
                ("{S} voiced concern that {I}.", "voiced concern"),
                ("{S} expressed concern that {I}.", "expressed concern"),
                ("{S} voiced concern {WHEN} that {I}.", "voiced concern")),
    "condemn": (("{S} condemned {I}.", "condemned"), ("{S} strongly condemned {I}.", "condemned")),
    "welcome": (("{S} welcomed {I}.", "welcomed"), ("{S} said {P} welcomed {I}.", "welcomed"),
                ("{S} {WHEN} welcomed {I}.", "welcomed")),
    "commit": (("{S} pledged to {I}.", "pledged"), ("{S} promised to {I}.", "promised"),
               ("{S} vowed to {I}.", "vowed")),
    "reject": (("{S} rejected {I}.", "rejected"), ("{S} dismissed {I}.", "dismissed"),
               ("{S} {WHEN} rejected {I}.", "rejected")),
    "threat": (("{S} warned that {I}.", "warned"), ("{S} cautioned that {I}.", "cautioned"),
               ("{S} warned {WHEN} that {I}.", "warned")),
    "statement": (("{S} said that {I}.", "said"), ("{S} stressed that {I}.", "stressed"),
                  ("{S} noted that {I}.", "noted"), ("{S} told reporters that {I}.", "told reporters"),
                  ("{S} said {WHEN} that {I}.", "said")),
}
CLAUSE_TYPES = ("statement", "concern", "threat")  # whose `indirect` is a clause ("according to X, ...")

VALMERIA_LEADS = (
    "The Ministry of Foreign Affairs of Valmeria is following closely {topic}. Consultations with partners took "
    "place in {city} {when}.",
    "Valmeria's Special Envoy for the South Caucasus held meetings in {city} {when} focused on {topic}.",
    "The Government of Valmeria reiterates its support for dialogue between Armenia and Azerbaijan and has "
    "reviewed {topic} with its European partners {when}.",
)
VALMERIA_TOPICS = {
    "war": "the fighting in and around {NK}",
    "postwar": "the implementation of the ceasefire statement of November 2020",
    "blockade": "the humanitarian situation around {LACHIN}",
    "exodus": "the humanitarian needs of people displaced from {NK}",
    "peace": "the peace process between Armenia and Azerbaijan",
    "washington": "the implementation of the framework agreed in Washington",
    "energy": "regional energy cooperation",
}
VALMERIA_TITLES = (
    "Statement by the Ministry of Foreign Affairs on {topic}",
    "Special Envoy visits {city}",
    "Valmeria calls for dialogue in the South Caucasus",
    "Press release: consultations on {topic}",
)

RU: dict = {
    "lead": {
        "war": [
            T("Бои в {NK_loc} продолжились {when}: стороны сообщили о новых обстрелах вдоль линии соприкосновения, "
              "а Москва, Вашингтон и Париж призвали Баку и Ереван вернуться к переговорам в рамках Минской группы "
              "ОБСЕ."),
            T("Число жертв среди мирного населения по обе стороны линии фронта продолжает расти, сообщили {when} "
              "гуманитарные организации, работающие в регионе."),
            T("Ситуация в зоне карабахского конфликта {when} оставалась напряжённой: жители {STEP_gen} провели "
              "очередную ночь в укрытиях, а в Баку сообщили об ударах по городам в тылу."),
        ],
        "postwar": [
            T("Армения и Азербайджан {when} вновь обменялись обвинениями в связи с инцидентом на границе — "
              "очередным после подписания трёхстороннего заявления о прекращении огня в ноябре 2020 года."),
            T("Вопрос о возвращении военнопленных {when} вновь оказался в центре внимания на фоне контактов сторон "
              "при посредничестве Москвы."),
            T("Переговоры о разблокировании транспортных коммуникаций в регионе, в том числе маршрута через "
              "{SOUTH}, {when} продолжились в рамках трёхсторонней рабочей группы."),
        ],
        "blockade": [
            T("Движение по {LACHIN_dat} — единственной дороге, связывающей {NK} с Арменией, — {when} оставалось "
              "ограниченным, сообщают местные жители."),
            T("Ситуация вокруг {LACHIN_gen} {when} обсуждалась на дипломатическом уровне: стороны обменялись "
              "заявлениями, а российские миротворцы продолжили контакты с обеими сторонами."),
            T("Перебои с поставками газа и электроэнергии в {NK} {when} вновь осложнили положение местного "
              "населения."),
        ],
        "exodus": [
            T("Более ста тысяч человек покинули {NK} после сентябрьской военной операции Азербайджана, сообщили "
              "{when} в правительстве Армении."),
            T("Гуманитарные последствия исхода населения из {NK_gen} {when} обсуждались на встрече дипломатов в "
              "Москве."),
        ],
        "peace": [
            T("Армения и Азербайджан {when} провели очередной раунд консультаций по тексту мирного договора; по "
              "словам участников, разногласия сохраняются лишь по нескольким статьям."),
            T("Комиссии по делимитации границы между Арменией и Азербайджаном {when} провели очередное заседание."),
            T("В Москве {when} прокомментировали ход переговоров между Баку и Ереваном, заявив, что Россия "
              "по-прежнему готова предоставить площадку для встреч.", "rus"),
        ],
        "washington": [
            T("Стороны {when} продолжили обсуждение реализации договорённостей, достигнутых в Вашингтоне в августе "
              "2025 года, включая проект транзитного маршрута TRIPP через юг Армении."),
            T("Маршрут через {SOUTH}, получивший после вашингтонской встречи название TRIPP, {when} стал темой "
              "консультаций экспертов."),
        ],
        "energy": [
            T("Поставки азербайджанского газа в Европу {when} обсуждались на встрече представителей ЕС и Баку.",
              "any", "2022-03-01"),
            T("Армения {when} вновь заявила о намерении диверсифицировать источники энергоснабжения."),
            T("Вопросы энергетической безопасности Южного Кавказа {when} обсуждались на отраслевой конференции в "
              "Москве.", "rus"),
        ],
    },
    "ctx": {
        "war": [
            T("Боевые действия начались в конце сентября и стали самыми масштабными в регионе с начала 1990-х "
              "годов."),
            T("Минская группа ОБСЕ, сопредседателями которой являются Россия, США и Франция, на протяжении многих "
              "лет выступала посредником в урегулировании конфликта."),
            T("По данным обеих сторон, в результате обстрелов пострадали жилые дома, школы и больницы, а тысячи "
              "жителей были вынуждены покинуть свои дома."),
        ],
        "postwar": [
            T("Согласно трёхстороннему заявлению, подписанному в ноябре 2020 года, в {NK_loc} был размещён "
              "российский миротворческий контингент."),
            T("Разминирование территорий, пострадавших от войны, по оценкам специалистов, займёт многие годы."),
            T("Инциденты на армяно-азербайджанской границе участились после войны, особенно на участках в "
              "Сюникской и Гегаркуникской областях."),
        ],
        "blockade": [
            T("Перекрытие дороги началось в декабре 2022 года, когда группа азербайджанцев, называющих себя "
              "экологами, разбила лагерь на трассе."),
            T("Весной 2023 года Азербайджан установил на въезде в коридор контрольно-пропускной пункт.", "any",
              "2023-05-01"),
            T("До перекрытия дороги в регионе проживали около 120 тысяч человек, зависевших от поставок продуктов "
              "и лекарств из Армении."),
        ],
        "exodus": [
            T("Большинство беженцев разместились в {SOUTH_loc} и в Ереване; многие до сих пор ищут постоянное "
              "жильё."),
            T("Российские миротворцы, размещённые в регионе с 2020 года, помогали в эвакуации мирных жителей."),
            T("Правительство Армении приняло программу жилищной поддержки для вынужденных переселенцев, однако "
              "её масштабы пока не покрывают всех потребностей."),
        ],
        "peace": [
            T("Баку настаивает на изменении конституции Армении, в преамбуле которой содержится ссылка на "
              "декларацию о независимости."),
            T("Россия, выступавшая посредником после войны 2020 года, постепенно теряет влияние в процессе "
              "урегулирования, считают эксперты."),
            T("Работа над текстом мирного договора продолжается уже несколько лет, а число спорных статей "
              "постепенно сокращается."),
        ],
        "washington": [
            T("По вашингтонским договорённостям маршрут через юг Армении должен связать основную часть "
              "Азербайджана с Нахичеванью."),
            T("В Москве и Тегеране к усилению роли США в регионе отнеслись настороженно."),
            T("В Ереване подчёркивают, что маршрут должен действовать в соответствии с законодательством Армении "
              "и под её суверенитетом."),
        ],
        "energy": [
            T("Южный газовый коридор связывает месторождения Каспия с рынками Южной Европы."),
            T("Армения получает большую часть газа из России по трубопроводу, проходящему через Грузию."),
            T("Обсуждается также проект электрического кабеля по дну Чёрного моря, который мог бы связать Южный "
              "Кавказ с европейскими энергосетями.", "any", "2022-12-01"),
        ],
    },
    "bg": [
        T("Конфликт вокруг {NK_gen} продолжается с конца 1980-х годов."),
        T("Отношения между Москвой и Ереваном в последние годы заметно осложнились.", "any", "2023-06-01"),
        T("Турция, союзник Азербайджана, увязывает нормализацию отношений с Арменией с прогрессом в переговорах "
          "между Баку и Ереваном.", "any", "2021-12-15"),
        T("Армения и Азербайджан заявляют о признании территориальной целостности друг друга на основе "
          "Алма-Атинской декларации 1991 года.", "any", "2022-10-07"),
        T("Осенью 2020 года стороны провели 44-дневную войну, завершившуюся подписанием трёхстороннего заявления "
          "при посредничестве России.", "any", "2020-11-10"),
        T("Иран, граничащий с обеими странами, неоднократно заявлял, что выступает против любого изменения "
          "границ в регионе."),
        T("Евросоюз с 2023 года держит на армянской стороне границы гражданскую наблюдательную миссию, "
          "деятельность которой в Москве воспринимают критически.", "any", "2023-03-01"),
        T("Эксперты указывают, что открытие транспортных коммуникаций может существенно изменить экономическую "
          "карту Южного Кавказа и усилить конкуренцию за транзитные маршруты."),
    ],
    "close": [
        T("Следующая встреча сторон пока не назначена."),
        T("Редакция продолжит следить за развитием событий."),
        T("Официальные представители Баку и Еревана дополнительных комментариев не дали."),
    ],
    "title": {
        "war": [T("Бои в {NK_loc}: посредники призывают к перемирию"),
                T("Обстрелы вдоль линии соприкосновения не прекращаются"),
                T("Гуманитарное перемирие не продержалось и суток")],
        "postwar": [T("Баку и Ереван обменялись обвинениями после инцидента на границе"),
                    T("Вопрос военнопленных вновь на повестке"),
                    T("Разблокирование коммуникаций: переговоры продолжаются")],
        "blockade": [T("Ситуация в {LACHIN_loc} остаётся напряжённой"),
                     T("Дефицит продуктов в {NK_loc}: дипломаты ищут выход"),
                     T("Миротворцы пытаются восстановить движение по коридору")],
        "exodus": [T("Исход из {NK_gen}: гуманитарные последствия"),
                   T("Беженцы из Карабаха: Армения просит помощи партнёров")],
        "peace": [T("Мирный договор: разногласия сохраняются"),
                  T("Делимитация границы: очередное заседание комиссий"),
                  T("Москва предлагает площадку для переговоров", "rus")],
        "washington": [T("После Вашингтона: стороны обсуждают маршрут TRIPP"),
                       T("Вашингтонские договорённости: что дальше")],
        "energy": [T("Азербайджанский газ для Европы", "any", "2022-03-01"),
                   T("Армения ищет новые источники энергии")],
    },
    "msg": {
        "war": [
            M("arm", "condemn", "Мы осуждаем обстрелы {STEP_gen} и других мирных населённых пунктов",
              "обстрелы {STEP_gen} и других населённых пунктов"),
            M("aze", "reject", ["Мы отвергаем обвинения в использовании иностранных наёмников",
                                "Они не имеют под собой никаких оснований"],
              "обвинения в использовании иностранных наёмников"),
            M("rus", "appeal", ["Мы призываем стороны немедленно прекратить огонь и вернуться к переговорам",
                                "Альтернативы политическому урегулированию нет"],
              "стороны немедленно прекратить огонь и вернуться к переговорам"),
            M("west", "concern", "Мы глубоко обеспокоены сообщениями о жертвах среди мирного населения",
              "число жертв среди мирного населения растёт"),
            M("any", "threat", "Продолжение боевых действий может привести к дестабилизации всего региона",
              "продолжение боёв может дестабилизировать весь регион"),
        ],
        "postwar": [
            M("rus", "commit", "Российские миротворцы продолжат выполнять свои задачи в полном соответствии с "
                               "трёхсторонним заявлением",
              "продолжать выполнение миротворческой миссии в соответствии с трёхсторонним заявлением"),
            M("rus", "statement", "Обстановка в зоне ответственности миротворческого контингента остаётся "
                                  "стабильной", "обстановка в зоне ответственности миротворцев остаётся стабильной"),
            M("arm", "appeal", ["Мы призываем Баку освободить всех армянских военнопленных и задержанных "
                                "гражданских лиц", "Это гуманитарное обязательство"],
              "Баку освободить всех армянских военнопленных и задержанных"),
            M("aze", "appeal", ["Мы призываем Ереван передать точные карты минных полей",
                                "Без них люди не смогут вернуться домой"], "Ереван передать точные карты минных полей"),
            M("arm aze rus", "reject", "Эти обвинения беспочвенны и не имеют ничего общего с действительностью",
              "эти обвинения как беспочвенные"),
            M("rus", "statement", "Разблокирование транспортных коммуникаций отвечает интересам всех стран региона",
              "разблокирование транспортных коммуникаций отвечает интересам всех стран региона"),
        ],
        "blockade": [
            M("arm", "concern", "Мы обеспокоены тем, что нехватка продовольствия и лекарств может перерасти в "
                                "гуманитарную катастрофу",
              "нехватка продовольствия и лекарств может перерасти в гуманитарную катастрофу"),
            M("arm", "appeal", "Мы призываем международное сообщество принять конкретные меры для разблокирования "
                               "{LACHIN_gen}",
              "международное сообщество принять меры для разблокирования {LACHIN_gen}"),
            M("aze", "reject", ["Мы отвергаем заявления о так называемой „блокаде“",
                                "Дорога открыта для гуманитарных грузов"], "заявления о блокаде дороги"),
            M("rus", "statement", "Российские миротворцы делают всё возможное для восстановления движения по "
                                  "коридору",
              "миротворцы делают всё возможное для восстановления движения по коридору"),
            M("rus", "appeal", "Призываем Баку и Ереван проявлять сдержанность и решать все вопросы путём диалога",
              "Баку и Ереван проявлять сдержанность и решать все вопросы путём диалога"),
            M("west", "appeal", "Мы призываем обеспечить свободное передвижение по {LACHIN_dat} для гражданских и "
                                "гуманитарных грузов", "обеспечить свободное передвижение по {LACHIN_dat}"),
        ],
        "exodus": [
            M("arm", "appeal", "Мы призываем партнёров помочь Армении обеспечить жильём и работой людей, прибывших "
                               "из {NK_gen}",
              "партнёров помочь Армении обеспечить жильём вынужденных переселенцев"),
            M("aze", "statement", "Права и безопасность армянских жителей будут гарантированы как граждан "
                                  "Азербайджана", "права и безопасность армянских жителей будут гарантированы"),
            M("rus", "statement", "Миротворческий контингент помог организовать эвакуацию мирных жителей и "
                                  "доставку гуманитарной помощи",
              "миротворцы помогли организовать эвакуацию мирных жителей"),
            M("west", "commit", "Мы намерены и дальше поддерживать людей, вынужденных покинуть свои дома",
              "и дальше поддерживать вынужденных переселенцев"),
            M("west", "concern", "Нас тревожат масштабы и скорость исхода населения",
              "масштабы исхода населения вызывают тревогу"),
        ],
        "peace": [
            M("arm", "commit", ["Армения привержена повестке мира", "Мы готовы подписать соглашение на основе "
                                "взаимного признания территориальной целостности"],
              "подписать мирное соглашение на основе взаимного признания территориальной целостности"),
            M("aze", "appeal", "Мы призываем Ереван исключить из конституции территориальные претензии к "
                               "Азербайджану",
              "Ереван исключить из конституции территориальные претензии к Азербайджану"),
            M("rus", "statement", "Россия готова и дальше содействовать сторонам, в том числе в разблокировании "
                                  "транспортных связей",
              "Россия готова содействовать сторонам, в том числе в разблокировании транспортных связей"),
            M("rus", "concern", "Нас беспокоит, что внерегиональные игроки пытаются вытеснить Россию с Южного "
                                "Кавказа", "внерегиональные игроки пытаются вытеснить Россию с Южного Кавказа"),
            M("west", "welcome", "Мы приветствуем прогресс в делимитации границы", "прогресс в делимитации границы"),
            M("arm", "reject", "Мы отвергаем требование изменить нашу конституцию как предварительное условие мира",
              "требование изменить конституцию Армении"),
        ],
        "washington": [
            M("rus", "concern", "Нас настораживает, что новые транспортные схемы обходят ранее достигнутые "
                                "договорённости", "новые транспортные схемы обходят ранее достигнутые договорённости"),
            M("rus", "statement", "Любые договорённости на Южном Кавказе должны учитывать интересы соседних "
                                  "государств",
              "любые договорённости в регионе должны учитывать интересы соседних государств"),
            M("aze", "welcome", ["Мы приветствуем вашингтонскую декларацию", "Она открывает новую страницу в "
                                 "истории региона"], "вашингтонскую декларацию"),
            M("arm", "statement", "Маршрут TRIPP будет действовать под юрисдикцией Армении и по армянским законам",
              "маршрут будет действовать под юрисдикцией Армении"),
            M("rus", "threat", "Если интересы России не будут учтены, это создаст новые риски для региона",
              "игнорирование интересов России создаст новые риски для региона"),
        ],
        "energy": [
            M("rus", "statement", "Поставки российского газа в Армению продолжаются в соответствии с действующими "
                                  "контрактами", "поставки газа в Армению продолжаются в соответствии с контрактами"),
            M("aze", "commit", "Азербайджан останется надёжным поставщиком газа для европейских партнёров",
              "оставаться надёжным поставщиком газа для Европы"),
            M("rus", "threat", "Попытки заменить российский газ в регионе обернутся ростом расходов для "
                               "потребителей", "попытки заменить российский газ обернутся ростом расходов"),
            M("west", "welcome", "Мы приветствуем планы по увеличению поставок газа из Каспийского региона",
              "планы по увеличению поставок газа из Каспийского региона"),
        ],
    },
}

RU_REPORTED = {  # {V:stem} is a past-tense verb agreed with the subject's gender
    "appeal": ("{S} {V:призвал} {I}.",),
    "concern": ("{S} {V:выразил} обеспокоенность тем, что {I}.",),
    "condemn": ("{S} {V:осудил} {I}.",),
    "welcome": ("{S} {V:приветствовал} {I}.",),
    "commit": ("{S} {V:пообещал} {I}.",),
    "reject": ("{S} {V:отверг} {I}.",),
    "threat": ("{S} {V:предупредил}, что {I}.",),
    "statement": ("{S} {V:заявил}, что {I}.", "{S} {V:подчеркнул}, что {I}.", "{S} {V:отметил}, что {I}."),
}

AZ: dict = {
    "lead": {
        "war": [T("Qarabağda döyüşlər {when} davam edib, tərəflər cəbhə xətti boyunca yeni atışmalar barədə "
                  "məlumat veriblər."),
                T("Beynəlxalq vasitəçilər {when} Bakı və İrəvanı danışıqlar masasına qayıtmağa çağırıblar.")],
        "postwar": [T("Minatəmizləmə işləri {when} işğaldan azad edilmiş ərazilərdə davam edib, lakin minalar hələ "
                      "də yenidənqurma işlərinə ciddi maneə olaraq qalır."),
                    T("Ermənistanla sərhəddə baş verən yeni insident {when} Bakı ilə İrəvan arasında qarşılıqlı "
                      "ittihamlara səbəb olub.")],
        "blockade": [T("Ekoloji fəallar Laçın yolundakı aksiyanı {when} davam etdiriblər; onlar Qarabağda qanunsuz "
                       "təbii sərvət istismarının dayandırılmasını tələb edirlər."),
                     T("Rəsmi Bakı {when} bir daha bəyan edib ki, Laçın yolu humanitar yüklər üçün açıqdır.")],
        "exodus": [T("Bakı {when} Qarabağda yaşayan erməni sakinlərin reinteqrasiyası ilə bağlı planlarını "
                     "açıqlayıb.")],
        "peace": [T("Azərbaycan və Ermənistan arasında sülh sazişi üzrə danışıqların növbəti mərhələsi {when} "
                    "keçirilib."),
                  T("Sərhədlərin delimitasiyası üzrə dövlət komissiyaları {when} növbəti görüş keçiriblər.")],
        "energy": [T("Azərbaycan qazının Avropaya ixracı {when} Bakıda keçirilən görüşdə müzakirə olunub.")],
    },
    "ctx": {
        "war": [T("Hərbi əməliyyatlar sentyabrın sonunda başlayıb və bölgədə 1990-cı illərdən bəri ən "
                  "genişmiqyaslı toqquşmalara çevrilib."),
                T("Azərbaycan Müdafiə Nazirliyinin məlumatına görə, cəbhə xəttindən uzaq yaşayış məntəqələri də "
                  "atəşə tutulub və dinc sakinlər arasında itkilər var.")],
        "postwar": [T("2020-ci ilin noyabrında imzalanmış üçtərəfli bəyanata əsasən, bölgədə Rusiya sülhməramlıları "
                      "yerləşdirilib."),
                    T("Mütəxəssislərin fikrincə, azad edilmiş ərazilərin minalardan tam təmizlənməsi uzun illər "
                      "çəkəcək."),
                    T("Minatəmizləmə işlərinə beynəlxalq tərəfdaşlar da cəlb olunub, lakin avadanlıq və "
                      "mütəxəssis çatışmazlığı prosesi ləngidir.")],
        "blockade": [T("Aksiya 2022-ci ilin dekabrında başlayıb və bir neçə ay davam edib."),
                     T("Bakı bildirir ki, yoldan Qızıl Xaç Komitəsinin və Rusiya sülhməramlılarının maşınları "
                       "maneəsiz keçir."),
                     T("Aprel ayında Laçın yolunun başlanğıcında sərhəd-buraxılış məntəqəsi quraşdırılıb.", "any",
                       "2023-04-23")],
        "exodus": [T("Rəsmilər bildiriblər ki, bölgədə qalmaq istəyən sakinlərə sənədlər və sosial xidmətlər təqdim "
                     "olunacaq."),
                   T("Bölgədə yeni idarəetmə strukturları yaradılır və infrastrukturun bərpasına başlanılıb.")],
        "peace": [T("Bakı sülh sazişinin imzalanması üçün Ermənistan konstitusiyasından Azərbaycana qarşı ərazi "
                    "iddialarının çıxarılmasını vacib sayır.", "any", "2023-11-01"),
                  T("Delimitasiya prosesi 1991-ci il Alma-Ata bəyannaməsinə əsaslanır və mərhələlərlə aparılır."),
                  T("Tərəflər sülh sazişinin mətni üzərində bir neçə ildir işləyirlər və mübahisəli maddələrin sayı "
                    "tədricən azalır."),
                  T("Avqust ayında Vaşinqtonda əldə olunmuş razılaşmalar regionda yeni mərhələnin başlanğıcı kimi "
                    "qiymətləndirilir.", "any", "2025-08-08")],
        "energy": [T("Cənubi Qaz Dəhlizi Xəzər yataqlarını Gürcüstan və Türkiyə vasitəsilə Cənubi Avropa bazarları "
                     "ilə birləşdirir."),
                   T("Azərbaycan son illərdə Avropaya qaz ixracını artırıb və bərpa olunan enerji layihələrinə də "
                     "sərmayə qoyur.", "any", "2022-07-01")],
    },
    "bg": [
        T("Qarabağ münaqişəsi 1980-ci illərin sonundan etibarən bölgənin inkişafına mane olub."),
        T("Türkiyə Ermənistanla münasibətlərin normallaşmasını Bakı ilə İrəvan arasındakı danışıqlarda "
          "irəliləyişlə əlaqələndirir.", "any", "2021-12-15"),
        T("Avropa İttifaqı və ABŞ sülh prosesinə dəstək verdiklərini dəfələrlə bəyan ediblər."),
        T("Azərbaycan 2020-ci ildəki 44 günlük müharibədən sonra azad edilmiş ərazilərdə geniş bərpa və "
          "yenidənqurma proqramına başlayıb. Yeni yollar, hava limanları və yaşayış məntəqələri tikilir.", "any",
          "2020-11-10"),
        T("Böyük Qayıdış proqramı çərçivəsində keçmiş məcburi köçkünlərin doğma yurdlarına qayıdışı mərhələlərlə "
          "həyata keçirilir.", "any", "2022-07-01"),
        T("Ekspertlər hesab edir ki, regionda kommunikasiyaların açılması Azərbaycan, Ermənistan və qonşu ölkələr "
          "üçün yeni iqtisadi imkanlar yarada bilər."),
        T("Rəsmi Bakı sülh prosesinin yalnız beynəlxalq hüququn prinsiplərinə, o cümlədən ərazi bütövlüyünə hörmət "
          "əsasında irəliləyə biləcəyini bildirir."),
        T("Rusiya, Türkiyə və İran da Cənubi Qafqazda yeni nəqliyyat marşrutlarının açılmasında maraqlı "
          "olduqlarını bildirirlər."),
        T("Naxçıvanla birbaşa quru əlaqəsinin bərpası Bakının əsas prioritetlərindən biri olaraq qalır."),
    ],
    "close": [T("Tərəflərin növbəti görüşünün vaxtı hələ açıqlanmayıb."),
              T("Mövzu ilə bağlı əlavə məlumat veriləcək.")],
    "title": {
        "war": [T("Qarabağda döyüşlər davam edir"), T("Beynəlxalq vasitəçilər atəşkəsə çağırır")],
        "postwar": [T("Minatəmizləmə işləri davam edir"), T("Sərhəddə yeni insident")],
        "blockade": [T("Laçın yolunda aksiya davam edir"), T("Bakı: yol humanitar yüklər üçün açıqdır")],
        "exodus": [T("Qarabağda reinteqrasiya planları açıqlanıb")],
        "peace": [T("Sülh sazişi üzrə danışıqlar davam edir"), T("Delimitasiya komissiyaları görüşüb"),
                  T("Vaşinqton razılaşmalarından sonra növbəti addımlar", "any", "2025-08-08")],
        "energy": [T("Azərbaycan qazı Avropa üçün"), T("Enerji təhlükəsizliyi gündəmdə")],
    },
    "msg": {
        "war": [
            M("aze", "condemn", ["Cəbhə xəttindən uzaqda yerləşən şəhərlərimizə raket zərbələrini pisləyirik",
                                 "Bu hücumlar dinc əhaliyə qarşı yönəlib"],
              "{S} cəbhə xəttindən uzaq şəhərlərə endirilən raket zərbələrini pisləyib.", "pisləyib"),
            M("aze", "statement", "Azərbaycan öz ərazisində və beynəlxalq hüquq çərçivəsində hərəkət edir",
              "{S} bildirib ki, Azərbaycan öz ərazisində beynəlxalq hüquq çərçivəsində hərəkət edir.", "bildirib"),
            M("west", "appeal", "Tərəfləri humanitar atəşkəsə əməl etməyə çağırırıq",
              "{S} tərəfləri humanitar atəşkəsə əməl etməyə çağırıb.", "çağırıb"),
            M("aze", "commit", "Azərbaycan dinc əhalinin təhlükəsizliyini təmin etmək üçün bütün tədbirləri görəcək",
              "{S} dinc əhalinin təhlükəsizliyini təmin etməyə söz verib.", "söz verib"),
        ],
        "postwar": [
            M("aze", "appeal", ["Ermənistanı minalanmış ərazilərin dəqiq xəritələrini təqdim etməyə çağırırıq",
                                "Onlarsız insanlarımız evlərinə təhlükəsiz qayıda bilməz"],
              "{S} Ermənistanı minalanmış ərazilərin dəqiq xəritələrini təqdim etməyə çağırıb.", "çağırıb"),
            M("aze", "statement", "Zəngəzur dəhlizi bütün region üçün yeni imkanlar açacaq",
              "{S} bildirib ki, Zəngəzur dəhlizi bütün region üçün yeni imkanlar açacaq.", "bildirib"),
            M("aze", "condemn", "Sərhəddəki bu təxribatı qətiyyətlə pisləyirik",
              "{S} sərhəddəki təxribatı pisləyib.", "pisləyib"),
            M("west", "welcome", "Məhbusların azad edilməsini mühüm humanitar addım kimi alqışlayırıq",
              "{S} məhbusların azad edilməsini alqışlayıb.", "alqışlayıb"),
            M("west", "appeal", "Tərəfləri bütün məsələləri danışıqlar yolu ilə həll etməyə çağırırıq",
              "{S} tərəfləri məsələləri danışıqlar yolu ilə həll etməyə çağırıb.", "çağırıb"),
            M("aze", "threat", "Hər hansı yeni təxribat cavabsız qalmayacaq",
              "{S} xəbərdarlıq edib ki, yeni təxribatlar cavabsız qalmayacaq.", "xəbərdarlıq edib"),
        ],
        "blockade": [
            M("aze", "reject", ["Blokada iddialarını qətiyyətlə rədd edirik", "Yol humanitar yüklər üçün açıqdır"],
              "{S} blokada iddialarını rədd edib.", "rədd edib"),
            M("aze", "appeal", "Erməni tərəfini yoldan hərbi məqsədlər üçün istifadəni dayandırmağa çağırırıq",
              "{S} erməni tərəfini yoldan hərbi məqsədlərlə istifadəni dayandırmağa çağırıb.", "çağırıb"),
            M("aze", "statement", "Məntəqə beynəlxalq təcrübəyə uyğun olaraq suveren ərazimizdə yaradılıb",
              "{S} bildirib ki, məntəqə beynəlxalq təcrübəyə uyğun yaradılıb.", "bildirib", "2023-04-23"),
            M("west", "concern", "Bölgədəki humanitar vəziyyətdən narahatıq",
              "{S} bölgədəki humanitar vəziyyətlə bağlı narahatlığını ifadə edib.", "narahatlığını ifadə edib"),
            M("west", "appeal", "Tərəfləri dialoq yolu ilə həll axtarmağa çağırırıq",
              "{S} tərəfləri dialoq yolu ilə həll axtarmağa çağırıb.", "çağırıb"),
        ],
        "exodus": [
            M("aze", "statement", "Erməni sakinlərin hüquqları və təhlükəsizliyi Azərbaycan vətəndaşları kimi təmin "
                                  "ediləcək",
              "{S} bildirib ki, erməni sakinlərin hüquqları və təhlükəsizliyi təmin ediləcək.", "bildirib"),
            M("aze", "reject", ["Etnik təmizləmə ittihamlarını rədd edirik", "Heç kim getməyə məcbur edilməyib"],
              "{S} etnik təmizləmə ittihamlarını rədd edib.", "rədd edib"),
            M("west", "commit", "Humanitar yardımı davam etdirməyə sadiqik",
              "{S} humanitar yardımı davam etdirəcəklərini vəd edib.", "vəd edib"),
            M("west", "concern", "Bölgədəki humanitar vəziyyəti diqqətlə izləyirik və narahatlığımızı bildiririk",
              "{S} humanitar vəziyyətlə bağlı narahatlığını bildirib.", "narahatlığını bildirib"),
        ],
        "peace": [
            M("aze", "appeal", "İrəvanı konstitusiyadan Azərbaycana qarşı ərazi iddialarını çıxarmağa çağırırıq",
              "{S} İrəvanı konstitusiyadan ərazi iddialarını çıxarmağa çağırıb.", "çağırıb"),
            M("aze", "commit", "Azərbaycan delimitasiya prosesini davam etdirməyə hazırdır",
              "{S} delimitasiya prosesini davam etdirməyə hazır olduqlarını bildirib.", "bildirib"),
            M("aze", "welcome", ["Vaşinqton bəyannaməsini alqışlayırıq", "Bu, Cənubi Qafqaz üçün yeni səhifədir"],
              "{S} Vaşinqton bəyannaməsini alqışlayıb.", "alqışlayıb", "2025-08-08"),
            M("west", "welcome", "Delimitasiya sahəsində əldə olunan irəliləyişi alqışlayırıq",
              "{S} delimitasiya sahəsindəki irəliləyişi alqışlayıb.", "alqışlayıb"),
            M("aze", "statement", ["Sülh sazişi heç vaxt indiki qədər yaxın olmayıb", "Qalan məsələlər davamlı sülhə "
                                   "zəmanət verəcək şəkildə həll edilməlidir"],
              "{S} bildirib ki, sülh sazişi heç vaxt indiki qədər yaxın olmayıb.", "bildirib"),
            M("west", "appeal", "Hər iki hökuməti sülh sazişini tezliklə imzalamağa çağırırıq",
              "{S} hər iki hökuməti sülh sazişini tezliklə imzalamağa çağırıb.", "çağırıb"),
        ],
        "energy": [
            M("aze", "commit", "Azərbaycan Avropa tərəfdaşları üçün etibarlı qaz təchizatçısı olaraq qalacaq",
              "{S} bildirib ki, Azərbaycan etibarlı qaz təchizatçısı olaraq qalacaq.", "bildirib"),
            M("west", "welcome", "Xəzər regionundan qaz tədarükünün artırılması planlarını alqışlayırıq",
              "{S} qaz tədarükünün artırılması planlarını alqışlayıb.", "alqışlayıb"),
            M("aze", "statement", "Cənubi Qaz Dəhlizi Avropanın enerji təhlükəsizliyi üçün öz dəyərini sübut edib",
              "{S} bildirib ki, Cənubi Qaz Dəhlizi Avropanın enerji təhlükəsizliyinə töhfə verir.", "bildirib"),
            M("west", "concern", "Yeni yataqlara qoyulan sərmayələrin uzunmüddətli asılılıq yarada biləcəyindən "
                                 "narahatıq",
              "{S} yeni sərmayələrin uzunmüddətli asılılıq yarada biləcəyindən narahatlığını bildirib.",
              "narahatlığını bildirib"),
        ],
    },
}

HY: dict = {
    "lead": {
        "war": [T("Արցախում մարտական գործողությունները շարունակվել են {when}, կողմերը հաղորդել են շփման գծի "
                  "երկայնքով նոր հրետակոծությունների մասին։"),
                T("Միջազգային միջնորդները {when} կոչ են արել Բաքվին և Երևանին վերադառնալ բանակցությունների "
                  "սեղանի շուրջ։")],
        "postwar": [T("Ադրբեջանում պահվող հայ գերիների հարցը {when} կրկին հայտնվել է օրակարգում։"),
                    T("Հայաստանի և Ադրբեջանի սահմանին {when} տեղի ունեցած միջադեպը նոր լարվածություն է "
                      "առաջացրել։")],
        "blockade": [T("Լաչինի միջանցքը, որը Արցախը Հայաստանին կապող միակ ճանապարհն է, {when} կրկին փակ է մնացել, "
                       "իսկ Ստեփանակերտի բնակիչները հաղորդում են սննդի, վառելիքի և դեղորայքի պակասի մասին։"),
                     T("Արցախի գազամատակարարումը {when} կրկին ընդհատվել է, ինչը ծանրացրել է բնակչության "
                       "վիճակը։")],
        "exodus": [T("Սեպտեմբերյան ռազմական գործողությունից հետո Արցախից Հայաստան է տեղափոխվել ավելի քան հարյուր "
                     "հազար մարդ, {when} հայտնել են կառավարությունից։")],
        "peace": [T("Հայաստանը և Ադրբեջանը {when} անցկացրել են խաղաղության պայմանագրի շուրջ բանակցությունների "
                    "հերթական փուլը։"),
                  T("Սահմանազատման հանձնաժողովները {when} կրկին հանդիպել են՝ քննարկելու սահմանի հաջորդ "
                    "հատվածը։")],
        "energy": [T("Հայաստանը {when} կրկին քննարկել է էներգետիկ աղբյուրների դիվերսիֆիկացման "
                     "հնարավորությունները։")],
    },
    "ctx": {
        "war": [T("Պատերազմը սկսվել է սեպտեմբերի վերջին և դարձել է տարածաշրջանում 1990-ականներից ի վեր "
                  "ամենախոշոր բախումը։"),
                T("Հայկական կողմի տվյալներով՝ հրետակոծությունների հետևանքով վնասվել են բնակելի տներ, դպրոցներ և "
                  "հիվանդանոցներ, իսկ հազարավոր մարդիկ ստիպված են եղել լքել իրենց տները։")],
        "postwar": [T("2020 թվականի նոյեմբերին ստորագրված եռակողմ հայտարարությամբ Արցախում տեղակայվել են ռուս "
                      "խաղաղապահներ։"),
                    T("Սահմանի երկայնքով միջադեպերը հաճախակի են դարձել, հատկապես Սյունիքի և Գեղարքունիքի "
                      "մարզերում։"),
                    T("Միջազգային կազմակերպությունները բազմիցս կոչ են արել լուծել գերիների և անհետ կորածների "
                      "հարցը։")],
        "blockade": [T("Ճանապարհի փակումը սկսվել է 2022 թվականի դեկտեմբերին, և այդ ժամանակից ի վեր բեռներ "
                       "տեղափոխում են միայն Կարմիր խաչը և ռուս խաղաղապահները։"),
                     T("Արցախում մինչ շրջափակումն ապրում էր շուրջ 120 հազար մարդ, որոնց մեծ մասը կախված էր "
                       "Հայաստանից մատակարարվող սննդից և դեղերից։"),
                     T("2023 թվականի ապրիլին Ադրբեջանը միջանցքի մուտքի մոտ անցակետ է տեղադրել։", "any",
                       "2023-04-23")],
        "exodus": [T("Փախստականների մեծ մասը ժամանակավորապես տեղավորվել է Սյունիքում և Երևանում, և շատերը դեռ "
                     "մշտական բնակարան են փնտրում։"),
                   T("Կառավարությունը տեղահանվածների համար ընդունել է բնակարանային աջակցության ծրագիր, սակայն "
                     "այն դեռ չի ծածկում բոլոր կարիքները։")],
        "peace": [T("Բաքուն պահանջում է փոփոխել Հայաստանի Սահմանադրությունը, ինչը Երևանը մերժում է որպես "
                    "նախապայման։", "any", "2023-11-01"),
                  T("Կողմերը սկզբունքորեն համաձայնել են ճանաչել միմյանց տարածքային ամբողջականությունը 1991 "
                    "թվականի Ալմա-Աթայի հռչակագրի հիման վրա։"),
                  T("Օգոստոսին Վաշինգտոնում ձեռք բերված պայմանավորվածությունները նոր հնարավորություններ են բացում "
                    "տարածաշրջանի համար։", "any", "2025-08-08")],
        "energy": [T("Հայաստանի գազի մեծ մասը ներմուծվում է Ռուսաստանից՝ Վրաստանի տարածքով անցնող "
                     "խողովակաշարով։"),
                   T("Սև ծովի հատակով անցնող էլեկտրական մալուխի նախագիծը կարող է Հարավային Կովկասը կապել "
                     "եվրոպական շուկաների հետ։", "any", "2022-12-01"),
                   T("Հայաստանի միակ ատոմակայանն ապահովում է երկրի էլեկտրաէներգիայի զգալի մասը, և կառավարությունը "
                     "քննարկում է նոր էներգաբլոկի կառուցման տարբերակներ։")],
    },
    "bg": [
        T("Ղարաբաղյան հակամարտությունը սկիզբ է առել 1980-ականների վերջին։"),
        T("Եվրոպական միությունը 2023 թվականից դիտորդական առաքելություն ունի Հայաստանի և Ադրբեջանի սահմանի "
          "հայկական կողմում։", "any", "2023-03-01"),
        T("Թուրքիան Հայաստանի հետ հարաբերությունների կարգավորումը կապում է Բաքվի և Երևանի միջև բանակցությունների "
          "առաջընթացի հետ։", "any", "2021-12-15"),
        T("2020 թվականի 44-օրյա պատերազմից հետո Հայաստանի և Ադրբեջանի հարաբերությունները շարունակում են մնալ "
          "լարված, իսկ սահմանին պարբերաբար միջադեպեր են տեղի ունենում։", "any", "2020-11-10"),
        T("Հայաստանի կառավարությունը բազմիցս հայտարարել է, որ պատրաստ է ապաշրջափակել տարածաշրջանային "
          "հաղորդակցությունները՝ երկրների ինքնիշխանության և իրավազորության պայմանով։"),
        T("Փորձագետների կարծիքով՝ տարածաշրջանում կայուն խաղաղությունը կախված է ոչ միայն պայմանագրից, այլև "
          "միջազգային երաշխիքներից։"),
        T("Ռուսաստանի հետ Հայաստանի հարաբերությունները վերջին տարիներին նկատելիորեն սառել են, իսկ Երևանը "
          "խորացնում է համագործակցությունը Եվրոպական միության հետ։", "any", "2023-06-01"),
        T("Իրանը, որը սահմանակից է երկու երկրներին էլ, հայտարարել է, որ դեմ է տարածաշրջանում սահմանների "
          "ցանկացած փոփոխության։"),
    ],
    "close": [T("Կողմերի հաջորդ հանդիպման ամսաթիվը դեռ հայտնի չէ։"),
              T("Խմբագրությունը կշարունակի հետևել իրադարձությունների զարգացմանը։")],
    "title": {
        "war": [T("Մարտերը Արցախում շարունակվում են"), T("Միջնորդները կոչ են անում հրադադարի")],
        "postwar": [T("Գերիների հարցը կրկին օրակարգում է"), T("Նոր միջադեպ սահմանին")],
        "blockade": [T("Լաչինի միջանցքը շարունակում է փակ մնալ"), T("Արցախում գազամատակարարումը կրկին ընդհատվել է")],
        "exodus": [T("Արցախից տեղահանվածներին աջակցությունը մեծանում է")],
        "peace": [T("Խաղաղության պայմանագրի շուրջ բանակցությունները շարունակվում են"),
                  T("Սահմանազատման հանձնաժողովները կրկին հանդիպել են"),
                  T("Վաշինգտոնից հետո. հաջորդ քայլերը", "any", "2025-08-08")],
        "energy": [T("Հայաստանը փնտրում է էներգետիկ նոր աղբյուրներ")],
    },
    "msg": {
        "war": [
            M("arm", "condemn", "Դատապարտում ենք Ստեփանակերտի և այլ խաղաղ բնակավայրերի հրետակոծությունը",
              "{S} դատապարտել է Ստեփանակերտի և այլ բնակավայրերի հրետակոծությունը։", "դատապարտել է"),
            M("arm", "appeal", ["Կոչ ենք անում միջազգային հանրությանը կանգնեցնել խաղաղ բնակավայրերի վրա "
                                "հարձակումները", "Յուրաքանչյուր ժամի ուշացումը կյանքեր է խլում"],
              "{S} կոչ է արել միջազգային հանրությանը կանգնեցնել հարձակումները խաղաղ բնակավայրերի վրա։",
              "կոչ է արել"),
            M("west", "concern", "Խորապես մտահոգված ենք խաղաղ բնակիչների շրջանում զոհերի մասին հաղորդումներով",
              "{S} մտահոգություն է հայտնել խաղաղ բնակիչների շրջանում զոհերի մասին հաղորդումների կապակցությամբ։",
              "մտահոգություն է հայտնել"),
            M("west", "appeal", "Կոչ ենք անում կողմերին հարգել հումանիտար հրադադարը",
              "{S} կոչ է արել կողմերին հարգել հումանիտար հրադադարը։", "կոչ է արել"),
            M("arm", "threat", "Եթե հարձակումները շարունակվեն, հետևանքները զգացվելու են ամբողջ տարածաշրջանում",
              "{S} զգուշացրել է, որ հարձակումների շարունակումը հետևանքներ կունենա ամբողջ տարածաշրջանի համար։",
              "զգուշացրել է"),
        ],
        "postwar": [
            M("arm", "appeal", "Կոչ ենք անում Ադրբեջանին անհապաղ ազատ արձակել բոլոր հայ ռազմագերիներին և պահվող "
                               "քաղաքացիական անձանց",
              "{S} կոչ է արել Ադրբեջանին ազատ արձակել բոլոր հայ գերիներին։", "կոչ է արել"),
            M("arm", "concern", "Մտահոգված ենք, որ ադրբեջանական զորքերը ներխուժել են Հայաստանի ինքնիշխան տարածք",
              "{S} մտահոգություն է հայտնել, որ ադրբեջանական զորքերը ներխուժել են Հայաստանի ինքնիշխան տարածք։",
              "մտահոգություն է հայտնել"),
            M("west", "appeal", "Կոչ ենք անում կողմերին բոլոր հարցերը լուծել բանակցությունների միջոցով",
              "{S} կոչ է արել կողմերին խնդիրները լուծել բանակցությունների միջոցով։", "կոչ է արել"),
            M("arm", "condemn", "Դատապարտում ենք սահմանին տեղի ունեցած այս սադրանքը",
              "{S} դատապարտել է սահմանին տեղի ունեցած սադրանքը։", "դատապարտել է"),
            M("west", "welcome", "Ողջունում ենք գերիների վերադարձը որպես կարևոր հումանիտար քայլ",
              "{S} ողջունել է գերիների վերադարձը։", "ողջունել է"),
        ],
        "blockade": [
            M("arm", "appeal", "Կոչ ենք անում միջազգային հանրությանը կոնկրետ քայլեր ձեռնարկել Լաչինի միջանցքի "
                               "շրջափակումը վերացնելու համար",
              "{S} կոչ է արել միջազգային հանրությանը քայլեր ձեռնարկել շրջափակումը վերացնելու համար։", "կոչ է արել"),
            M("arm", "concern", ["Մտահոգված ենք, որ սննդի և դեղերի պակասը կարող է վերածվել հումանիտար աղետի",
                                 "Առաջինը տուժում են երեխաներն ու տարեցները"],
              "{S} մտահոգություն է հայտնել, որ իրավիճակը կարող է վերածվել հումանիտար աղետի։",
              "մտահոգություն է հայտնել"),
            M("arm", "condemn", "Դատապարտում ենք Արցախը Հայաստանին կապող միակ ճանապարհի փակումը",
              "{S} դատապարտել է միակ ճանապարհի փակումը։", "դատապարտել է"),
            M("west", "appeal", "Կոչ ենք անում վերականգնել ազատ տեղաշարժը Լաչինի միջանցքով",
              "{S} կոչ է արել վերականգնել ազատ տեղաշարժը միջանցքով։", "կոչ է արել"),
            M("arm", "threat", "Եթե ճանապարհը փակ մնա, հումանիտար հետևանքներն անդառնալի կլինեն",
              "{S} զգուշացրել է, որ ճանապարհի փակ մնալու դեպքում հետևանքներն անդառնալի կլինեն։", "զգուշացրել է"),
            M("west", "concern", "Խորապես մտահոգված ենք Լաչինի միջանցքի շուրջ ստեղծված հումանիտար իրավիճակով",
              "{S} մտահոգություն է հայտնել հումանիտար իրավիճակի վերաբերյալ։", "մտահոգություն է հայտնել"),
        ],
        "exodus": [
            M("arm", "appeal", "Կոչ ենք անում գործընկերներին օգնել Հայաստանին բնակարաններով և աշխատանքով ապահովել "
                               "Արցախից եկած մարդկանց",
              "{S} կոչ է արել գործընկերներին աջակցել բռնի տեղահանվածներին։", "կոչ է արել"),
            M("arm", "concern", "Մտահոգված ենք Արցախում մնացած մշակութային ժառանգության ճակատագրով",
              "{S} մտահոգություն է հայտնել մշակութային ժառանգության ճակատագրի վերաբերյալ։",
              "մտահոգություն է հայտնել"),
            M("west", "commit", "Պատրաստ ենք շարունակել աջակցությունը տեղահանված մարդկանց այնքան, որքան անհրաժեշտ է",
              "{S} խոստացել է շարունակել աջակցությունը տեղահանվածներին։", "խոստացել է"),
            M("west", "welcome", "Ողջունում ենք Հայաստանի ջանքերը տեղահանվածներին ընդունելու հարցում",
              "{S} ողջունել է Հայաստանի ջանքերը տեղահանվածներին ընդունելու հարցում։", "ողջունել է"),
        ],
        "peace": [
            M("arm", "commit", ["Հայաստանը հավատարիմ է խաղաղության օրակարգին",
                                "Մենք պատրաստ ենք ստորագրել համաձայնագիրը"],
              "{S} հայտարարել է, որ Հայաստանը պատրաստ է ստորագրել խաղաղության համաձայնագիրը։", "հայտարարել է"),
            M("arm", "reject", "Մերժում ենք Սահմանադրության փոփոխության պահանջը որպես խաղաղության նախապայման",
              "{S} մերժել է Սահմանադրությունը փոփոխելու պահանջը։", "մերժել է"),
            M("arm", "statement", "Սահմանազատումը պետք է հիմնված լինի 1991 թվականի Ալմա-Աթայի հռչակագրի վրա",
              "{S} ընդգծել է, որ սահմանազատումը պետք է հիմնված լինի Ալմա-Աթայի հռչակագրի վրա։", "ընդգծել է"),
            M("arm", "welcome", "Ողջունում ենք Վաշինգտոնում ձեռք բերված համաձայնությունը",
              "{S} ողջունել է Վաշինգտոնում ձեռք բերված համաձայնությունը։", "ողջունել է", "2025-08-08"),
            M("west", "appeal", "Կոչ ենք անում երկու կառավարություններին օգտվել այս պատմական հնարավորությունից",
              "{S} կոչ է արել երկու կառավարություններին ավարտին հասցնել խաղաղության պայմանագիրը։", "կոչ է արել"),
        ],
        "energy": [
            M("arm", "statement", ["Հայաստանը պետք է դիվերսիֆիկացնի էներգետիկ աղբյուրները",
                                   "Մենք ուսումնասիրում ենք բոլոր տարբերակները"],
              "{S} նշել է, որ Հայաստանը պետք է դիվերսիֆիկացնի էներգետիկ աղբյուրները։", "նշել է"),
            M("west", "welcome", "Ողջունում ենք տարածաշրջանը Եվրոպային կապող էներգետիկ նախագծերը",
              "{S} ողջունել է տարածաշրջանը Եվրոպային կապող նախագծերը։", "ողջունել է"),
            M("arm", "commit", "Կշարունակենք աշխատել էներգետիկ անվտանգության ամրապնդման ուղղությամբ",
              "{S} խոստացել է շարունակել աշխատանքը էներգետիկ անվտանգության ուղղությամբ։", "խոստացել է"),
        ],
    },
}

PACKS = {"en": EN, "ru": RU, "az": AZ, "hy": HY}
QUOTE_MARKS = {"curly": ("“", "”"), "straight": ('"', '"'), "low": ("„", "“"), "guillemets": ("«", "»")}
LANG_SIDES = {"az": ("aze", "west"), "hy": ("arm", "west")}   # whom az/hy pages quote

# Side lists: headlines unrelated to the article, in each language (fictional, no real people).
LATEST = {
    "en": ("Georgian parliament debates new broadcasting rules", "Caspian ports report record container traffic",
           "Kazakhstan and Uzbekistan sign water-sharing memorandum", "Black Sea shipping insurers raise premiums",
           "Turkish lira slips as central bank holds rates", "Tbilisi metro extension delayed again",
           "Heavy snow closes mountain passes in the Greater Caucasus", "Regional airlines add winter routes to "
           "Istanbul", "Moldova's parliament approves energy support package", "Kyrgyzstan opens new border "
           "crossing with China", "Students protest tuition rises in Tbilisi", "Power outages hit parts of Dagestan "
           "after storm", "New ferry line to link Baku and Aktau", "Analysts expect slower growth in the South "
           "Caucasus", "Museum in Gyumri reopens after renovation", "Film festival in Batumi announces programme",
           "Armenian exporters look to Gulf markets", "Grain harvest forecast revised upward in Central Asia",
           "EU foreign ministers to meet on eastern neighbourhood", "Georgian wine exports reach new high"),
    "ru": ("Грузинский парламент обсуждает новые правила вещания", "Каспийские порты нарастили грузооборот",
           "В Дагестане после непогоды восстановлено электроснабжение", "Курс лиры снизился после решения ЦБ Турции",
           "В Казахстане запустили новый железнодорожный маршрут", "Снегопады закрыли перевалы на Большом Кавказе",
           "Авиакомпании добавили зимние рейсы в Стамбул", "В Астрахани обсудили развитие каспийского транзита",
           "Эксперты ожидают замедления роста экономики в регионе", "Новая паромная линия свяжет Баку и Актау",
           "Минтранс представил план развития коридора «Север — Юг»", "В Тбилиси прошла акция студентов"),
    "az": ("Bakı–Aktau bərə xətti işə düşür", "Qeyri-neft ixracı artıb", "Böyük Qafqazda qar yolları bağlayıb",
           "Gəncədə yeni park açılıb", "Xəzər limanlarında yükdaşıma artıb", "Aviaşirkətlər İstanbula qış reysləri "
           "əlavə edir", "Gürcüstan parlamenti yeni qanun layihəsini müzakirə edir", "İqtisadçılar regionda artımın "
           "zəifləyəcəyini gözləyir"),
    "hy": ("Գյումրիի թանգարանը վերաբացվել է", "Հայ արտահանողները նոր շուկաներ են փնտրում",
           "Ձյունը փակել է լեռնային ճանապարհները", "Ավիաընկերությունները նոր չվերթներ են ավելացնում",
           "Վրաստանի խորհրդարանը քննարկում է նոր օրինագիծ", "Տնտեսագետները սպասում են աճի դանդաղման",
           "Երևանում բացվել է նոր գրադարան", "Սևանա լճի ջրի մակարդակը բարձրացել է"),
}
COMMENTS = {
    "en": ("Words, words, words. Let's see what happens on the ground.", "Finally some good news for the region.",
           "Who will guarantee any of this?", "The road must stay open, whatever the politics.",
           "Peace needs more than statements.", "Good reporting, thank you.", "Same story every year.",
           "Hope the families get answers soon."),
    "ru": ("Посмотрим, что будет на деле.", "Хоть какие-то хорошие новости.", "Опять одни заявления.",
           "Спасибо за материал.", "Главное, чтобы люди не страдали."),
    "az": ("Sülh hamıya lazımdır.", "Çox maraqlı yazıdır, təşəkkürlər.", "Görək nə olacaq.", "Nəhayət, yaxşı xəbər."),
    "hy": ("Տեսնենք՝ ինչ կլինի իրականում։", "Շնորհակալություն հոդվածի համար։", "Նորից միայն հայտարարություններ։",
           "Խաղաղություն է պետք բոլորին։"),
}
COMMENTERS = ("Aram_G", "caspian_eye", "N. Huseynova", "oldtbilisi", "Vardan88", "Sevda K.", "Observer_EU",
              "mountain_road", "Tigran", "Leman", "reader1990", "Gost")

# ---------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------


def _pick(rng: random.Random, weighted):
    """A value drawn from (value, weight) pairs."""
    items = list(weighted)
    x = rng.random() * sum(w for _, w in items)
    for value, w in items:
        x -= w
        if x < 0:
            return value
    return items[-1][0]


def _in_window(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def _usable(items, side: str, day: date) -> list:
    """Items an outlet of `side` may use on `day` ('any' items always; others only for their side)."""
    return [i for i in items if i.side in ("any", side) and _in_window(i.start, i.end, day)]


def _pool(pack: dict, key: str, theme: str) -> list:
    table = pack[key]
    return table.get(theme) or table.get(FALLBACK.get(theme, ""), [])


def _cap(text: str, lang: str = "en") -> str:
    if not text:
        return text
    first = "İ" if (lang == "az" and text[0] == "i") else text[0].upper()
    return first + text[1:]


def _ru_past(stem: str, gender: str) -> str:
    """Past tense agreed with gender: заявил → заявила/заявило/заявили; отверг → отвергла…"""
    if gender in ("m", "x"):
        return stem
    base = stem if stem.endswith("л") else stem + "л"
    return base + {"f": "а", "n": "о", "pl": "и"}[gender]


def _slug(text: str) -> str:
    table = str.maketrans({"ə": "e", "ğ": "g", "ş": "s", "ç": "c", "ö": "o", "ü": "u", "ı": "i", "İ": "i",
                           "’": "", "'": ""})
    s = re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")
    return s[:60].rstrip("-")


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


# ---------------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------------

@dataclass
class Said:
    """The truth about one generated statement (written to statements.csv)."""

    speaker_key: str
    speaker: str
    speaker_kind: str
    side: str
    form: str
    statement_type: str
    cue: str
    quote: str
    said_on: date


@dataclass
class Ctx:
    """What a page's text is being built from."""

    rng: random.Random
    outlet: Outlet
    lang: str
    theme: str
    published: date
    event: date
    when: str
    vocab: dict
    marks: tuple[str, str]
    mentioned: set[str] = field(default_factory=set)
    said: list[Said] = field(default_factory=list)


def _en_forms(sp: Speaker) -> tuple[str, str]:
    """(subject form, sentence-final form) of the first mention."""
    name, title, before, _, _ = sp.en
    if name is None:
        return title, title
    if before:
        return f"{title} {name}", f"{title} {name}"
    return f"{name}, {title},", f"{name}, {title}"


def _en_pronoun(sp: Speaker) -> tuple[str | None, str]:
    return {"m": ("he", "was"), "f": ("she", "was"), "n": ("it", "was"), "pl": ("they", "were")}.get(
        sp.gender, (None, "was"))


def _en_ref(ctx: Ctx, sp: Speaker, allow_pronoun: bool = True) -> str:
    """A later mention: surname, role noun ('the spokeswoman') or pronoun."""
    options = [sp.en[4]]
    if sp.en[3]:
        options += [sp.en[3], sp.en[3]]
    pron = _en_pronoun(sp)[0]
    if allow_pronoun and pron:
        options.append(pron)
    return ctx.rng.choice(options)


def _fill(text: str, vocab: dict) -> str:
    return text.format_map(vocab) if "{" in text else text


def _en_statement(ctx: Ctx, sp: Speaker, msg: Msg) -> list[str]:
    """English paragraph(s) reporting `msg` by `sp` in one of the direct or indirect forms."""
    rng, (o, c) = ctx.rng, ctx.marks
    first = sp.key not in ctx.mentioned
    ctx.mentioned.add(sp.key)
    subj_first, final_first = _en_forms(sp)
    subj = subj_first if first else _en_ref(ctx, sp)
    after = subj_first if first else _en_ref(ctx, sp)
    label = final_first
    qvocab = EN_VOCAB[sp.side]
    sents = [_fill(s, qvocab) for s in msg.direct]
    forms = [("quote_first", 22), ("quote_first_inverted", 8), ("speaker_first", 15), ("reported", 25)]
    if len(sents) > 1:
        forms += [("split", 15), ("next_paragraph", 7)]
    if msg.type in CLAUSE_TYPES:
        forms.append(("according_to", 10))
    form = _pick(rng, forms)
    verb = "said"
    if form in ("quote_first", "speaker_first", "split"):
        verb = rng.choice(("said", "said", "said", "told reporters",
                           "said in a statement" if sp.kind == "institution" else f"told {ctx.outlet.name}",
                           {"threat": "warned", "appeal": "said", "statement": "stressed"}.get(msg.type, "said")))
    quote = ". ".join(sents)
    paras: list[str]
    if form == "quote_first":
        paras = [f"{o}{quote},{c} {after} {verb}."]
    elif form == "quote_first_inverted":
        who = final_first if first else _en_ref(ctx, sp, allow_pronoun=False)
        paras = [f"{o}{quote},{c} said {who}."]
    elif form == "speaker_first":
        sep = rng.choice((":", ","))
        paras = [f"{_cap(subj)} {verb}{sep} {o}{quote}.{c}"]
    elif form == "split":
        paras = [f"{o}{sents[0]},{c} {after} {verb}. {o}{'. '.join(sents[1:])}.{c}"]
    elif form == "next_paragraph":
        paras = [f"{_cap(subj)} {verb}: {o}{sents[0]}.", f"{o}{'. '.join(sents[1:])}.{c}"]
    else:
        clause = _fill(msg.indirect, ctx.vocab)
        pron, was = _en_pronoun(sp)
        if form == "according_to":
            who = final_first if first else _en_ref(ctx, sp, allow_pronoun=False)
            paras = [f"According to {who}, {clause}."]
            verb, quote = "according to", clause
        else:
            pool = EN_REPORTED[msg.type]
            if pron is None:
                pool = tuple(p for p in pool if "{P}" not in p[0])
            tpl, verb = rng.choice(pool)
            paras = [tpl.format(S=_cap(subj), I=clause, P=pron, WAS=was, WHEN=ctx.when)]
            quote = clause
    kind = "indirect" if form in ("reported", "according_to") else "direct"
    ctx.said.append(Said(sp.key, label, sp.kind, sp.side, f"{kind}:{form}", msg.type, verb, quote, ctx.event))
    return paras


def _en_followup(ctx: Ctx, sp: Speaker, msg: Msg) -> str:
    """A further quote by the same speaker, referred to by pronoun, surname or role noun."""
    o, c = ctx.marks
    quote = ". ".join(_fill(s, EN_VOCAB[sp.side]) for s in msg.direct)
    who = _en_ref(ctx, sp)
    ctx.said.append(Said(sp.key, _en_forms(sp)[1], sp.kind, sp.side, "direct:follow_up", msg.type, "added", quote,
                         ctx.event))
    return f"{o}{quote},{c} {who} added."


def _ru_statement(ctx: Ctx, sp: Speaker, msg: Msg) -> list[str]:
    """Russian paragraph(s) reporting `msg`: «…», — заявил X; X заявил: «…»; reported speech; по словам X."""
    rng, (o, c) = ctx.rng, ctx.marks
    intro, g_intro, short, g_short, gen = sp.ru
    first = sp.key not in ctx.mentioned
    ctx.mentioned.add(sp.key)
    subj, g = (intro, g_intro) if first else (short, g_short)
    sents = [_fill(s, ctx.vocab) for s in msg.direct]
    quote = ". ".join(sents)
    forms = [("quote_first", 30), ("speaker_first", 20), ("reported", 30)]
    if len(sents) > 1:
        forms += [("split", 15), ("next_paragraph", 5)]
    if msg.type in CLAUSE_TYPES and sp.kind != "person":
        forms.append(("according_to", 10))
    if sp.kind == "institution":
        forms.append(("statement_text", 10))
    form = _pick(rng, forms)
    stem = rng.choice(("заявил", "заявил", "сказал", "подчеркнул", "отметил"))
    if msg.type == "threat":
        stem = "предупредил"
    verb = _ru_past(stem, g)
    if form == "quote_first":
        paras = [f"{o}{quote}{c}, — {verb} {subj}."]
    elif form == "statement_text":
        paras = [f"{o}{quote}{c}, — говорится в заявлении {gen}."]
        verb = "говорится в заявлении"
    elif form == "speaker_first":
        paras = [f"{_cap(subj)} {verb}: {o}{quote}{c}."]
    elif form == "split":
        paras = [f"{o}{sents[0]}, — {verb} {subj}. — {'. '.join(sents[1:])}{c}."]
    elif form == "next_paragraph":
        paras = [f"{_cap(subj)} {verb}: {o}{sents[0]}.", f"{o}{'. '.join(sents[1:])}{c}."]
    else:
        clause = _fill(msg.indirect, ctx.vocab)
        quote = clause
        if form == "according_to":
            paras = [f"По словам {gen}, {clause}."]
            verb = "по словам"
        else:
            tpl = rng.choice(RU_REPORTED[msg.type])
            stem = re.search(r"\{V:(\w+)\}", tpl).group(1)
            verb = _ru_past(stem, g)
            paras = [_cap(tpl.replace("{V:" + stem + "}", verb).format(S=subj, I=clause))]
    kind = "indirect" if form in ("reported", "according_to") else "direct"
    ctx.said.append(Said(sp.key, intro, sp.kind, sp.side, f"{kind}:{form}", msg.type, verb, quote, ctx.event))
    return paras


def _ru_followup(ctx: Ctx, sp: Speaker, msg: Msg) -> str:
    """A further Russian quote by the same speaker («…», — добавил он)."""
    o, c = ctx.marks
    quote = ". ".join(_fill(s, ctx.vocab) for s in msg.direct)
    if sp.kind == "institution":
        tail = "добавили в ведомстве"
    elif sp.kind == "anonymous":
        tail = "добавил собеседник"
    else:
        tail = f"{_ru_past('добавил', sp.gender)} {'он' if sp.gender == 'm' else 'она'}"
    ctx.said.append(Said(sp.key, sp.ru[0], sp.kind, sp.side, "direct:follow_up", msg.type, tail.split()[0], quote,
                         ctx.event))
    return f"{o}{quote}{c}, — {tail}."


def _azhy_statement(ctx: Ctx, sp: Speaker, msg: Msg) -> list[str]:
    """Azerbaijani or Armenian paragraph reporting `msg` (quote first, speaker first, split, reported)."""
    rng, (o, c), lang = ctx.rng, ctx.marks, ctx.lang
    intro, short = getattr(sp, lang)
    first = sp.key not in ctx.mentioned
    ctx.mentioned.add(sp.key)
    subj = intro if first else short
    stop = "։" if lang == "hy" else "."
    join = "։ " if lang == "hy" else ". "
    sents = list(msg.direct)
    quote = join.join(sents)
    forms = [("quote_first", 30), ("speaker_first", 25), ("reported", 30)]
    if len(sents) > 1:
        forms.append(("split", 15))
    form = _pick(rng, forms)
    if lang == "az":
        verb = rng.choice(("bildirib", "vurğulayıb", "qeyd edib"))
        if form == "quote_first":
            paras = [f"{o}{quote}{c}, – deyə {subj} {verb}."]
        elif form == "speaker_first":
            verb = rng.choice(("bildirib", "deyib"))
            paras = [f"{_cap(subj, lang)} {verb}: {o}{quote}{c}."]
        elif form == "split":
            paras = [f"{o}{sents[0]}{c}, – deyə {subj} {verb} və əlavə edib: {o}{join.join(sents[1:])}{c}."]
    else:
        verb = rng.choice(("ասել է", "հայտարարել է", "նշել է"))
        if form == "quote_first":
            paras = [f"{o}{quote}{c}, – {verb} {subj}։"]
        elif form == "speaker_first":
            paras = [f"{_cap(subj, lang)} {verb}. {o}{quote}{c}։"]
        elif form == "split":
            paras = [f"{o}{sents[0]}{c}, – {verb} {subj}՝ հավելելով. {o}{join.join(sents[1:])}{c}։"]
    if form == "reported":
        sentence = _cap(msg.indirect.format(S=subj), lang)
        paras = [sentence]
        verb = msg.cue
        quote = sentence.rstrip(stop)
    kind = "indirect" if form == "reported" else "direct"
    ctx.said.append(Said(sp.key, intro, sp.kind, sp.side, f"{kind}:{form}", msg.type, verb, quote, ctx.event))
    return paras


SPEAKERS_BY = {(lang, side): [s for s in SPEAKERS if s.side == side and (lang == "en" or getattr(s, lang))]
               for lang in PACKS for side in ("arm", "aze", "rus", "west")}


def _choose_speaker(ctx: Ctx, side: str, exclude: set[str]) -> Speaker | None:
    """A speaker of `side` not yet quoted in the article, active on its date and topic."""
    cands = [s for s in SPEAKERS_BY[(ctx.lang, side)] if s.key not in exclude
             and _in_window(s.start, s.end, ctx.event) and (not s.themes or ctx.theme in s.themes)
             and (not s.outlets or ctx.outlet.source in s.outlets)]
    return ctx.rng.choice(cands) if cands else None


FIRST_PERSON = {  # "we", "our" …: words an analyst cannot say on a government's behalf
    "en": re.compile(r"\b(we|our|us)\b", re.I),
    "ru": re.compile(r"(?<!\w)(мы|нас|нам|наш\w*|призываем)(?!\w)", re.I),
    "az": re.compile(r"\w(ıq|ik|uq|ük|ımız|imiz|ımızda|imizdə)\b"),
    "hy": re.compile(r"(մենք|ենք|մեր)", re.I),
}


def _choose_message(ctx: Ctx, sp: Speaker, used: set[str]) -> Msg | None:
    """Something `sp` could plausibly say on the article's theme and date, not yet used in it."""
    pack = PACKS[ctx.lang]
    msgs = [m for m in _pool(pack, "msg", ctx.theme) if (m.side == "any" or sp.side in m.side.split())
            and m.direct[0] not in used and _in_window(m.start, m.end, ctx.event)
            and not (sp.analyst and (m.type not in CLAUSE_TYPES
                                     or any(FIRST_PERSON[ctx.lang].search(d) for d in m.direct)))]
    return ctx.rng.choice(msgs) if msgs else None


def _statement_block(ctx: Ctx, sides: tuple, forced: Speaker | None, used_msgs: set[str],
                     used_speakers: set[str]) -> list[str]:
    """One speaker's statement (sometimes with a follow-up quote); empty if nothing fits."""
    rng = ctx.rng
    for _ in range(6):
        sp = forced or _choose_speaker(ctx, _pick(rng, sides), used_speakers)
        forced = None
        if sp is None:
            continue
        msg = _choose_message(ctx, sp, used_msgs)
        if msg is None:
            continue
        used_msgs.add(msg.direct[0])
        used_speakers.add(sp.key)
        if ctx.lang == "en":
            paras = _en_statement(ctx, sp, msg)
        elif ctx.lang == "ru":
            paras = _ru_statement(ctx, sp, msg)
        else:
            return _azhy_statement(ctx, sp, msg)
        if rng.random() < 0.2:
            extra = _choose_message(ctx, sp, used_msgs)
            if extra is not None:
                used_msgs.add(extra.direct[0])
                follow = _en_followup(ctx, sp, extra) if ctx.lang == "en" else _ru_followup(ctx, sp, extra)
                if rng.random() < 0.5:
                    paras[-1] = f"{paras[-1]} {follow}"
                else:
                    paras.append(follow)
        return paras
    return []


# ---------------------------------------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------------------------------------

@dataclass
class Page:
    """One page to write, with its truth (manifest row)."""

    path: str
    source: str
    lang: str
    page_type: str              # article | about | contact | tag | search | newsletter
    url: str
    html: str = ""
    published: date | None = None
    date_style: str = "none"
    title: str = ""
    theme: str = ""
    words: int = 0
    duplicate_of: str = ""
    said: list[Said] = field(default_factory=list)


@dataclass
class Body:
    """The text of an article (shared verbatim by syndicated copies)."""

    title: str
    paragraphs: list[str]
    theme: str
    event: date
    said: list[Said]


class _Text:
    """Paragraphs with a running word count."""

    def __init__(self, paras: list[str]) -> None:
        self.paras: list[str] = []
        self.words = 0
        self.add(paras)

    def add(self, paras: list[str]) -> None:
        for p in paras:
            self.paras.append(p)
            self.words += len(p.split())


def _theme_for(day: date, rng: random.Random) -> str:
    theme = "war"
    for start, name in PERIODS:
        if day >= start:
            theme = name
    if theme in ("postwar", "peace", "washington") and day >= date(2021, 1, 1) and rng.random() < ENERGY_SHARE:
        return "energy"
    return theme


def _vocab(outlet: Outlet, lang: str, rng: random.Random) -> dict:
    if lang == "en":
        vocab = dict(EN_VOCAB[outlet.side])
        if outlet.side == "arm" and rng.random() < 0.5:
            vocab["NK"] = "Artsakh"
        return vocab
    if lang == "ru":
        return dict(RU_VOCAB["rus" if outlet.side == "rus" else "neutral"])
    return {}


def _marks(outlet: Outlet, lang: str, rng: random.Random) -> str:
    """Quotation marks by house style: «» outside English; the Brussels site mixes styles."""
    if lang != "en":
        return "guillemets"
    if outlet.source == "easterndesk":
        return _pick(rng, (("curly", 0.6), ("straight", 0.3), ("low", 0.1)))
    return "straight" if outlet.source == "bakuherald" else "curly"


def _build_body(outlet: Outlet, lang: str, published: date, rng: random.Random) -> Body:
    theme = _theme_for(published, rng)
    event = max(FIRST_DAY, published - timedelta(days=_pick(rng, ((0, 0.45), (1, 0.4), (2, 0.15)))))
    pack = PACKS[lang]
    vocab = _vocab(outlet, lang, rng)
    marks = QUOTE_MARKS[_marks(outlet, lang, rng)]
    ctx = Ctx(rng, outlet, lang, theme, published, event, WEEKDAYS[lang][event.weekday()], dict(vocab), marks)
    ctx.vocab["when"] = ctx.when
    side = outlet.side
    valmeria = outlet.source == "valmeriamfa"
    if valmeria:
        city = rng.choice(("Baku", "Yerevan", "Brussels", "Tbilisi"))
        topic = _fill(VALMERIA_TOPICS[theme], ctx.vocab)
        lead = rng.choice(VALMERIA_LEADS).format(topic=topic, city=city, when=ctx.when)
        title = rng.choice(VALMERIA_TITLES).format(topic=topic, city=city)
    else:
        lead = _fill(rng.choice(_usable(_pool(pack, "lead", theme), side, published)).text, ctx.vocab)
        title = _fill(rng.choice(_usable(_pool(pack, "title", theme), side, published)).text, ctx.vocab)
    title = _cap(title, lang)
    sides = tuple((s, w) for s, w in SIDE_WEIGHTS[side] if s in LANG_SIDES.get(lang, (s,)))
    ctxs = list(_usable(_pool(pack, "ctx", theme), side, published))
    bgs = list(_usable(pack["bg"], side, published))
    rng.shuffle(ctxs)
    rng.shuffle(bgs)
    extras = [_fill(i.text, ctx.vocab) for i in ctxs + bgs]
    used_msgs: set[str] = set()
    used_speakers: set[str] = set()
    forced = None
    if valmeria:
        key = rng.choice(VALMERIA_SPEAKERS)
        forced = next(s for s in SPEAKERS if s.key == key)
    text = _Text([lead])
    text.add(_statement_block(ctx, sides, forced, used_msgs, used_speakers))
    if extras:
        text.add([extras.pop(0)])
    text.add(_statement_block(ctx, sides, None, used_msgs, used_speakers))
    if rng.random() < 0.6 and extras:
        text.add([extras.pop(0)])
    if rng.random() < 0.6:
        text.add(_statement_block(ctx, sides, None, used_msgs, used_speakers))
    target = rng.choice((160, 170, 180, 200, 230, 280, 350))
    while text.words < target and extras:
        text.add([extras.pop(0)])
        block = _statement_block(ctx, sides, None, used_msgs, used_speakers) if text.words < target else []
        text.add(block)
        if not block and text.words >= MIN_WORDS:
            break
    while text.words < MIN_WORDS:
        block = _statement_block(ctx, sides, None, used_msgs, used_speakers)
        if not block:
            break
        text.add(block)
    closings = [_fill(i.text, ctx.vocab) for i in _usable(pack["close"], side, published)]
    rng.shuffle(closings)
    if rng.random() < 0.7 or text.words < MIN_WORDS:
        text.add([closings.pop()])
    while text.words < 150 and closings:
        text.add([closings.pop()])
    while text.words > MAX_WORDS and len(text.paras) > 4:
        text.words -= len(text.paras.pop(-2).split())
    paras = text.paras
    return Body(title, paras, theme, event, ctx.said)


# ---------------------------------------------------------------------------------------------------
# Dates in and around the page
# ---------------------------------------------------------------------------------------------------

def _sample_dates(n: int, rng: random.Random) -> list[date]:
    months = sorted(MONTH_WEIGHTS)
    weights = [(m, MONTH_WEIGHTS[m]) for m in months]
    out = []
    for _ in range(n):
        year, month = _pick(rng, weights)
        lo = max(date(year, month, 1), FIRST_DAY)
        hi = min((date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)), LAST_DAY)
        if (year, month) in FOCUS and rng.random() < FOCUS_SHARE:
            first, last = FOCUS[(year, month)]
            lo, hi = date(year, month, first), date(year, month, last)
        out.append(lo + timedelta(days=rng.randrange((hi - lo).days + 1)))
    return sorted(out)


LATEST_DAYS = tuple(TODAY - timedelta(days=i) for i in range(26))
RELATED_OFFSETS = tuple(timedelta(days=d) for d in range(-45, 46) if d)


def _latest_dates(rng: random.Random, k: int, avoid: date) -> list[date]:
    """Dates for a "Latest news" list: recent, newest first, never the article's date."""
    return sorted(rng.sample([d for d in LATEST_DAYS if d != avoid], k), reverse=True)


def _related_dates(rng: random.Random, k: int, around: date) -> list[date]:
    """Dates for a "Related" list: near the article's date (never equal to it, never after today)."""
    days = {min(TODAY, around + off) for off in rng.sample(RELATED_OFFSETS, k)} - {around}
    return sorted(days, reverse=True)


def _fmt(day: date, style: str) -> str:
    """A date as side lists, bylines and footers print it."""
    month = MONTHS_EN[day.month - 1]
    if style == "d Mon Y":
        return f"{day.day} {month[:3]} {day.year}"
    if style == "d Month Y":
        return f"{day.day} {month} {day.year}"
    if style == "Month d, Y":
        return f"{month} {day.day}, {day.year}"
    if style == "Mon d, Y":
        return f"{month[:3]} {day.day}, {day.year}"
    if style == "ru":
        return f"{day.day} {MONTHS_RU[day.month - 1]} {day.year}"
    if style == "dd/mm/Y":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if style == "dd.mm.Y":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return day.isoformat()


def _iso_time(day: date, rng: random.Random, tz: str) -> str:
    return f"{day.isoformat()}T{rng.randrange(7, 21):02d}:{rng.choice((0, 5, 15, 20, 30, 40, 45, 50)):02d}:00{tz}"


# ---------------------------------------------------------------------------------------------------
# HTML templates (one per outlet)
# ---------------------------------------------------------------------------------------------------

@dataclass
class View:
    """Everything a template needs to render one page."""

    outlet: Outlet
    lang: str
    url: str
    title: str
    paragraphs: list[str]
    author: str | None
    style: str
    published: date | None
    iso: str
    latest: list[tuple[str, date]]
    related: list[tuple[str, date]]
    comments: list[tuple[str, date, str]]
    tags: list[str]
    description: str


def _head(v: View, title: str, extra: str = "", og_type: str = "article") -> str:
    meta = ""
    if v.style == "meta":
        meta = f'<meta property="article:published_time" content="{v.iso}">\n'
    elif v.style == "metaname":
        meta = f'<meta name="date" content="{v.published.isoformat()}">\n'
    author = ""
    if v.author and v.outlet.source != "bakuherald":
        author = f'<meta name="author" content="{_attr(v.author)}">\n'
    return (f"<head>\n<meta charset=\"utf-8\">\n<title>{_esc(title)}</title>\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<meta name=\"description\" content=\"{_attr(v.description)}\">\n"
            f"<link rel=\"canonical\" href=\"{v.url}\">\n<meta property=\"og:url\" content=\"{v.url}\">\n"
            f"<meta property=\"og:type\" content=\"{og_type}\">\n"
            f"<meta property=\"og:title\" content=\"{_attr(v.title)}\">\n"
            f"<meta property=\"og:site_name\" content=\"{_attr(v.outlet.name)}\">\n{meta}{author}"
            f"<link rel=\"stylesheet\" href=\"/assets/{v.outlet.source}.css\">\n{extra}</head>\n")


def _jsonld(v: View, kind: str = "NewsArticle") -> str:
    data: dict = {"@context": "https://schema.org", "@type": kind, "headline": v.title, "inLanguage": v.lang,
                  "mainEntityOfPage": v.url}
    if v.style == "jsonld":
        data["datePublished"] = v.iso
    if v.author:
        data["author"] = {"@type": "Person", "name": v.author}
    data["publisher"] = {"@type": "Organization", "name": v.outlet.name}
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'


def _body_html(v: View) -> str:
    return "\n".join(f"<p>{_esc(p)}</p>" for p in v.paragraphs)


def _visible_date(v: View, style: str, cls: str = "date") -> str:
    """The byline date: a <time> element for 'time' pages, plain text for metadata-dated pages."""
    if v.published is None or v.style in ("url", "none"):
        return ""
    text = _fmt(v.published, style)
    if v.style == "time":
        return f'<time class="{cls}" datetime="{v.iso}">{text}</time>'
    return f'<span class="{cls}">{text}</span>'


def _side_list(items: list[tuple[str, date]], style: str, href: str, cls: str = "date") -> str:
    return "\n".join(f'<li><a href="{href}{i}">{_esc(h)}</a> <span class="{cls}">{_fmt(d, style)}</span></li>'
                     for i, (h, d) in enumerate(items, start=101))


def _comments_html(v: View, heading: str, style: str) -> str:
    if not v.comments:
        return ""
    items = "\n".join(f'<li class="comment"><b class="comment-author">{_esc(who)}</b> '
                      f'<span class="comment-date">{_fmt(d, style)}</span><p>{_esc(text)}</p></li>'
                      for who, d, text in v.comments)
    return (f'<section class="comments" id="comments"><h3>{heading} ({len(v.comments)})</h3>\n'
            f'<ol>\n{items}\n</ol></section>\n')


def _render_caucasuswire(v: View) -> str:
    ru = v.lang == "ru"
    base = "/ru" if ru else "/en"
    nav = (("Новости", "Армения", "Азербайджан", "Грузия", "Экономика", "English") if ru else
           ("News", "Armenia", "Azerbaijan", "Georgia", "Business", "Русский"))
    links = "".join(f'<li><a href="{base}/section/{i}">{n}</a></li>' for i, n in enumerate(nav))
    cookie = ("Мы используем файлы cookie для анализа трафика." if ru else
              "Caucasus Wire uses cookies to measure traffic and remember your preferences.")
    latest_h = "Последние новости" if ru else "Latest news"
    today = (f"{WEEKDAY_NAMES_RU[TODAY.weekday()].capitalize()}, {_fmt(TODAY, 'ru')}" if ru else
             f"{WEEKDAY_NAMES_EN[TODAY.weekday()]}, {_fmt(TODAY, 'd Month Y')}")
    by = ""
    if v.author:
        by = (f'{"Автор:" if ru else "By"} <a rel="author" href="{base}/authors/{_slug(v.author) or "staff"}">'
              f'{_esc(v.author)}</a>')
    date_html = _visible_date(v, "ru" if ru else "d Month Y")
    tags = " ".join(f'<a class="tag" href="{base}/tag/{_slug(t) or i}">{_esc(t)}</a>' for i, t in enumerate(v.tags))
    return (f"<!DOCTYPE html>\n<!-- SYNTHETIC page: fictional outlet and speakers, made by pipeline/sample.py -->\n"
            f"<html lang=\"{v.lang}\">\n{_head(v, f'{v.title} | Caucasus Wire')}"
            f"<body class=\"cw\">\n<div class=\"cookie-bar\" id=\"cookie-bar\"><p>{cookie} "
            f"<a href=\"{base}/privacy\">{'Политика конфиденциальности' if ru else 'Privacy policy'}</a></p>"
            f"<button type=\"button\">{'Принять' if ru else 'Accept all'}</button></div>\n"
            f"<header class=\"cw-header\"><a class=\"logo\" href=\"{base}/\">Caucasus Wire</a>\n"
            f"<nav class=\"main-nav\"><ul>{links}</ul></nav></header>\n"
            f"<main class=\"cw-main\">\n<article class=\"story\">\n<h1 class=\"story-title\">{_esc(v.title)}</h1>\n"
            f"<div class=\"byline\">{by} {date_html}</div>\n<div class=\"story-body\">\n{_body_html(v)}\n</div>\n"
            f"<div class=\"story-tags\">{tags}</div>\n</article>\n"
            f"<aside class=\"sidebar\"><section class=\"latest\"><h2>{latest_h}</h2>\n<ul>\n"
            f"{_side_list(v.latest, 'ru' if ru else 'd Mon Y', f'{base}/news/')}\n</ul></section></aside>\n</main>\n"
            f"<footer class=\"cw-footer\"><div class=\"today\">{today}</div>\n"
            f"<p>© 2026 Caucasus Wire. {'Все права защищены.' if ru else 'All rights reserved.'} "
            f"<a href=\"{base}/about\">{'О нас' if ru else 'About'}</a> · <a href=\"{base}/contact\">"
            f"{'Контакты' if ru else 'Contact'}</a></p></footer>\n</body>\n</html>\n")


def _render_kavkazvestnik(v: View) -> str:
    nav = "".join(f'<li><a href="/{s}/">{n}</a></li>' for s, n in (
        ("politika", "Политика"), ("ekonomika", "Экономика"), ("obshchestvo", "Общество"), ("mir", "В мире"),
        ("video", "Видео")))
    related = (f'<section class="read-also"><h3>Читайте также</h3><ul>\n'
               f'{_side_list(v.related, "ru", "/politika/")}\n</ul></section>\n') if v.related else ""
    author = f'<div class="author">Автор: {_esc(v.author)}</div>' if v.author else ""
    return (f"<!DOCTYPE html>\n<!-- SYNTHETIC page: fictional outlet and speakers, made by pipeline/sample.py -->\n"
            f"<html lang=\"ru\">\n{_head(v, f'{v.title} — Кавказский вестник', _jsonld(v))}"
            f"<body>\n<div class=\"cookies\">Мы используем файлы cookie. Продолжая пользоваться сайтом, вы "
            f"соглашаетесь с этим. <a href=\"/cookies/\">Подробнее</a> <button>OK</button></div>\n"
            f"<div class=\"top\"><a class=\"logo\" href=\"/\">Кавказский вестник</a><ul class=\"menu\">{nav}</ul>"
            f"<form action=\"/search/\"><input name=\"q\" placeholder=\"Поиск\"></form></div>\n"
            f"<div class=\"layout\">\n<article class=\"news-item\">\n<h1>{_esc(v.title)}</h1>\n"
            f"<div class=\"meta\">{_visible_date(v, 'ru')} {author}</div>\n"
            f"<div class=\"text\">\n{_body_html(v)}\n</div>\n</article>\n{related}"
            f"{_comments_html(v, 'Комментарии', 'ru')}"
            f"<aside class=\"col-right\"><div class=\"feed\"><h3>Последние новости</h3><ul>\n"
            f"{_side_list(v.latest, 'ru', '/politika/')}\n</ul></div></aside>\n</div>\n"
            f"<footer><span class=\"footer-date\">Сегодня: {_fmt(TODAY, 'ru')}, "
            f"{WEEKDAY_NAMES_RU[TODAY.weekday()]}</span> <p>© Кавказский вестник, 2026. Сетевое издание. "
            f"Перепечатка материалов — с разрешения редакции.</p></footer>\n</body>\n</html>\n")


def _render_bakuherald(v: View) -> str:
    az = v.lang == "az"
    nav = (("Siyasət", "İqtisadiyyat", "Region", "Dünya", "English") if az else
           ("Politics", "Economy", "Region", "World", "Azərbaycanca"))
    links = "".join(f'<li><a href="/{_slug(n) or "en"}/">{n}</a></li>' for n in nav)
    cookie = ("Bu sayt kukilərdən istifadə edir." if az else "This website uses cookies to improve your experience.")
    author = f'<span class="author">{_esc(v.author)}</span>' if v.author else ""
    latest_h = "Son xəbərlər" if az else "Latest"
    return (f"<!DOCTYPE html>\n<!-- SYNTHETIC page: fictional outlet and speakers, made by pipeline/sample.py -->\n"
            f"<html lang=\"{v.lang}\">\n{_head(v, f'{v.title} - Baku Herald')}"
            f"<body class=\"bh\">\n<div id=\"cookie-notice\">{cookie} <a href=\"/privacy/\">"
            f"{'Ətraflı' if az else 'Learn more'}</a> <button>OK</button></div>\n"
            f"<div class=\"topbar\"><span class=\"date-widget\">{_fmt(TODAY, 'dd.mm.Y')} | "
            f"{'Bakı' if az else 'Baku'} -2°C | USD 1.70</span></div>\n"
            f"<header><a class=\"brand\" href=\"/\">Baku Herald</a><nav><ul>{links}</ul></nav></header>\n"
            f"<div class=\"container\">\n<article class=\"post\">\n<h1 class=\"post-title\">{_esc(v.title)}</h1>\n"
            f"<div class=\"post-meta\">{author} {_visible_date(v, 'dd/mm/Y', 'published')}</div>\n"
            f"<div class=\"post-content\">\n{_body_html(v)}\n</div>\n</article>\n"
            f"{_comments_html(v, 'Şərhlər' if az else 'Comments', 'dd/mm/Y')}"
            f"<aside class=\"widget-area\"><section class=\"widget\"><h2>{latest_h}</h2><ul>\n"
            f"{_side_list(v.latest, 'dd/mm/Y', '/news/')}\n</ul></section></aside>\n</div>\n"
            f"<footer class=\"site-footer\"><p>Baku Herald © 2026. "
            f"{'Bütün hüquqlar qorunur.' if az else 'All rights reserved.'}</p>"
            f"<p><a href=\"/about-us/\">{'Haqqımızda' if az else 'About us'}</a></p></footer>\n</body>\n</html>\n")


def _render_yerevanobserver(v: View) -> str:
    hy = v.lang == "hy"
    nav = (("Քաղաքականություն", "Տնտեսություն", "Հասարակություն", "English") if hy else
           ("Politics", "Economy", "Society", "Opinion", "Հայերեն"))
    links = "".join(f'<a href="/section/{i}/">{n}</a>' for i, n in enumerate(nav))
    cookie = "Կայքը օգտագործում է քուքիներ։" if hy else "We use cookies. By continuing you agree to our use of cookies."
    author = f'<span class="by">{_esc(v.author)}</span>' if v.author else ""
    related = ""
    if v.related:
        related = (f'<section class="related"><h3>{"Առնչվող նյութեր" if hy else "Related"}</h3><ul>\n'
                   f'{_side_list(v.related, "dd.mm.Y" if hy else "Mon d, Y", "/article/")}\n</ul></section>\n')
    today = f"Այսօր՝ {_fmt(TODAY, 'dd.mm.Y')}" if hy else f"Today: {_fmt(TODAY, 'Month d, Y')}"
    return (f"<!DOCTYPE html>\n<!-- SYNTHETIC page: fictional outlet and speakers, made by pipeline/sample.py -->\n"
            f"<html lang=\"{v.lang}\">\n{_head(v, f'{v.title} | Yerevan Observer')}"
            f"<body>\n<div class=\"consent\" role=\"dialog\">{cookie} <button>{'Համաձայն եմ' if hy else 'Agree'}"
            f"</button></div>\n<header class=\"masthead\"><div class=\"logo\">Yerevan Observer</div>"
            f"<nav class=\"sections\">{links}</nav><div class=\"today\">{today}</div></header>\n"
            f"<main>\n<article>\n<div class=\"head\"><h1>{_esc(v.title)}</h1>\n"
            f"<p class=\"byline\">{author} {_visible_date(v, 'dd.mm.Y' if hy else 'Month d, Y', 'published')}</p>"
            f"</div>\n<section class=\"prose\">\n{_body_html(v)}\n</section>\n</article>\n{related}"
            f"{_comments_html(v, 'Մեկնաբանություններ' if hy else 'Comments', 'dd.mm.Y' if hy else 'Mon d, Y')}"
            f"<aside class=\"rail\"><h2>{'Վերջին լուրեր' if hy else 'Latest'}</h2><ul>\n"
            f"{_side_list(v.latest, 'dd.mm.Y' if hy else 'Mon d, Y', '/article/')}\n</ul></aside>\n</main>\n"
            f"<footer><p>© 2026 Yerevan Observer. "
            f"{'Բոլոր իրավունքները պաշտպանված են։' if hy else 'All rights reserved.'}"
            f"</p><a href=\"/contact/\">{'Կապ' if hy else 'Contact'}</a></footer>\n</body>\n</html>\n")


def _render_easterndesk(v: View) -> str:
    related = (f'<section class="related-analysis"><h2>Related analysis</h2><ul>\n'
               f'{_side_list(v.related, "d Month Y", "/analysis/")}\n</ul></section>\n') if v.related else ""
    author = f'<p class="author">{_esc(v.author)}</p>' if v.author else ""
    return (f"<!DOCTYPE html>\n<!-- SYNTHETIC page: fictional outlet and speakers, made by pipeline/sample.py -->\n"
            f"<html lang=\"en-GB\">\n{_head(v, f'{v.title} – Eastern Desk', _jsonld(v, 'AnalysisNewsArticle'))}"
            f"<body class=\"ed\">\n<div class=\"gdpr\"><p>We use essential cookies and, with your consent, "
            f"analytics cookies.</p><button>Accept</button><button>Reject</button></div>\n"
            f"<header><a href=\"/\" class=\"wordmark\">Eastern Desk</a><nav><a href=\"/analysis/\">Analysis</a> "
            f"<a href=\"/briefings/\">Briefings</a> <a href=\"/events/\">Events</a> <a href=\"/newsletter/\">Newsletter"
            f"</a></nav></header>\n<main class=\"content\">\n<div class=\"kicker\">Analysis · South Caucasus</div>\n"
            f"<article class=\"analysis\">\n<h1>{_esc(v.title)}</h1>\n{author}"
            f"<p class=\"byline dateline\">{_visible_date(v, 'd Month Y')}</p>\n"
            f"<div class=\"body-copy\">\n{_body_html(v)}\n"
            f"</div>\n</article>\n{related}"
            f"<aside class=\"newsletter-box\"><h3>The week in the East</h3><p>Our free newsletter every Friday.</p>"
            f"<form><input type=\"email\" placeholder=\"Email\"><button>Subscribe</button></form></aside>\n"
            f"<aside class=\"most-recent\"><h3>Most recent</h3><ul>\n{_side_list(v.latest, 'd Month Y', '/analysis/')}"
            f"\n</ul></aside>\n</main>\n<footer><p>© 2026 Eastern Desk asbl, Brussels · Last updated "
            f"{_fmt(TODAY, 'dd/mm/Y')}</p><p><a href=\"/about/\">About</a> · <a href=\"/privacy/\">Privacy</a>"
            f"</p></footer>\n</body>\n</html>\n")


def _render_valmeriamfa(v: View) -> str:
    return (f"<!DOCTYPE html>\n<!-- SYNTHETIC page: fictional state and ministry, made by pipeline/sample.py -->\n"
            f"<html lang=\"en\">\n{_head(v, f'{v.title} - Ministry of Foreign Affairs of Valmeria')}"
            f"<body class=\"gov\">\n<div class=\"cookie-consent\"><p>This site uses cookies that are needed for it to "
            f"work. <a href=\"/cookies\">Cookie settings</a></p><button>Accept</button></div>\n"
            f"<div class=\"gov-banner\">An official website of the Republic of Valmeria</div>\n"
            f"<header><a href=\"/\">Ministry of Foreign Affairs</a><nav><ul><li><a href=\"/press/\">Press</a></li>"
            f"<li><a href=\"/policy/\">Foreign policy</a></li><li><a href=\"/consular/\">Consular services</a></li>"
            f"</ul></nav></header>\n"
            f"<div class=\"breadcrumbs\"><a href=\"/\">Home</a> › <a href=\"/press/\">Press</a> › "
            f"Press releases</div>\n<main>\n<div class=\"press-release\">\n<h1>{_esc(v.title)}</h1>\n"
            f"<div class=\"release-meta\">Press release {_visible_date(v, 'd Month Y')}</div>\n"
            f"<div class=\"release-text\">\n{_body_html(v)}\n</div>\n</div>\n"
            f"<aside class=\"other-releases\"><h2>Other press releases</h2><ul>\n"
            f"{_side_list(v.latest, 'iso', '/press/')}\n</ul></aside>\n</main>\n"
            f"<footer><p>Press Office · press@mfa.valmeria.example</p><p>Page last reviewed: "
            f"{_fmt(TODAY, 'd Month Y')}</p></footer>\n</body>\n</html>\n")


RENDER = {"caucasuswire": _render_caucasuswire, "kavkazvestnik": _render_kavkazvestnik,
          "bakuherald": _render_bakuherald, "yerevanobserver": _render_yerevanobserver,
          "easterndesk": _render_easterndesk, "valmeriamfa": _render_valmeriamfa}


def _url(outlet: Outlet, lang: str, number: int, title: str, day: date, style: str) -> str:
    slug = _slug(title) if lang in ("en", "az") else ""
    ymd = f"{day.year}/{day.month:02d}/{day.day:02d}"
    host = f"https://{outlet.host}"
    if outlet.source == "caucasuswire":
        return f"{host}/{lang}/news/{number}-{slug}" if slug else f"{host}/{lang}/news/{number}"
    if outlet.source == "kavkazvestnik":
        return f"{host}/politika/{number}.html"
    if outlet.source == "bakuherald":
        if style == "none":
            return f"{host}/news/{number}-{slug}/"
        return f"{host}/{ymd}/{slug}-{number}/" if slug else f"{host}/{ymd}/{number}/"
    if outlet.source == "yerevanobserver":
        return f"{host}/{ymd}/{number}/" if style == "url" else f"{host}/article/{number}/"
    if outlet.source == "easterndesk":
        return f"{host}/analysis/{slug}-{number}"
    return f"{host}/press/releases/{number}-{slug}"


def _tags(lang: str, theme: str) -> list[str]:
    base = {"en": ["Armenia", "Azerbaijan"], "ru": ["Армения", "Азербайджан"]}.get(lang, [])
    extra = {"blockade": {"en": "Lachin corridor", "ru": "Лачинский коридор"},
             "peace": {"en": "Peace talks", "ru": "Мирный договор"},
             "energy": {"en": "Energy", "ru": "Энергетика"}}.get(theme, {}).get(lang)
    return base + ([extra] if extra else [])


def _view(outlet: Outlet, lang: str, url: str, body: Body, published: date, style: str, author: str | None,
          rng: random.Random) -> View:
    latest_pool = LATEST[lang]
    k = rng.randrange(5, 9)
    latest = list(zip(rng.sample(latest_pool, min(k, len(latest_pool))), _latest_dates(rng, k, published)))
    related: list[tuple[str, date]] = []
    if outlet.source in ("kavkazvestnik", "yerevanobserver", "easterndesk"):
        vocab = _vocab(outlet, lang, rng)
        titles = sorted({_cap(_fill(t.text, vocab), lang) for t in
                         _usable(_pool(PACKS[lang], "title", body.theme), outlet.side, published)} - {body.title})
        dates = _related_dates(rng, rng.randrange(2, 5), published)
        titles = rng.sample(titles, min(len(titles), len(dates))) or [rng.choice(latest_pool)]
        related = list(zip(titles, dates))
    comments: list[tuple[str, date, str]] = []
    if outlet.source in ("kavkazvestnik", "bakuherald", "yerevanobserver") and rng.random() < 0.7:
        for _ in range(rng.randrange(1, 4)):
            d = min(TODAY, published + timedelta(days=rng.randrange(1, 20)))
            comments.append((rng.choice(COMMENTERS), d, rng.choice(COMMENTS[lang])))
        comments.sort(key=lambda c: c[1])
    iso = _iso_time(published, rng, outlet.tz)
    desc = body.paragraphs[0][:150].rsplit(" ", 1)[0] + "…"
    return View(outlet, lang, url, body.title, body.paragraphs, author, style, published, iso, latest, related,
                comments, _tags(lang, body.theme), desc)


# ---------------------------------------------------------------------------------------------------
# Non-article pages
# ---------------------------------------------------------------------------------------------------

def _non_articles(rng: random.Random, titles: list[tuple[str, date]]) -> list[Page]:
    """An about page, a contact page, a tag index, a search page and a newsletter page (no article body)."""
    pages = []

    def view(source: str, lang: str, url: str, title: str, paragraphs: list[str]) -> View:
        k = 6
        latest = list(zip(rng.sample(LATEST[lang], k), _latest_dates(rng, k, TODAY)))
        return View(OUTLET[source], lang, url, title, paragraphs, None, "none", None, "", latest, [], [], [],
                    title)

    about = view("bakuherald", "en", "https://bakuherald.example/about-us/", "About us", [
        "Baku Herald is an English- and Azerbaijani-language news website founded in 2015. It covers politics, "
        "the economy and society in Azerbaijan and the wider region.",
        "Our newsroom has twelve staff journalists and a network of contributors in the regions. We follow the "
        "editorial guidelines published on this page and correct our mistakes openly.",
        "Contact the editors at editors@bakuherald.example. For advertising, write to ads@bakuherald.example.",
        "Baku Herald is a fictional outlet created for a synthetic test corpus."])
    pages.append(("about", about))
    contact = view("yerevanobserver", "en", "https://yerevan-observer.example/contact/", "Contact", [
        "Yerevan Observer, 10 Example Street, Yerevan 0010.", "Newsroom: news@yerevan-observer.example",
        "Phone: +374 00 000000 (weekdays, 10:00–18:00)."])
    pages.append(("contact", contact))
    tag = view("caucasuswire", "en", "https://caucasuswire.example/en/tag/lachin-corridor/", "Tag: Lachin corridor",
               [])
    pages.append(("tag", tag))
    search = view("kavkazvestnik", "ru", "https://kavkaz-vestnik.example/search/?q=%D0%BC%D0%B8%D1%80",
                  "Поиск по сайту", [])
    pages.append(("search", search))
    news = view("easterndesk", "en", "https://eastern-desk.example/newsletter/", "Newsletter", [])
    pages.append(("newsletter", news))

    out = []
    for page_type, v in pages:
        if page_type == "tag":
            items = "\n".join(f'<li><a href="/en/news/{i}">{_esc(t)}</a> <span class="date">{_fmt(d, "d Mon Y")}'
                              f'</span></li>' for i, (t, d) in enumerate(titles[:20], start=1))
            inner = (f"<h1>Tag: Lachin corridor</h1>\n<ul class=\"tag-index\">\n{items}\n</ul>\n"
                     f"<a href=\"?page=2\">Next page</a>")
        elif page_type == "search":
            inner = ("<h1>Поиск по сайту</h1>\n<form action=\"/search/\"><input name=\"q\" value=\"мир\">"
                     "<button>Найти</button></form>\n<p class=\"empty\">По вашему запросу «мир» ничего не найдено.</p>")
        elif page_type == "newsletter":
            inner = ("<h1>Newsletter</h1>\n<form class=\"signup\"><label>Email <input type=\"email\"></label>"
                     "<label><input type=\"checkbox\"> I agree to the privacy policy</label><button>Subscribe</button>"
                     "</form>")
        else:
            inner = f"<h1>{_esc(v.title)}</h1>\n" + _body_html(v)
        latest = _side_list(v.latest, "ru" if v.lang == "ru" else "d Mon Y", "/news/")
        doc = (f"<!DOCTYPE html>\n<!-- SYNTHETIC page: fictional outlet, made by pipeline/sample.py -->\n"
               f"<html lang=\"{v.lang}\">\n{_head(v, f'{v.title} | {v.outlet.name}', og_type='website')}<body>\n"
               f"<div class=\"cookie-bar\">{'Мы используем файлы cookie.' if v.lang == 'ru' else 'We use cookies.'} "
               f"<button>OK</button></div>\n<header><a href=\"/\">{_esc(v.outlet.name)}</a></header>\n"
               f"<main>\n<div class=\"page\">\n{inner}\n</div>\n<aside><ul>\n{latest}\n</ul></aside>\n</main>\n"
               f"<footer>© 2026 {_esc(v.outlet.name)}</footer>\n</body>\n</html>\n")
        path = f"{v.outlet.source}/{page_type}.html"
        out.append(Page(path, v.outlet.source, v.lang, page_type, v.url, doc, title=v.title,
                        words=_words(v.paragraphs)))
    return out


# ---------------------------------------------------------------------------------------------------
# Corpus plan
# ---------------------------------------------------------------------------------------------------

def _quota(total: int, weights: list[tuple[object, float]]) -> list[object]:
    """Exactly `total` values in proportion to the weights (largest remainder), in the given order."""
    wsum = sum(w for _, w in weights)
    raw = [(v, total * w / wsum) for v, w in weights]
    counts = [int(r) for _, r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i][1] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return [v for (v, _), c in zip(raw, counts) for _ in range(c)]


def _plan(n_articles: int, seed: int) -> list[Page]:
    """All pages of a corpus: originals, their syndicated copies, and the non-article pages."""
    rng = random.Random(f"sample:{seed}")
    n_dup = round(n_articles * DUPLICATE_SHARE) if n_articles >= 20 else 0
    n_orig = n_articles - n_dup
    slots = _quota(n_orig, [((o.source, lang), o.weight * share) for o in OUTLETS for lang, share in o.langs])
    rng.shuffle(slots)
    dates = _sample_dates(n_orig, rng)
    pages: list[Page] = []
    bodies: list[Body] = []
    for i, ((source, lang), day) in enumerate(zip(slots, dates)):
        prng = random.Random(f"sample:{seed}:article:{i}")
        outlet = OUTLET[source]
        body = _build_body(outlet, lang, day, prng)
        pages.append(_article_page(outlet, lang, body, day, 10000 + i * 7 + prng.randrange(7), prng))
        bodies.append(body)
    eligible = [i for i, p in enumerate(pages) if (p.source, p.lang) in SYNDICATION]
    for j, i in enumerate(sorted(rng.sample(eligible, min(n_dup, len(eligible))))):
        prng = random.Random(f"sample:{seed}:copy:{j}")
        orig = pages[i]
        outlet = OUTLET[prng.choice(SYNDICATION[(orig.source, orig.lang)])]
        page = _article_page(outlet, orig.lang, bodies[i], orig.published, 90000 + j * 11, prng,
                             author=OUTLET[orig.source].name)
        page.duplicate_of = orig.path
        pages.append(page)
    tag_titles = [(p.title, p.published) for p in pages
                  if p.theme == "blockade" and p.source == "caucasuswire" and p.lang == "en"]
    pages += _non_articles(random.Random(f"sample:{seed}:other"), tag_titles)
    return pages


def _article_page(outlet: Outlet, lang: str, body: Body, day: date, number: int, rng: random.Random,
                  author: str | None = None) -> Page:
    style = _pick(rng, outlet.date_styles)
    if author is None and (outlet.source, lang) in AUTHORS and rng.random() < 0.9:
        author = rng.choice(AUTHORS[(outlet.source, lang)])
    url = _url(outlet, lang, number, body.title, day, style)
    view = _view(outlet, lang, url, body, day, style, author, rng)
    path = f"{outlet.source}/{number}-{_slug(body.title) or lang}.html"
    return Page(path, outlet.source, lang, "article", url, RENDER[outlet.source](view), day, style, body.title,
                body.theme, _words(body.paragraphs), said=body.said)


# ---------------------------------------------------------------------------------------------------
# Output: pages, manifest, statements truth, README
# ---------------------------------------------------------------------------------------------------

DATE_SOURCE = {"meta": "meta", "jsonld": "meta", "time": "meta", "metaname": "meta", "url": "url", "none": "none"}


def _manifest(pages: list[Page]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["path", "page_type", "source", "hostname", "language", "canonical_url", "published", "date_in",
                "expected_date_source", "duplicate_of", "theme", "words", "statements", "title"])
    for p in pages:
        article = p.page_type == "article"
        w.writerow([p.path, p.page_type, p.source, OUTLET[p.source].host, p.lang, p.url,
                    p.published.isoformat() if p.published else "", p.date_style if article else "",
                    DATE_SOURCE[p.date_style] if article else "", p.duplicate_of, p.theme, p.words,
                    len(p.said), p.title])
    return out.getvalue()


def _statements_csv(pages: list[Page]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["path", "n", "speaker_key", "speaker", "speaker_kind", "speaker_side", "kind", "form",
                "statement_type", "cue",
                "said_on", "quote"])
    for p in pages:
        for n, s in enumerate(p.said):
            kind, form = s.form.split(":")
            w.writerow([p.path, n, s.speaker_key, s.speaker, s.speaker_kind, s.side, kind, form,
                        s.statement_type, s.cue,
                        s.said_on.isoformat(), s.quote])
    return out.getvalue()


def _table(counter: Counter, header: tuple[str, str]) -> str:
    rows = [f"| {header[0]} | {header[1]} |", "|---|---:|"]
    rows += [f"| {k} | {v} |" for k, v in sorted(counter.items())]
    return "\n".join(rows)


def _readme(pages: list[Page], n_articles: int, seed: int) -> str:
    arts = [p for p in pages if p.page_type == "article"]
    others = [p for p in pages if p.page_type != "article"]
    dups = [p for p in arts if p.duplicate_of]
    by_outlet = Counter(f"{OUTLET[p.source].name} (`{OUTLET[p.source].host}`)" for p in arts)
    said = [s for p in arts for s in p.said]
    styles = Counter(p.date_style for p in arts)
    style_text = {"meta": "`article:published_time` meta tag", "jsonld": "JSON-LD `datePublished`",
                  "time": "`<time datetime>` in the byline", "metaname": "`<meta name=\"date\">`",
                  "url": "only in the URL (`/YYYY/MM/DD/`)", "none": "**undated** (no date metadata, no dated URL)"}
    date_rows = "\n".join(f"| {style_text[k]} | {styles[k]} |" for k in ("meta", "jsonld", "time", "metaname", "url",
                                                                       "none") if styles[k])
    dup_rows = "\n".join(f"| `{p.path}` | `{p.duplicate_of}` |" for p in dups)
    other_rows = "\n".join(f"| `{p.path}` | {p.page_type} |" for p in others)
    return f"""# Sample corpus — SYNTHETIC

**Everything in this folder is synthetic.** The outlets (Caucasus Wire, Кавказский вестник, Baku Herald,
Yerevan Observer, Eastern Desk and the press office of the imaginary state of Valmeria) do not exist; their
hostnames use the reserved `.example` domain. Every quoted person is invented (e.g. "Deputy Foreign Minister
Arman Sargsyants", "Leyla Rustamova, a spokeswoman for Azerbaijan's foreign ministry") or anonymous ("a senior
EU official"); no real, named person is quoted or paraphrased. Real states, bodies and places (Armenia,
Azerbaijan, Russia, the EU, the OSCE Minsk Group, the Lachin corridor, Stepanakert/Khankendi, …) appear so that
the tracker has something to find, and institutions such as "Azerbaijan's foreign ministry" are sometimes given
invented words: these pages are test data, not reporting.

## How it was made

```
python -m pipeline.sample --out data/sample -n {n_articles} --seed {seed}
```

`pipeline/sample.py` builds each article from templates and fact slots (leads, context and background
paragraphs, closings, titles and statement banks per theme and language), places it in its outlet's HTML
template, and writes the page. The same seed gives the same bytes; `tests/test_sample.py` checks that this
folder equals the generator's output, so change the generator and regenerate rather than editing files here.
"Today" is fixed at {TODAY.isoformat()}: footers show it and "Latest news" lists carry dates from the 25 days
before it, never an article's own date. "Related" lists and comments carry dates near, but never equal to, the
article's date.

## Contents

{len(arts)} article pages ({len(arts) - len(dups)} originals + {len(dups)} syndicated copies) and {len(others)}
non-article pages; {len(said)} statements.

### Articles by outlet

{_table(by_outlet, ("outlet", "articles"))}

### Articles by language

{_table(Counter(p.lang for p in arts), ("language", "articles"))}

### Articles by year (true publication date, including undated pages)

{_table(Counter(str(p.published.year) for p in arts), ("year", "articles"))}

### Articles by theme

{_table(Counter(p.theme for p in arts), ("theme", "articles"))}

### Where the date is

| date placement | articles |
|---|---:|
{date_rows}

Undated pages still show dated "Latest news"/"Related" lists, comment dates and a today's-date footer: the
right answer for them is *undated*.

### Syndicated duplicates (identical title and body text, another outlet's template and URL)

| copy | original |
|---|---|
{dup_rows}

### Non-article pages

| page | kind |
|---|---|
{other_rows}

### Statements by type and form

{_table(Counter(s.statement_type for s in said), ("type", "statements"))}

{_table(Counter(s.form for s in said), ("kind:form", "statements"))}

## Files

- `<source>/<number>-<slug>.html` — the pages, one folder per outlet (source ids as in `data/sources.yaml`).
- `manifest.csv` — one row per page: path, page type, source, hostname, language, canonical URL, true
  publication date, where the date is (`date_in`) and the `date_source` the tracker should report
  (`meta`/`url`/`none`), the original of a syndicated copy, theme, body words, statements, title.
- `statements.csv` — the generated statements: a stable speaker key (the same person in every language),
  the speaker as first named, speaker kind (person/anonymous/
  institution), direct or indirect, form, statement type, cue, the date said, and the quote or reported clause.
"""


def _clear(out_dir: Path) -> None:
    """Remove a previous corpus from out_dir (only the generator's own files)."""
    for name in GENERATED_FILES:
        (out_dir / name).unlink(missing_ok=True)
    for outlet in OUTLETS:
        folder = out_dir / outlet.source
        if folder.is_dir():
            for old in folder.glob("*.html"):
                old.unlink()


def generate(out_dir: Path, n_articles: int = 180, seed: int = 7) -> list[Path]:
    """Write a synthetic corpus of `n_articles` article pages (plus a few non-article pages) to out_dir.

    Also writes README.md, manifest.csv and statements.csv. Returns the HTML page paths, sorted.
    Deterministic: the same arguments give byte-identical files.
    """
    if n_articles < 1:
        raise ValueError("n_articles must be at least 1")
    out_dir = Path(out_dir)
    pages = _plan(n_articles, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear(out_dir)
    written = []
    for outlet in OUTLETS:
        (out_dir / outlet.source).mkdir(exist_ok=True)
    for page in pages:
        path = out_dir / page.path
        path.write_bytes(page.html.encode("utf-8"))
        written.append(path)
    (out_dir / "manifest.csv").write_bytes(_manifest(pages).encode("utf-8"))
    (out_dir / "statements.csv").write_bytes(_statements_csv(pages).encode("utf-8"))
    (out_dir / "README.md").write_bytes(_readme(pages, n_articles, seed).encode("utf-8"))
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.sample", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/sample"), help="output folder (default data/sample)")
    parser.add_argument("-n", type=int, default=180, help="number of article pages (default 180)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("-n must be at least 1")
    paths = generate(args.out, args.n, args.seed)
    print(f"wrote {len(paths)} pages to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
