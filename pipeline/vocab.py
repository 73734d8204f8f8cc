"""The fixed vocabularies of the Contract, named once: every module and the dashboard read them here."""
from __future__ import annotations

# statements.statement_type; "statement" is the type of a statement no cue classifies.
STATEMENT_TYPES = ("appeal", "concern", "condemn", "welcome", "commit", "reject", "threat", "statement")
# Types a cue phrase can give (all but the fallback).
CUE_TYPES = STATEMENT_TYPES[:-1]
# statements.kind
STATEMENT_KINDS = ("direct", "indirect", "transcript", "release")
# sources.kind
SOURCE_KINDS = ("government", "international", "state media", "independent media", "other")
# entities.kind, and the taxonomy file's section for each
ENTITY_KINDS = ("actor", "place", "theme")
TAXONOMY_SECTIONS = {"actors": "actor", "places": "place", "themes": "theme"}
# articles.date_source
DATE_SOURCES = ("meta", "url", "feed", "text", "none")
# articles.genre
GENRES = ("news", "transcript", "release")
# entities.type of actors (the taxonomy's actor types)
ACTOR_TYPES = ("state", "government body", "official", "organisation", "armed force", "media")
# A statement's speaker type (the statement filters): its speaker entity's actor type, else "person" for
# a named person outside the taxonomy (speaker_key p:…), else "other" (unnamed sources, groups, capitals
# not resolved to a state).
SPEAKER_TYPES = (*ACTOR_TYPES, "person", "other")
# Trend granularities and measures of the dashboard and `export trends`.
GRANULARITIES = ("day", "week", "month")
MEASURES = ("articles", "share", "mentions")
