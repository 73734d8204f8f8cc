"""Extract: one HTML page → one `Article` (text, title, author, site, language and a publication date
we can trust), and what its title says of its genre (`genre`: release or transcript cues, as data in
genre_cues.yaml). The only importer of trafilatura's and htmldate's internals. Pure: no network, no database.
"""
from .article import Article, ExtractionError, extract_article

__all__ = ["Article", "ExtractionError", "extract_article"]
