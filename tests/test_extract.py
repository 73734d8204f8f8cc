"""pipeline.extract on small real-world-shaped pages: clean text, metadata, and dates we can trust."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import trafilatura

from pipeline.extract import Article, ExtractionError, extract_article
from pipeline.extract.genre import title_genre

PAGES = Path(__file__).parent / "fixtures" / "extract"
BRIEFING_URL = "https://caspian-wire.example/en/news/5090"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def side_list_dates(html: str) -> set[dt.date]:
    """The dates printed in the fixture's "Latest news" list (10.Jan.2026 style)."""
    found = re.findall(r"\d{2}\.\w{3}\.\d{4}", html)
    return {dt.datetime.strptime(day, "%d.%b.%Y").date() for day in found}


def test_side_list_date_trap_bare_trafilatura_falls_in_ours_stays_undated() -> None:
    html = page("briefing_side_list.html")

    bare = trafilatura.bare_extraction(html, url=BRIEFING_URL, with_metadata=True)
    assert dt.date.fromisoformat(bare.date) in side_list_dates(html)  # the trap: a side-list headline's date

    article = extract_article(html, url=BRIEFING_URL)
    assert (article.published, article.date_source) == (None, "none")
    for quote in ("We keep speaking with both capitals", "Our aim is simple",
                  "We are worried about the Lachin corridor", "Only negotiations can bring a lasting peace"):
        assert quote in article.text
    for boilerplate in ("Latest news", "Ankara outlines", "fibre cable", "14 Jan 2026", "Jan.2026", "Accept all",
                        "privacy notice", "Contacts", "Reprinting", "Log in to comment"):
        assert boilerplate not in article.text


def test_todays_date_widget_above_the_menu_is_not_a_publication_date() -> None:
    html = page("briefing_side_list.html").replace(
        '<header class="site-header">',
        '<div class="topbar"><span class="current-date">Wednesday, 14 January 2026</span></div>\n'
        '<header class="site-header">',
    )
    assert trafilatura.bare_extraction(html, url=BRIEFING_URL, with_metadata=True).date == "2026-01-14"
    article = extract_article(html, url=BRIEFING_URL)
    assert (article.published, article.date_source) == (None, "none")


def test_published_time_meta_wins_and_related_list_is_ignored() -> None:
    url = "https://ledger.example/politics/border-commission-meets?ref=home"
    article = extract_article(page("meta_published.html"), url=url)
    assert (article.published, article.date_source) == (dt.date(2023, 3, 14), "meta")
    assert article.title == "Border commission meets again after a long pause"
    assert article.author == "Mariam Harutyunyan-Levin"
    assert article.sitename == "South Caucasus Ledger"
    assert article.url == url
    assert article.canonical_url == "https://ledger.example/politics/border-commission-meets"
    assert "Mediators tour the region" not in article.text
    assert "businesslike and calmer than expected" in article.text


def test_date_in_the_url_when_the_page_has_none() -> None:
    html = page("undated_article.html")
    dated = extract_article(html, url="https://herald.example/2022/12/15/trucks-wait")
    assert (dated.published, dated.date_source) == (dt.date(2022, 12, 15), "url")
    plain = extract_article(html, url="https://herald.example/news/trucks-wait")
    assert (plain.published, plain.date_source) == (None, "none")
    link = '<link rel="canonical" href="https://herald.example/2022/12/15/trucks-wait">'
    canonical = html.replace("</head>", f"{link}\n</head>")
    from_canonical = extract_article(canonical, url="https://herald.example/?p=88")
    assert (from_canonical.published, from_canonical.date_source) == (dt.date(2022, 12, 15), "url")


def test_written_byline_inside_the_article_while_side_list_and_footer_dates_are_ignored() -> None:
    article = extract_article(page("byline_text.html"), url="https://easterndesk.example/news/80")
    assert (article.published, article.date_source) == (dt.date(2023, 3, 3), "text")
    assert "Ceasefire violations reported overnight" not in article.text


def test_byline_as_the_last_line_of_the_text() -> None:
    html = page("undated_article.html").replace("</main>", "<p>Published 5 April 2023</p>\n</main>")
    article = extract_article(html, url="https://herald.example/news/trucks-wait")
    assert (article.published, article.date_source) == (dt.date(2023, 4, 5), "text")


def test_time_element_in_the_byline_counts_as_metadata_and_beats_a_url_date() -> None:
    html = page("undated_article.html").replace(
        "</h1>",
        '</h1>\n  <p class="byline">By staff · <time datetime="2022-12-16T08:00:00+04:00">16 December 2022</time></p>',
    )
    article = extract_article(html, url="https://herald.example/news/trucks-wait")
    assert (article.published, article.date_source) == (dt.date(2022, 12, 16), "meta")
    # the page's own byline is trusted over a URL date that says otherwise
    article = extract_article(html, url="https://herald.example/2022/12/15/trucks-wait")
    assert article.published == dt.date(2022, 12, 16)


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("meta_published.html", "2023-03-14T09:30:00+04:00", "2999-03-14T09:30:00+04:00"),  # in the future
        ("byline_text.html", "3 March 2023", "3 March 1990"),  # before the web had news sites
    ],
)
def test_implausible_dates_are_rejected(name: str, old: str, new: str) -> None:
    article = extract_article(page(name).replace(old, new))
    assert (article.published, article.date_source) == (None, "none")


def test_russian_page_language_and_month_name_date() -> None:
    article = extract_article(page("russian.html"))
    assert article.language == "ru"
    assert (article.published, article.date_source) == (dt.date(2023, 3, 12), "text")
    assert "пространство для компромисса" in article.text
    assert extract_article(page("byline_text.html")).language == "en"


@pytest.mark.parametrize(
    ("canonical", "url", "expected_canonical", "expected_host"),
    [
        ('<link rel="canonical" href="https://WWW.Caspian-Wire.example/en/news/5090?utm_source=feed#top">',
         None, "https://www.caspian-wire.example/en/news/5090", "caspian-wire.example"),
        ('<link rel="canonical" href="/en/news/5090">', "https://caspian-wire.example/en/news/5090?from=rss",
         "https://caspian-wire.example/en/news/5090", "caspian-wire.example"),
        ('<meta property="og:url" content="https://m.caspian-wire.example/en/news/5090">',
         None, "https://m.caspian-wire.example/en/news/5090", "m.caspian-wire.example"),
        ('<link rel="canonical" href="https://caspian-wire.example/">',  # a home page is not this page
         "https://www.Caspian-Wire.example/en/news/5090#comments", "https://www.caspian-wire.example/en/news/5090",
         "caspian-wire.example"),
        ("", None, None, None),
    ],
)
def test_canonical_url_and_hostname(
    canonical: str, url: str | None, expected_canonical: str | None, expected_host: str | None
) -> None:
    html = page("briefing_side_list.html").replace("</head>", f"{canonical}\n</head>")
    article = extract_article(html, url=url)
    assert (article.url, article.canonical_url, article.hostname) == (url, expected_canonical, expected_host)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty page"),
        ("   \n\t ", "empty page"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>", "not HTML"),
        ("Just a plain sentence that someone saved with an .html name.", "not HTML"),
        (b'{"title": "a JSON document", "items": [1, 2, 3]}', "not HTML"),
        ("<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>", "no article text"),
    ],
)
def test_unusable_input_raises_a_one_line_reason(content: str | bytes, reason: str) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_article(content)
    assert str(caught.value) == reason
    assert "\n" not in str(caught.value)


def test_content_hash_matches_syndicated_copies_and_separates_different_stories() -> None:
    first = extract_article(page("syndicated_a.html"), url="https://harbortimes.example/world/aid-convoy")
    second = extract_article(page("syndicated_b.html"), url="https://mountainpost.example/region/aid-convoy")
    other = extract_article(page("briefing_side_list.html"), url=BRIEFING_URL)
    assert first.hostname != second.hostname
    assert first.content_hash == second.content_hash
    assert other.content_hash != first.content_hash
    assert re.fullmatch(r"[0-9a-f]{64}", first.content_hash)


def test_bytes_and_text_input_give_the_same_article() -> None:
    raw = (PAGES / "russian.html").read_bytes()
    from_bytes, from_text = extract_article(raw), extract_article(raw.decode("utf-8"))
    assert isinstance(from_bytes, Article)
    assert from_bytes == from_text


ABOUT_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>About us</title>
<meta property="og:type" content="website"></head><body><nav><a href="/">Home</a></nav><main>
<h1>About us</h1><p>We are a small team of reporters covering the South Caucasus from three cities, and we
publish in English and Russian. Our newsroom is funded by readers and by two press-freedom foundations.</p>
<p>Write to the editors at the address below; we answer every letter within a week.</p></main>
<footer>© 2026</footer></body></html>"""


def test_declared_non_article_pages_without_date_or_article_element_are_refused() -> None:
    with pytest.raises(ExtractionError, match=r"^not an article \(og:type website, no date, no <article>\)$"):
        extract_article(ABOUT_PAGE)
    dated = ABOUT_PAGE.replace("</head>", '<meta property="article:published_time" content="2024-03-01"></head>')
    assert extract_article(dated).published == dt.date(2024, 3, 1)  # some sites mark articles "website"
    wrapped = ABOUT_PAGE.replace("<main>", "<main><article>").replace("</main>", "</article></main>")
    assert extract_article(wrapped).published is None


@pytest.mark.parametrize("title, text, genre", [
    ("Statement by the Ministry of Foreign Affairs on the border incident", "", "release"),
    ("Readout of the Foreign Minister's call with his Armenian counterpart", "", "release"),
    ("Заявление МИД России в связи с обострением обстановки", "", "release"),
    ("Azərbaycan Respublikası Xarici İşlər Nazirliyinin bəyanatı", "", "release"),
    ("ՀՀ ԱԳՆ հայտարարությունը", "", "release"),
    ("Escalation along the border", "Escalation along the border\nPress Statement\nNed Price, Spokesperson\nThe "
     "United States condemns the shelling.", "release"),
    ("Department Press Briefing – July 18, 2022", "", "transcript"),
    ("Брифинг официального представителя МИД России", "", "transcript"),
    ("XİN sözçüsünün brifinqi", "", "transcript"),
    ("ԱԳՆ խոսնակի ճեպազրույցը", "", "transcript"),
    ("Заявление Захаровой вызвало споры в Баку", "", None),      # a news headline about a statement
    ("Russia's statement angers Baku", "", None),
    ("Armenia weighs energy diversification", "Armenia weighs energy diversification\nBy Anna Petrosyan", None),
])
def test_title_and_header_lines_name_the_page_genre(title, text, genre):
    assert title_genre(title, text) == genre
