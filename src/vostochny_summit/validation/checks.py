"""Every check and row rule of `validate`, from the module of each concern (in the order they are planned)."""

from __future__ import annotations

from . import (
    canonical,
    cells,
    claims,
    coverage,
    descriptor,
    entities,
    events,
    files,
    foreign_keys,
    parquet,
    quote_event,
    quotes,
    references,
    row_rules,
    spans,
    table_schema,
    texts,
)

CHECKS = [*descriptor.CHECKS, *files.CHECKS, *table_schema.CHECKS, *texts.CHECKS, *foreign_keys.CHECKS, *canonical.CHECKS,
          *parquet.CHECKS, *spans.CHECKS, *quotes.CHECKS, *quote_event.CHECKS, *events.CHECKS, *entities.CHECKS,
          *claims.CHECKS, *coverage.CHECKS, *references.CHECKS]
ROW_RULES = [*cells.ROW_RULES, *row_rules.ROW_RULES, *events.ROW_RULES, *entities.ROW_RULES]
