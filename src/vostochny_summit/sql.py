"""SQL text, written one way everywhere (the model's row rules, validation, the SQLite export, the DuckDB views):
quoting an identifier and a literal, and a composite key rendered as one value ("a/b/c")."""

from __future__ import annotations

KEY_SEPARATOR = "/"


def ident(name: str) -> str:
    """A quoted identifier: "name" (double quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def literal(value) -> str:
    """A literal: numbers as they are, anything else as a quoted string ('…', single quotes doubled)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def key_text(values) -> str:
    """A composite key as one value: its parts joined by "/", an empty part for a null."""
    return KEY_SEPARATOR.join("" if v is None else str(v) for v in values)


def key_expr(columns, alias: str = "") -> str:
    """The SQL of key_text over columns (qualified with alias when given)."""
    prefix = f"{alias}." if alias else ""
    return f" || '{KEY_SEPARATOR}' || ".join(f"coalesce(CAST({prefix}{ident(c)} AS VARCHAR), '')" for c in columns)
