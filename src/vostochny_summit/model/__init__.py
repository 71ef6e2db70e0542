"""The model of the package: every table, field kind, vocabulary and row rule, defined once.

It checks itself when imported (check.py): keys, spans, references and row rules name existing fields, rule
values belong to their column's vocabulary, every pattern has its words. One view of a table: the package on disk
(`package.Table`, `package.SchemaField`) is the published form of these declarations, and each names the model's
declaration it came from (`.model`); code that needs a role asks the model, never a schema file or a name.

Everything else is generated from it or reads it: `schemas/*.schema.json` (build writes them), the Arrow schemas of
the Parquet files, DuckDB types, the pandera schemas (`vostochny_summit.pandera_schema`), the data dictionary, the
vocabulary tables in CURATION.md and the timeline legend. Code asks the model for a field's role (`Field.kind`,
`Resource.span`, `Resource.entity`, the row rules) instead of reading it off a pattern or a table name.
"""

from __future__ import annotations

from .check import ModelError, check_model
from .classes import SLUG_PATTERN, TYPES, Field, Resource, Span, Term, Vocabulary
from .resources import RESOURCES

check_model(RESOURCES)  # the model checks itself when imported: a mistake fails here, naming the table and field

REFERENCE_FILE = "data/reference/entity-identifiers.csv"  # the frozen, verified external identifiers (CURATION.md §3)
RETIRED_IDS_FILE = "releases/retired-ids.csv"  # every id retired from a released table, its reason and replacement

__all__ = ["REFERENCE_FILE", "RETIRED_IDS_FILE", "ModelError", "check_model", "RESOURCES", "SLUG_PATTERN", "TYPES", "Field",
           "Resource", "Span", "Term", "Vocabulary", "resource", "entity_tables", "span_tables"]


def resource(name: str) -> Resource:
    try:
        return RESOURCES[name]
    except KeyError:
        raise KeyError(f"no table {name!r}; tables are: {', '.join(RESOURCES)}") from None


def entity_tables() -> dict[str, Resource]:
    """The tables whose rows are named entities (people, organizations, places), by name."""
    return {name: r for name, r in RESOURCES.items() if r.entity}


def span_tables() -> dict[str, Resource]:
    """The tables whose rows point at characters of an article."""
    return {name: r for name, r in RESOURCES.items() if r.span}

