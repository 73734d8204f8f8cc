"""Mentions: text → sentences and mentions of the taxonomy's actors, places and themes.

`taxonomy` reads and validates the analyst-editable taxonomy; `sentences` splits text into
sentences; `matcher` finds every alias in one pass and keeps the longest match.
"""
