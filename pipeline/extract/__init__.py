"""Extract: one HTML page → one `Article` (text, title, author, site, language and a publication date
we can trust), and what its title says of its genre (`genre`: release or transcript cues, as data in
genre_cues.yaml); `language`: py3langid's answer, its byte walk done in numpy. The only importer of
trafilatura's, htmldate's and py3langid's internals. Pure: no network, no database.
"""
from .article import Article, ExtractionError, extract_article

__all__ = ["Article", "ExtractionError", "extract_article"]
