"""Paths and environment variables, worked out once: the database, the taxonomy, the sources file.

Contract environment: `TRACKER_DB` (database, default `data/tracker.duckdb`), `TRACKER_TAXONOMY`
(default `data/taxonomy.yaml`), `TRACKER_ALLOW_PRIVATE=1` (fetch from loopback/private addresses).
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
DEFAULT_DB = DATA_DIR / "tracker.duckdb"
DEFAULT_TAXONOMY = DATA_DIR / "taxonomy.yaml"
DEFAULT_SOURCES = DATA_DIR / "sources.yaml"

ENV_DB = "TRACKER_DB"
ENV_TAXONOMY = "TRACKER_TAXONOMY"
ENV_ALLOW_PRIVATE = "TRACKER_ALLOW_PRIVATE"


def db_path() -> Path:
    """The database path: $TRACKER_DB, else data/tracker.duckdb in the project."""
    return Path(os.environ.get(ENV_DB) or DEFAULT_DB)


def db_from_env() -> bool:
    """True when $TRACKER_DB names the database (the dashboard then never builds the sample itself)."""
    return bool(os.environ.get(ENV_DB))


def taxonomy_override() -> Path | None:
    """$TRACKER_TAXONOMY when set, else None (callers then use the default taxonomy)."""
    value = os.environ.get(ENV_TAXONOMY)
    return Path(value) if value else None


def taxonomy_path() -> Path:
    """The taxonomy file: $TRACKER_TAXONOMY, else data/taxonomy.yaml in the project."""
    return taxonomy_override() or DEFAULT_TAXONOMY


def allow_private_default() -> bool:
    """True when TRACKER_ALLOW_PRIVATE=1 (loopback/private addresses may be fetched)."""
    return os.environ.get(ENV_ALLOW_PRIVATE) == "1"
