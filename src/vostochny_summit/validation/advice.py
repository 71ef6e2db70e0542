"""What a person should do about a report: the fix of each code as it applies to this run, and the root causes
that explain many problems at once (a renamed id, a file saved by a spreadsheet), shown before the details.

"Run build" is advised only where `build` would fix the problem: a problem of a generated file (a stale hash, a
stale Parquet file, a derived column) is fixed by `build` only once the sources are clean, since `build` refuses
sources with problems; a file that only needs its canonical form needs `fmt` first.
"""

from __future__ import annotations

import difflib
import re

from .catalogue import CODES

GENERATED = frozenset({"stale-bytes", "stale-hash", "hash-algorithm", "schema-stale", "descriptor-version",
                       "derived-date-bounds", "derived-plover", "derived-claim-status", "date-order", "parquet-missing",
                       "parquet-unreadable", "parquet-schema", "parquet-stale"})  # what build rewrites
FORM = frozenset({"bom", "line-ending", "not-canonical"})  # what fmt rewrites


def fixes(problems) -> dict[str, str]:
    """code -> how to fix it in this run, in the order the codes first appear."""
    codes = list(dict.fromkeys(p.code for p in problems))
    source = [c for c in codes if c not in GENERATED]
    only_form = bool(source) and all(c in FORM for c in source)
    out = {}
    for code in codes:
        fix = CODES[code].fix if code in CODES else "See the message (reported by frictionless)."
        if code in GENERATED and source:
            fix = ("Run `vostochny-summit fmt`, then `vostochny-summit build`." if only_form else
                   "Fix the problems of the sources above first (build refuses until they are fixed), then run "
                   "`vostochny-summit build`.")
        out[code] = fix
    return out


def root_causes(pkg, problems) -> list[str]:
    """One line per cause behind many problems, most problems first."""
    ragged = _ragged(problems)
    causes = _ragged_rows(ragged) + _renamed_ids(pkg, problems, ragged) + _spreadsheet_saves(problems)
    return [line for _, line in sorted(causes, key=lambda c: -c[0])]


SHOWN_LINES = 3  # the lines a root cause names of the rows it is about
UNREAD_LINES = 1000  # ragged rows of a table whose cells are looked for among the ids that dangle


def _ragged(problems) -> dict[str, list]:
    """file -> its ragged-row problems, in line order."""
    out: dict[str, list] = {}
    for p in problems:
        if p.code == "ragged-row" and p.row is not None:
            out.setdefault(p.file, []).append(p)
    return {f: sorted(ps, key=lambda p: p.row) for f, ps in out.items()}


def _ragged_rows(ragged: dict[str, list]) -> list[tuple[int, str]]:
    """A row of more or fewer cells than its header is not read, so every check that reads the table goes without it:
    the rows that refer to it dangle and the canonical form misses it. Named before any other cause."""
    out = []
    for file, ps in ragged.items():
        lines = ", ".join(f"line {p.line_number}: {p.value}" for p in ps[:SHOWN_LINES]) + (", ..." if len(ps) > SHOWN_LINES else "")
        many = len(ps) > 1
        out.append((1 << 60, f"{file}: {len(ps)} row{'s' if many else ''} with the wrong number of cells ({lines}; expected "
                    f"{ps[0].expected}): a comma too many or too few, or a value holding a comma or a quote that is not "
                    f"quoted? {'They are' if many else 'It is'} not read, so the rows that refer to "
                    f"{'them' if many else 'it'} and the canonical form are reported too: fix {'them' if many else 'it'} "
                    "first"))
    return out


NAMED_ONE_BY_ONE = 5  # missing ids of one column named each on a line of its own; more make one line together
SUGGEST_AMONG = 20_000  # new ids beyond which no renaming is guessed (difflib compares a missing id with each)


def _renamed_ids(pkg, problems, ragged: dict | None = None) -> list[tuple[int, str]]:
    """Foreign keys that name one missing id from several rows: the id was renamed or removed in its table. Each
    referenced column's sealed and current ids are read once; when more than NAMED_ONE_BY_ONE ids of a column are
    missing (rows deleted, a mass rename), one line says so for all of them. ragged (_ragged): an id that stands in a
    row of its table that could not be read is said to be there."""
    groups: dict[tuple, dict] = {}
    for p in problems:
        if p.code == "foreign-key" and p.table and p.field and p.value is not None:
            target = _target(pkg, p.table, p.field)
            if target:
                groups.setdefault(target, {}).setdefault(str(p.value), []).append(p)
    out = []
    for (table, column), by_value in groups.items():
        missing = [(value, rows) for value, rows in by_value.items() if len(rows) >= 2]
        if not missing:
            continue
        file, sealed = _file(pkg, table), _sealed_ids(pkg, table, column)
        if len(missing) > NAMED_ONE_BY_ONE:  # then every missing id of the column, one row's too
            every = sorted(by_value.items(), key=lambda m: -len(m[1]))
            rows = [p for _, ps in every for p in ps]
            tables = {p.table for p in rows}
            were = sum(value in sealed for value, _ in every)
            out.append((len(rows), f"{len(rows)} rows in {len(tables)} table{'s' if len(tables) > 1 else ''} refer to "
                        f"{len(every)} ids of {table}.{column} that are not in {file}, such as "
                        f"{', '.join(repr(v) for v, _ in every[:3])}; {were} of them were there when it was last built: "
                        "rows deleted, or ids renamed? (restore them, or change every reference)"))
            continue
        new, unread = _new_ids(pkg, table, column, sealed), _unread_lines(pkg, table, (ragged or {}).get(file, []))
        for value, rows in missing:
            tables = {p.table for p in rows}
            refer = f"{len(rows)} rows in {len(tables)} table{'s' if len(tables) > 1 else ''} refer to {table}.{column} {value!r}"
            bad = _unread_row(value, unread)
            if bad is not None:
                out.append((len(rows), f"{refer}, which is on line {bad.line_number} of {file}, a row that could not be "
                            f"read ({bad.value}, expected {bad.expected})"))
                continue
            line = f"{refer}, which is {'no longer' if value in sealed else 'not'} in {file}"
            close = difflib.get_close_matches(value, new, n=1, cutoff=0.6) if len(new) <= SUGGEST_AMONG else []
            if close:
                line += f"; {close[0]!r} is new: {_how_renamed(value, close[0])}"
            out.append((len(rows), line))
    return out


def _spreadsheet_saves(problems) -> list[tuple[int, str]]:
    files: dict[str, set] = {}
    for p in problems:
        if p.code in ("bom", "line-ending"):
            files.setdefault(p.file, set()).add(p.code)
    return [(len(codes), f"{file} was saved by a spreadsheet or an editor that adds "
             f"{' and '.join(sorted({'bom': 'a byte order mark', 'line-ending': 'CR LF line ends'}[c] for c in codes))}: "
             "run `vostochny-summit fmt` to restore its canonical form, then `vostochny-summit build`")
            for file, codes in files.items()]


def _target(pkg, table: str, field: str) -> tuple[str, str] | None:
    try:
        t = pkg.table(table)
    except KeyError:
        return None
    for fk in t.foreign_keys:
        cols = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        rcols = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        if cols == [field] and len(rcols) == 1:
            return ref.get("resource") or table, rcols[0]
    return None


def _how_renamed(old: str, new: str) -> str:
    """What a look-alike new id says of the missing one: padded, in other letters' case, or renamed."""
    if new.strip() == old:
        return "the same id with whitespace around it (remove the padding)"
    if new.lower() == old.lower():
        return "the same id in other letters' case (ids are lower-case: write it as before)"
    return "renamed? (rename it back, or rename every reference)"


def _file(pkg, table: str) -> str:
    try:
        return pkg.table(table).resource["path"]
    except (KeyError, TypeError):
        return table


def _sealed_ids(pkg, table: str, column: str) -> set:
    """The ids of the table as the last build sealed them (its Parquet file), or none when it cannot be read."""
    try:
        import pyarrow.parquet as pq

        return set(pq.ParquetFile(pkg.table(table).parquet_path).read(columns=[column]).column(column).to_pylist())
    except Exception:  # noqa: BLE001 - only a better hint is lost
        return set()


def _unread_lines(pkg, table: str, ragged: list) -> list[tuple[str, set, object]]:
    """(line, its cells, its ragged-row problem) of each line of the table's CSV that was not read (at most
    UNREAD_LINES of them), read a line at a time up to the last."""
    if not ragged:
        return []
    import csv

    wanted = {p.line_number: p for p in ragged[:UNREAD_LINES]}
    last, out = max(wanted), []
    try:
        with open(pkg.table(table).csv_path, encoding="utf-8", newline="") as fh:
            for number, line in enumerate(fh, 1):
                if number in wanted:
                    line = line.rstrip("\r\n")
                    out.append((line, set(next(csv.reader([line]), [])), wanted[number]))
                if number >= last:
                    break
    except (OSError, UnicodeError, KeyError):
        return []
    return out


def _unread_row(value: str, unread: list):
    """The ragged-row problem of the unread line that holds value: as a cell, else as a word of its own (a line whose
    separator was mistyped: 'id;name')."""
    for _, cells, p in unread:
        if value in cells:
            return p
    for line, _, p in unread:
        if re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", line):
            return p
    return None


def _new_ids(pkg, table: str, column: str, sealed: set) -> list[str]:
    """The ids of the table's CSV that the last build did not seal (sealed: _sealed_ids)."""
    try:
        from ..tabular import read_raw

        raw = read_raw(pkg.table(table).csv_path)
        now = {v for v in raw.data.column(column).to_pylist() if v}
    except Exception:  # noqa: BLE001
        return []
    return sorted(now - sealed)
