"""Extract: one HTML page → one `Article` (text, title, author, site, language and a publication date
we can trust). The only importer of trafilatura's and htmldate's internals. Pure: no network, no database.
"""
from .article import Article, ExtractionError, extract_article

__all__ = ["Article", "ExtractionError", "extract_article"]
