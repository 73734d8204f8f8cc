"""One HTML page -> one Article: main text, metadata and a publication date we can trust.

Text and most metadata come from trafilatura. The date is ours: trafilatura (through htmldate)
falls back to any date on the page, e.g. a dated "Latest news" side list, so we only accept
evidence that belongs to the article itself (see ``_publication_date``). Undated beats wrong.
Pure function: no network, no database.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import trafilatura
from courlan import normalize_url
from dateparser import DateDataParser

# htmldate internals (pinned htmldate==1.11.0): the meta-tag, JSON-LD, URL and string parsers,
# used one at a time so that no page-wide "any date anywhere" search runs.
from htmldate.core import examine_header
from htmldate.extractors import extract_url_date, json_search, try_date_expr
from htmldate.utils import Extractor
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from . import language

EARLIEST = dt.date(1995, 1, 1)
# Month names are read in these languages (the tracker's own plus common European ones).
MONTH_LANGUAGES = ("en", "ru", "uk", "az", "hy", "ka", "tr", "fa", "de", "fr", "es", "it", "pt", "nl", "pl", "ro")
# og:type values of pages that are articles; any other declared type (website, profile, video…) is not.
ARTICLE_TYPES = {"article", "news", "newsarticle", "blogposting", "blog", "report", "reportagenewsarticle"}
MIN_TEXT_CHARS = 80  # less than this is a stub, a menu or an error page, not an article

# How far (in visible, non-space characters) a byline may sit before the headline.
BEFORE_TITLE = 600
# A full day-level date written out: 12.03.2023, 2023-03-12, 12 March 2023, March 12, 2023, 12.Mar.2023
DAY_DATE = re.compile(
    r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}[./-]\d{1,2}[./-]\d{1,2}\b"
    r"|\b\d{1,2}[./-][^\W\d_]{3,}\.?[./-]\d{4}\b"
    r"|\b\d{1,2}\.?\s+[^\W\d_]{3,}\.?,?\s+\d{4}\b"
    r"|\b[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
)
# Words before a date that make it a modification, registration or citation date, not a byline.
NOT_PUBLISHED = re.compile(
    r"updat|edit|modif|geändert|aktualisiert|bearbeitet|mis à jour|actualis|обновл|изменен"
    r"|registriert|joined|registered|member since|revision|erschienen|quelle|source",
    re.I,
)
# class/id/itemprop words of elements that usually hold a byline or date.
DATE_CUE = re.compile(
    r"date|datum|time|publish|byline|posted|fecha|meta|dateline|created|submitted|info|author"
    r"|autor|subline|post_detail|data",
    re.I,
)
NAV_WORDS = {"nav", "navbar", "navigation", "menu", "topbar"}
BOILERPLATE_TAGS = {"aside", "nav", "footer", "form"}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "svg"}
LIST_MIN_DATES = 3  # a block holding this many different dates is a list of items, not a byline
SPACE = re.compile(r"\s+")
HTML_TAG = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|meta|title|link|script|style|article|main|section|div|span|p|br"
    r"|a|b|i|h[1-6]|table|ul|ol|li|img)\b",
    re.I,
)
LIST_MARK = re.compile(r"^(?:[-*•|>]\s*)+")
WORD_TOKENS = re.compile(r"[\s_:-]+")


@dataclass
class Article:
    """The extracted article; field meanings are fixed by the project contract."""

    url: str | None
    canonical_url: str | None
    hostname: str | None
    sitename: str | None
    title: str | None
    author: str | None
    published: dt.date | None
    date_source: str  # 'meta' | 'url' | 'text' | 'none'
    language: str | None
    text: str
    content_hash: str


class ExtractionError(ValueError):
    """The page cannot yield an article; str(e) is a one-line reason."""


def extract_article(html: str | bytes, url: str | None = None) -> Article:
    """Extract text, metadata and a trustworthy publication date from one HTML page."""
    tree = _parse(html)
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = "\n".join(line.strip() for line in (doc.text or "").splitlines() if line.strip()) if doc else ""
    if len(text) < MIN_TEXT_CHARS:
        raise ExtractionError("no article text")
    canonical = _canonical_url(tree, url)
    published, source = _publication_date(tree, [url, canonical], text, doc.title)
    page_type = _page_type(tree)
    if page_type and page_type not in ARTICLE_TYPES and published is None and not tree.xpath("//article"):
        raise ExtractionError(f"not an article (og:type {page_type}, no date, no <article>)")
    return Article(
        url=url,
        canonical_url=canonical,
        hostname=_hostname(canonical or url),
        sitename=doc.sitename,
        title=doc.title,
        author=doc.author,
        published=published,
        date_source=source,
        language=doc.language or language.classify(text),
        text=text,
        content_hash=_content_hash(text, doc.title),
    )


def _page_type(tree: HtmlElement) -> str | None:
    """The page's own og:type, lower-cased. Sites mark home, section, tag and about pages 'website' —
    and some articles too, so the type alone never rejects a page that is dated or has an <article>."""
    for node in tree.xpath('//meta[@property="og:type" or @name="og:type"][@content]'):
        return node.get("content").strip().lower() or None
    return None


def _content_hash(text: str, title: str | None) -> str:
    """sha256 of the whitespace-normalised text, leaving out a first line that repeats the title.

    Templates differ on whether the headline sits inside the article block, so the same story
    syndicated on two sites would otherwise hash differently.
    """
    first, _, rest = text.partition("\n")
    shown, wanted = _squash(first), _squash(title or "")
    if rest and len(shown) >= 10 and shown in wanted:
        text = rest
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def _parse(html: str | bytes) -> HtmlElement:
    """Parse the page, refusing what is empty or plainly not HTML."""
    if not html or not (html.strip() if isinstance(html, str) else html.strip()):
        raise ExtractionError("empty page")
    head = html[:65536] if isinstance(html, str) else html[:65536].decode("utf-8", "ignore")
    if "\x00" in head[:1024] or head.startswith("%PDF") or not HTML_TAG.search(head):
        raise ExtractionError("not HTML")
    tree = load_html(html)
    if tree is None:
        raise ExtractionError("not HTML (unparseable)")
    return tree


def _canonical_url(tree: HtmlElement, url: str | None) -> str | None:
    """<link rel=canonical> or og:url, made absolute and normalised; else the normalised input URL."""
    found = None
    for link in tree.iterfind(".//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            found = link.get("href")
            break
    if not found:
        meta = tree.find('.//meta[@property="og:url"]')
        found = meta.get("content") if meta is not None else None
    canonical = _normalise(urljoin(url or "", found.strip())) if found else None
    given = _normalise(url) if url else None
    # some sites point every page's canonical at the home page: that names the site, not the page
    if canonical and given and urlsplit(canonical).path in ("", "/") and urlsplit(given).path not in ("", "/"):
        canonical = None
    return canonical or given or url


def _normalise(url: str) -> str | None:
    """Lower-cased scheme/host, no default port, no fragment, no tracking parameters."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urldefrag(normalize_url(url))[0]


def _hostname(url: str | None) -> str | None:
    """Lower-case host name without a leading 'www.'."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


# --- publication date -------------------------------------------------------------------------


def _publication_date(
    tree: HtmlElement, urls: list[str | None], text: str, title: str | None
) -> tuple[dt.date | None, str]:
    """Date and its source, from evidence that belongs to this article only.

    Order: head metadata (meta tags, JSON-LD) -> 'meta'; a <time datetime>/itemprop date in the
    article's byline -> 'meta'; a date in the URL -> 'url'; a written byline date in the article's
    header area -> 'text'; a byline-like first/last line of the extracted text -> 'text'.
    When the page's own byline disagrees with metadata or URL, the byline wins (readers see it;
    metadata often carries a modification or UTC timestamp) unless metadata and URL agree with
    each other. Side lists, footers and date widgets are never consulted.
    """
    latest = dt.datetime.combine(dt.date.today(), dt.time.max)
    options = Extractor(False, latest, dt.datetime.combine(EARLIEST, dt.time.min), True, "%Y-%m-%d")
    head = tree.find("head")
    meta = _as_date((examine_header(head, options) if head is not None else None) or json_search(tree, options))
    in_url = next((day for url in urls if (day := _as_date(extract_url_date(url, options)))), None)
    byline, kind = _byline_date(tree, text, title, options)
    known = meta or in_url
    corroborated = meta is not None and meta == in_url
    if byline and known and byline != known and _swapped(byline) != known and not corroborated:
        return byline, kind
    if meta:
        return meta, "meta"
    if byline and kind == "meta":
        return byline, kind
    if in_url:
        return in_url, "url"
    if byline:
        return byline, kind
    written = _text_date(text, title, options)
    return (written, "text") if written else (None, "none")


def _as_date(value: str | None) -> dt.date | None:
    """ISO string -> date, only if between 1995 and today."""
    if not value:
        return None
    day = dt.date.fromisoformat(value[:10])
    return day if EARLIEST <= day <= dt.date.today() else None


def _swapped(day: dt.date) -> dt.date | None:
    """The same numbers read the other way round (03/04 vs 04/03), if that is a date."""
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def _parse_written(string: str, options: Extractor) -> dt.date | None:
    """A day-level date written in a short string, unless words before it say it is not a byline."""
    match = DAY_DATE.search(string)
    if not match or NOT_PUBLISHED.search(string[: match.start()]):
        return None
    written = match.group(0)
    numeric = _as_date(try_date_expr(written, options.format, False, options.min, options.max))
    if numeric or not re.search(r"[^\W\d_]", written):
        return numeric
    try:
        parsed = _month_name_parser().get_date_data(written)["date_obj"]
    except (OverflowError, ValueError):
        return None
    return _as_date(parsed.date().isoformat()) if parsed else None


@functools.cache
def _month_name_parser() -> DateDataParser:
    """dateparser limited to the languages we expect (all locales would take ~20 s to warm up)."""
    settings = {"PREFER_DATES_FROM": "past", "STRICT_PARSING": True, "PARSERS": ["custom-formats", "absolute-time"]}
    return DateDataParser(languages=list(MONTH_LANGUAGES), settings=settings)


def _text_date(text: str, title: str | None, options: Extractor) -> dt.date | None:
    """A date from a short byline-like line at the start (2 lines) or end (1 line) of the text."""
    lines = text.split("\n")
    if lines and title and _squash(lines[0]) == _squash(title):
        lines = lines[1:]
    for line in lines[:2] + lines[-1:]:
        match = None if LIST_MARK.match(line) else DAY_DATE.search(line)  # list items are not bylines
        if match and len(line) <= 80 and len(line) - len(match.group(0)) <= 45 and "(@" not in line:
            day = _parse_written(line, options)
            if day:
                return day
    return None


def _squash(string: str) -> str:
    """The string without any whitespace, for layout-proof comparisons."""
    return SPACE.sub("", string)


class _Layout:
    """Visible text of the body with each element's start/end offset (non-space characters)."""

    def __init__(self, tree: HtmlElement) -> None:
        body = tree.find("body")
        self.root = body if body is not None else tree
        self.start: dict[HtmlElement, int] = {}
        self.end: dict[HtmlElement, int] = {}
        pieces: list[str] = []
        pos = 0
        skip_depth = 0
        for event, el in etree.iterwalk(self.root, events=("start", "end")):
            visible = isinstance(el.tag, str) and el.tag not in SKIP_TAGS
            if event == "start":
                self.start[el] = pos
                if not visible:
                    skip_depth += 1
                elif el.text and not skip_depth:
                    pieces.append(_squash(el.text))
                    pos += len(pieces[-1])
            else:
                self.end[el] = pos
                if not visible:
                    skip_depth -= 1
                if el.tail and not skip_depth and el is not self.root:
                    pieces.append(_squash(el.tail))
                    pos += len(pieces[-1])
        self.text = "".join(pieces)

    def find(self, line: str, after: int = 0) -> int:
        """Offset of a text line in the page (first 30 visible characters), or -1."""
        key = _squash(line)[:30]
        return self.text.find(key, after) if key else -1

    def element_at(self, offset: int) -> HtmlElement | None:
        """The innermost element whose text covers the offset."""
        best = None
        for el, begin in self.start.items():
            if begin <= offset < self.end[el] and (best is None or begin >= self.start[best]):
                best = el
        return best


def _byline_date(
    tree: HtmlElement, text: str, title: str | None, options: Extractor
) -> tuple[dt.date | None, str]:
    """A date shown in the article's own header/byline area of the page, with its source kind.

    The area runs from a little before the headline to the end of the extracted text's last
    paragraph, located in the page by their wording. Accepted: <time datetime>, itemprop
    datePublished (source 'meta'); short texts in date-like elements, or any short date text
    between headline and first paragraph (source 'text'). Rejected: anything inside aside/nav/
    footer/form or a block listing several dates (a side list), blockquotes (embedded posts),
    the headline itself, and dates before the headline when that part of the page holds navigation.
    """
    layout = _Layout(tree)
    body_lines = [LIST_MARK.sub("", line) for line in text.split("\n")]
    body_lines = [line for line in body_lines if len(line) >= 40 and _squash(line) != _squash(title or "")]
    first = next((pos for line in body_lines[:6] if (pos := layout.find(line)) >= 0), -1)
    if first < 0:
        return None, "none"
    ends = (pos + len(_squash(line)) for line in body_lines[::-1][:6] if (pos := layout.find(line, first)) >= 0)
    last = next(ends, first)
    headline = _headline(layout, title, first)
    top = min(first, layout.start[headline]) if headline is not None else first
    paragraph = layout.element_at(first)
    article_path = set(paragraph.iterancestors()) | {paragraph} if paragraph is not None else set()

    found = _dated_elements(layout, headline, options)
    if len({day for el, day, _ in found if first <= layout.start[el] <= last}) >= LIST_MIN_DATES:
        return None, "none"  # the main text itself is a dated list: a tag, search or archive page
    per_block: dict[HtmlElement, set[dt.date]] = {}
    for el, day, _ in found:
        for block in el.iterancestors():
            per_block.setdefault(block, set()).add(day)
    for el, day, kind in found:
        offset = layout.start[el]
        if offset < top - BEFORE_TITLE or offset > last:
            continue
        if kind == "text" and offset >= first and not _is_cue(el):
            continue  # free-standing dates only count in the header area, before the text starts
        branch = [el, *el.iterancestors()]
        shared = next((a for a in branch if a in article_path), None)
        branch = branch[: branch.index(shared)] if shared is not None else branch
        if any(a.tag in BOILERPLATE_TAGS or len(per_block.get(a, ())) >= LIST_MIN_DATES for a in branch):
            continue
        if offset < top and (shared is None or _has_navigation(shared)):
            continue
        inside = set(el.iter())
        machine_readable = any(k == "meta" and d == day and e in inside for e, d, k in found)
        return day, "meta" if machine_readable else kind
    return None, "none"


def _headline(layout: _Layout, title: str | None, first: int) -> HtmlElement | None:
    """The h1/h2 showing the title, if it comes before the first paragraph."""
    wanted = _squash(title or "")
    if len(wanted) <= 10:
        return None
    for el in layout.root.iter("h1", "h2", "h3"):
        shown = _squash(el.text_content())
        if len(shown) > 10 and (shown in wanted or wanted in shown) and layout.start.get(el, first) < first:
            return el
    return None


def _dated_elements(
    layout: _Layout, headline: HtmlElement | None, options: Extractor
) -> list[tuple[HtmlElement, dt.date, str]]:
    """Every element of the body that states a date, in page order, with 'meta' or 'text' kind."""
    found = []
    skip = set(headline.iter()) if headline is not None else set()
    for el in layout.root.iter():
        if not isinstance(el.tag, str) or el in skip or el.tag in SKIP_TAGS:
            continue
        if el.tag == "time" and el.get("datetime"):
            day = _as_date(try_date_expr(el.get("datetime"), options.format, False, options.min, options.max))
            kind = "meta"
        elif el.tag == "meta":
            prop = (el.get("itemprop") or "").lower()
            content = el.get("content") if prop in ("datepublished", "datecreated") else None
            day = _as_date(try_date_expr(content, options.format, False, options.min, options.max))
            kind = "meta"
        else:
            size = layout.end.get(el, 0) - layout.start.get(el, 0)
            short = 6 < size <= 80 or (80 < size <= 100 and _is_cue(el))
            day = _parse_written(" ".join(" ".join(el.itertext()).split()), options) if short else None
            kind = "text"
        if day and not any(a.tag == "blockquote" for a in el.iterancestors()):
            found.append((el, day, kind))
    return found


def _is_cue(el: HtmlElement) -> bool:
    """Whether the element's class/id/itemprop suggests it holds a date or byline."""
    hint = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("itemprop"))))
    return el.tag == "time" or bool(hint and DATE_CUE.search(hint))


def _has_navigation(block: HtmlElement) -> bool:
    """Whether a block contains a <nav> or an element named like a menu."""
    for el in block.iter():
        if el.tag == "nav":
            return True
        if isinstance(el.tag, str):
            words = set(WORD_TOKENS.split(f"{el.get('class') or ''} {el.get('id') or ''}".lower()))
            if words & NAV_WORDS:
                return True
    return False
