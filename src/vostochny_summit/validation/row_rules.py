"""The codebook's single-row rules as the model declares them (model/resources.py: exactly one entity column,
`char_end > char_start`, a date exactly when its basis says so, …), compiled to SQL and run in the table's one scan.

The pandera schemas (dataframe_schemas.py) compile the same declarations, so `validate` and pandera check the same
rules; tests/test_dataframe_schemas.py plants a defect for each and requires both to name the same row and column.
"""

from __future__ import annotations

from ..model import RESOURCES
from . import screens
from .engine import RowRules
from .sql import Rule, lit, q


def _value(rule) -> str:
    """What a report shows for a failing row: the columns set and their values ('person_id=kim-jong-un,
    org_id=kremlin', or 'none set'), or the rule's columns' values."""
    if rule.shows == "count":
        named = ", ".join(f"CASE WHEN {q(c)} IS NOT NULL THEN {lit(c + '=')} || CAST({q(c)} AS VARCHAR) END"
                          for c in dict.fromkeys(rule.violated.columns))
        return f"coalesce(nullif(concat_ws(', ', {named}), ''), 'none set')"
    return " || '..' || ".join(f"coalesce(CAST({q(c)} AS VARCHAR), 'empty')" for c in rule.fields)


def model_rules(t, data, ctx) -> list[Rule]:
    res = RESOURCES.get(t.name)
    if res is None:
        return []
    casts = {f.name: f.duckdb_type for f in res.fields if f.type != "string"}  # the scan reads the cells as text
    types = {f.name: f.arrow_type for f in res.fields if f.type != "string"}
    return [Rule(r.code, r.field, r.violated.sql(casts), r.expected, _value(r), screens.condition(r.violated, types))
            for r in res.rules]


CODES = tuple(sorted({r.code for res in RESOURCES.values() for r in res.rules}))
ROW_RULES = [RowRules("model-rules", model_rules, CODES)]
