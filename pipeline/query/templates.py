"""SQL built apart from running it: `.sql` templates under `sql/`, `{slot}`s for generated conditions,
`$name` parameters for every value.

`fill` fills a template's slots; an `Sql` (text plus parameter values) can be read, compared and
tested as text before `execute` binds the summary tables it names and runs it.
"""
from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from ..store import rollups

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).parent / "sql"
_PARAM = re.compile(r"\$([A-Za-z_]\w*)")


@functools.cache
def template(name: str) -> str:
    """The text of `sql/<name>.sql` without its comment lines (they document the file; a `{slot}` or
    `$name` they mention is not one to fill)."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--")).strip()


@dataclasses.dataclass(frozen=True)
class Sql:
    """SQL text with `$name` parameters and their values (values the text does not use are ignored)."""

    text: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)
    # What the connection has (rollups.catalog), when the caller read it already: saves a catalog query.
    seen: rollups.Catalog | None = dataclasses.field(default=None, compare=False, repr=False)

    def names(self) -> list[str]:
        """The parameter names the text uses, in order of first use."""
        return list(dict.fromkeys(_PARAM.findall(self.text)))

    def bound(self) -> dict[str, object]:
        """The values of the parameters the text uses; KeyError names any without a value."""
        missing = [n for n in self.names() if n not in self.params]
        if missing:
            raise KeyError(f"no value for SQL parameter(s) {', '.join('$' + n for n in missing)}")
        return {n: self.params[n] for n in self.names()}

    def execute(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """Run it on `con` after making the summary tables it names readable there (`rollups.bind`)."""
        rollups.bind(con, rollups.models_in(self.text), self.seen, macros=rollups.uses_macros(self.text))
        values = self.bound()
        log.debug("%s\n-- %s", self.text, values)
        return con.execute(self.text, values)

    def df(self, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        return self.execute(con).df()

    def fetchall(self, con: duckdb.DuckDBPyConnection) -> list[tuple]:
        return self.execute(con).fetchall()


def fill(name: str, **slots: str) -> str:
    """The text of `sql/<name>.sql` with its `{slot}`s filled: generated SQL text (conditions,
    fragments, relation names), never values."""
    return template(name).format(**slots)
