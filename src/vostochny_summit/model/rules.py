"""Row rules: the codebook's rules that one row of one table can be checked against on its own.

Each rule is declared once, as a condition that holds on a *bad* row, written in a tiny expression language that
compiles to DuckDB SQL (validate), pandas and polars (the pandera schemas), and to Arrow compute (validate's screen
of a small table, which runs the SQL only where the Arrow form finds a bad row). An empty cell is null; a comparison with
a null is false, so a rule never fires on a value that is merely missing unless it says so (`IsSet`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sql import ident as _q
from ..sql import literal as _lit
from ._arrow import column as _column
from ._arrow import compute as _pc


class Cond:
    """A boolean condition on a row. Subclasses compile it three ways; none yields null."""

    def sql(self, casts: dict[str, str] | None = None) -> str:
        """DuckDB SQL. casts: column -> DuckDB type, for tables whose columns are still text (validate reads the CSV
        cells as strings): an ordering comparison then casts its operands first."""
        raise NotImplementedError

    def pandas(self, df):
        raise NotImplementedError

    def polars(self):
        raise NotImplementedError

    def arrow(self, data, types: dict | None = None):
        """A boolean Arrow array (no nulls) over a pyarrow Table. types: column -> Arrow type, for columns that are
        still text: read like the SQL's TRY_CAST, except that a value Arrow cannot read raises (ArrowInvalid)."""
        raise NotImplementedError

    @property
    def columns(self) -> tuple[str, ...]:
        raise NotImplementedError


@dataclass(frozen=True)
class IsSet(Cond):
    """The column holds a value."""

    column: str

    def sql(self, casts=None):
        return f"({_q(self.column)} IS NOT NULL)"

    def pandas(self, df):
        return df[self.column].notna()

    def polars(self):
        import polars as pl

        return pl.col(self.column).is_not_null()

    def arrow(self, data, types=None):
        return _pc().is_valid(data.column(self.column))

    @property
    def columns(self):
        return (self.column,)


@dataclass(frozen=True)
class Equals(Cond):
    """The column holds this value."""

    column: str
    value: str

    def sql(self, casts=None):
        return f"coalesce({_q(self.column)} = {_lit(self.value)}, FALSE)"

    def pandas(self, df):
        return (df[self.column] == self.value).fillna(False).astype(bool)

    def polars(self):
        import polars as pl

        return (pl.col(self.column) == self.value).fill_null(False)

    def arrow(self, data, types=None):
        import pyarrow as pa

        value = pa.scalar(self.value, pa.string())  # a typed scalar: converting a bare str imports dateutil
        return _pc().fill_null(_pc().equal(data.column(self.column), value), False)  # text, as the SQL compares

    @property
    def columns(self):
        return (self.column,)


@dataclass(frozen=True)
class Not(Cond):
    """The inner condition does not hold."""

    inner: Cond

    def sql(self, casts=None):
        return f"(NOT {self.inner.sql(casts)})"

    def pandas(self, df):
        return ~self.inner.pandas(df)

    def polars(self):
        return ~self.inner.polars()

    def arrow(self, data, types=None):
        return _pc().invert(self.inner.arrow(data, types))

    @property
    def columns(self):
        return self.inner.columns


@dataclass(frozen=True)
class _Join(Cond):
    """Several conditions joined by AND (All) or OR (Any_)."""

    parts: tuple[Cond, ...]
    word = "AND"

    def _join(self, a, b):
        return (a & b) if self.word == "AND" else (a | b)

    def sql(self, casts=None):
        return "(" + f" {self.word} ".join(p.sql(casts) for p in self.parts) + ")"

    def pandas(self, df):
        out = self.parts[0].pandas(df)
        for p in self.parts[1:]:
            out = self._join(out, p.pandas(df))
        return out

    def polars(self):
        out = self.parts[0].polars()
        for p in self.parts[1:]:
            out = self._join(out, p.polars())
        return out

    def arrow(self, data, types=None):
        join = _pc().and_ if self.word == "AND" else _pc().or_
        out = self.parts[0].arrow(data, types)
        for p in self.parts[1:]:
            out = join(out, p.arrow(data, types))
        return out

    @property
    def columns(self):
        return tuple(c for p in self.parts for c in p.columns)


class All(_Join):
    word = "AND"


class Any_(_Join):
    word = "OR"


@dataclass(frozen=True)
class Differ(Cond):
    """Exactly one of two conditions holds."""

    a: Cond
    b: Cond

    def sql(self, casts=None):
        return f"({self.a.sql(casts)} <> {self.b.sql(casts)})"

    def pandas(self, df):
        return self.a.pandas(df) != self.b.pandas(df)

    def polars(self):
        return self.a.polars() != self.b.polars()

    def arrow(self, data, types=None):
        return _pc().not_equal(self.a.arrow(data, types), self.b.arrow(data, types))

    @property
    def columns(self):
        return self.a.columns + self.b.columns


@dataclass(frozen=True)
class SetCountAbove(Cond):
    """More than `n` of the columns are set."""

    cols: tuple[str, ...]
    n: int

    def sql(self, casts=None):
        return "((" + " + ".join(f"({_q(c)} IS NOT NULL)::INT" for c in self.cols) + f") > {self.n})"

    def pandas(self, df):
        return df[list(self.cols)].notna().sum(axis=1) > self.n

    def polars(self):
        import polars as pl

        return pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Int32) for c in self.cols]) > self.n

    def arrow(self, data, types=None):
        import pyarrow as pa

        pc = _pc()
        total = None
        for c in self.cols:
            one = pc.cast(pc.is_valid(data.column(c)), pa.int32())
            total = one if total is None else pc.add(total, one)
        return pc.greater(total, pa.scalar(self.n, pa.int32()))

    @property
    def columns(self):
        return self.cols


@dataclass(frozen=True)
class NotBefore(Cond):
    """Both set and `first` is not before `second` (`strict`: first >= second; else first > second)."""

    first: str
    second: str
    strict: bool = True

    def sql(self, casts=None):
        op = ">=" if self.strict else ">"
        a, b = (f"TRY_CAST({_q(c)} AS {casts[c]})" if casts and c in casts else _q(c) for c in (self.first, self.second))
        return f"coalesce({a} {op} {b}, FALSE)"

    def pandas(self, df):
        a, b = df[self.first], df[self.second]
        return ((a >= b) if self.strict else (a > b)).fillna(False).astype(bool)

    def polars(self):
        import polars as pl

        a, b = pl.col(self.first), pl.col(self.second)
        return ((a >= b) if self.strict else (a > b)).fill_null(False)

    def arrow(self, data, types=None):
        pc = _pc()
        a, b = (_column(data, c, types) for c in (self.first, self.second))
        return pc.fill_null((pc.greater_equal if self.strict else pc.greater)(a, b), False)

    @property
    def columns(self):
        return (self.first, self.second)


@dataclass(frozen=True)
class RowRule:
    """A rule one row must keep: `violated` holds exactly on the rows that break it."""

    code: str
    violated: Cond
    expected: str
    field: str  # the column(s) the problem is reported against, "a/b" for a group
    shows: str = "values"  # what a report shows as the bad value: "values" of the rule's columns, or "count" set

    @property
    def fields(self) -> list[str]:
        return self.field.split("/")


def exactly_one(*cols: str, unless: Cond | None = None) -> RowRule:
    """Exactly one of the columns is set (at most one, when `unless` holds)."""
    none = Not(SetCountAbove(cols, 0))
    missing = none if unless is None else All((Not(unless), none))
    expected = f"exactly one of {', '.join(cols)}"
    return RowRule("exactly-one", Any_((SetCountAbove(cols, 1), missing)), expected, "/".join(cols), shows="count")


def at_most_one(*cols: str) -> RowRule:
    return RowRule("at-most-one", SetCountAbove(cols, 1), f"at most one of {', '.join(cols)}", "/".join(cols),
                   shows="count")


def together(code: str, first: str, second: str, expected: str, field: str | None = None) -> RowRule:
    """Both columns are set, or neither is."""
    return RowRule(code, Differ(IsSet(first), IsSet(second)), expected, field or f"{first}/{second}")


def set_exactly_when(code: str, column: str, when: Cond, expected: str, field: str | None = None) -> RowRule:
    """`column` is set exactly when `when` holds."""
    return RowRule(code, Differ(IsSet(column), when), expected, field or column)


def before(code: str, first: str, second: str, expected: str, strict: bool = True, field: str | None = None) -> RowRule:
    """`first` comes before `second` (or, not strict, not after it) where both are set."""
    return RowRule(code, NotBefore(first, second, strict), expected, field or f"{first}/{second}")
