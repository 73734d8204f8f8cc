"""Diplomatic Statement Tracker pipeline, one sub-package per stage, in the order data flows:

collect → extract → mentions → statements → store → query, tied together by run (ingest, retag,
end-of-run upkeep, watch); `cli`, `config`, `vocab`, `export` and `alerts` (the Atom feed of what
changed) sit beside them. Imports only point down that flow.
"""
