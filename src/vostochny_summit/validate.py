"""`validate`: every check the package guarantees, all layers, all errors collected (none stops the run).

Layers: descriptor, files, table schema (what frictionless checks, plus what frictionless 5 skips: categories,
uniqueKeys), domain rules (spans, fixity, derived columns, codebook rules), parquet (generated files match CSV).
Heavy checks run as DuckDB SQL, Arrow compute or numpy over whole columns, not as Python loops over cells, in a
thread pool (Validator._run_jobs); the problems come out in a fixed order. docs/benchmarks.md has the figures.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.compute as pc

from .model import RESOURCES, TYPES, entity_tables, span_tables
from .package import Package, Table
from .spans import Texts
from .tabular import (arrow_schema, canonical_csv, first_noncanonical_line, hygiene_suspects, key_neighbours, map_file,
                      read_raw, row_numbers, typed)

DP_V2 = "https://datapackage.org/profiles/2.0/datapackage.json"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$")
SPAN_TABLES = tuple(span_tables())  # from the model
ENTITY_TABLES = {name: r.primary_key[0] for name, r in entity_tables().items()}  # table -> its id column
OPEN_MARKS, CLOSE_MARKS = "“‘\"", "”’\""
PARQUET_BATCH_ROWS = 16384  # rows decoded at a time when Parquet is compared with the CSV
SHOW = 100  # text output: errors shown per (table, field, code) before summarising


@dataclass
class Problem:
    layer: str
    code: str
    file: str
    table: str | None = None
    row: int | None = None  # 1-based data row (row 1 = first line below the header)
    key: str | None = None
    field: str | None = None
    value: str | None = None
    expected: str = ""

    def line(self) -> str:
        if self.table is not None and self.row is not None:
            where = f"{self.table} row {self.row}" + (f" (key={self.key})" if self.key else "")
            fld = f" field {self.field}" if self.field else ""
            return f"{where}{fld}: got {_show(self.value)}, expected {self.expected} [{self.code}]"
        if self.table is not None and self.field:
            return f"{self.table} field {self.field}: got {_show(self.value)}, expected {self.expected} [{self.code}]"
        got = f"got {_show(self.value)}, " if self.value is not None else ""
        return f"{self.file}: {got}expected {self.expected} [{self.code}]"


def _show(v) -> str:
    if v is None:
        return "empty"
    s = str(v)
    return repr(s if len(s) <= 80 else s[:77] + "...")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(v) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


class Validator:
    def __init__(self, root=None):
        self.pkg = Package(root)
        self.problems: list[Problem] = []
        self.raw: dict[str, pa.Table] = {}
        self.typed: dict[str, pa.Table] = {}
        self.typed_ok: set[str] = set()
        self.sorted_by_key: set[str] = set()
        self.out_of_order: dict[str, object] = {}  # table -> numpy bool per neighbour pair: row i + 1 sorts before row i
        self.canonical_problem: dict[str, Problem | None] = {}
        self.profile_jobs: list[tuple[dict, str, str]] = []
        self.jobs: dict = {}  # name -> Future of the checks run in threads
        self.loaded: dict = {}  # table -> Future done once the table is parsed, typed and schema-checked (or failed to be)
        self.failed_rules: dict[str, set[str]] = {}  # table -> "code/field" of its failing schema rules
        self.pattern_after_fk: dict[str, dict[str, tuple]] = {}  # table -> field -> (pattern rule, implied rules) waiting for the FK check
        self.plain_columns: dict[str, set[str]] = {}  # string columns that need no CSV quotes
        self.rendered_columns: dict[str, set[str]] = {}  # non-string columns spelled exactly as their values render
        self.db = None  # the DuckDB database; each thread queries it through its own cursor (self.con)
        self.local = threading.local()
        self.text_files: dict[str, str] = {}
        self._bytes: dict[Path, bytes] = {}
        self._bytes_lock = threading.Lock()

    # ---- helpers -------------------------------------------------------------------------------------------
    @property
    def con(self):
        return self.local.con

    def add(self, **kw) -> None:
        self.problems.append(Problem(**kw))

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.pkg.root).as_posix()
        except ValueError:
            return str(path)

    def key_sql(self, t: Table, alias: str = "") -> str:
        """SQL for a row's primary key as 'a/b/c' (columns qualified with alias when given)."""
        pk = t.primary_key or [t.fields[0].name]
        prefix = f"{alias}." if alias else ""
        return " || '/' || ".join(f"coalesce(CAST({prefix}{_q(k)} AS VARCHAR), '')" for k in pk)

    def read_bytes(self, path: Path):
        """A file's bytes (a memory map: tabular.map_file), mapped once per run: hashing, the file checks and the
        canonical check all need them; the lock keeps two threads from mapping the same file at once."""
        with self._bytes_lock:
            if path not in self._bytes:
                self._bytes[path] = map_file(path)
            return self._bytes[path]

    def rows(self, layer: str, code: str, t: Table, sql: str, field: str | None, expected: str) -> int:
        """Run SQL returning (row, key, value) and record one problem per row; return how many."""
        found = self.con.execute(sql).fetchall()
        for row, key, value in found:
            self.add(layer=layer, code=code, file=self.rel(t.csv_path), table=t.name, row=row, key=key,
                     field=field, value=value, expected=expected)
        return len(found)

    def run_rules(self, t: Table, rules: list[tuple]) -> dict[str, int]:
        """Check many row conditions in one scan: count every condition, then list the rows only of those that fail.

        rules: (layer, code, field, condition_sql, expected, value_sql). Returns {code/field: failing row count}.
        """
        if not rules:
            return {}
        tn = _q(t.name)
        counts = self.con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {r[3]})" for r in rules) + f" FROM {tn}").fetchall()[0]
        key = self.key_sql(t)
        failed = {}
        for (layer, code, field, cond, expected, value), n in zip(rules, counts):
            if n:
                failed[f"{code}/{field}"] = n
                self.rows(layer, code, t, f"SELECT __row, {key}, CAST({value} AS VARCHAR) FROM {tn} WHERE {cond} ORDER BY 1",
                          field, expected)
        return failed

    # ---- layer 1: descriptor -------------------------------------------------------------------------------
    def check_descriptor(self) -> bool:
        f = self.pkg.descriptor_path
        name = self.rel(f)
        try:
            desc = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.add(layer="descriptor", code="descriptor-unreadable", file=name, value=str(exc), expected="a readable JSON descriptor")
            return False
        self._profile(desc, "datapackage-2.0.json", name)
        if desc.get("$schema") != DP_V2:
            self.add(layer="descriptor", code="descriptor-profile", file=name, value=desc.get("$schema"), expected=f"$schema {DP_V2}")
        if not SEMVER.match(str(desc.get("version", ""))):
            self.add(layer="descriptor", code="descriptor-version", file=name, value=desc.get("version"), expected="a semantic version (MAJOR.MINOR.PATCH)")
        ok = True
        for i, res in enumerate(desc.get("resources", [])):
            rname = res.get("name", f"resources[{i}]")
            for prop in ("path",) + (("schema",) if isinstance(res.get("schema"), str) else ()):
                p = res.get(prop)
                problem = _unsafe_path(p)
                if problem:
                    ok = False
                    self.add(layer="descriptor", code="unsafe-path", file=name, value=p,
                             expected=f"resource {rname} {prop}: a relative path inside the package ({problem})")
                elif not (self.pkg.root / p).is_file():
                    ok = False
                    self.add(layer="descriptor", code="missing-file", file=name, value=p, expected=f"resource {rname} {prop}: an existing file")
            if res.get("type") != "table":
                self.add(layer="descriptor", code="resource-type", file=name, value=res.get("type"), expected=f"resource {rname}: type 'table'")
            if isinstance(res.get("schema"), str) and not _unsafe_path(res["schema"]) and (self.pkg.root / res["schema"]).is_file():
                try:
                    schema = json.loads((self.pkg.root / res["schema"]).read_text(encoding="utf-8"))
                    self._profile(schema, "tableschema-2.0.json", res["schema"])
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    ok = False
                    self.add(layer="descriptor", code="schema-unreadable", file=res["schema"], value=str(exc), expected="a readable Table Schema")
        if not desc.get("resources"):
            ok = False
            self.add(layer="descriptor", code="no-resources", file=name, expected="at least one resource")
        return ok

    def _profile(self, doc: dict, profile: str, name: str) -> None:
        """Queue doc for validation against a vendored Data Package profile (run by check_profiles, in a thread)."""
        self.profile_jobs.append((doc, profile, name))

    def check_profiles(self) -> None:
        try:
            import jsonschema
        except ImportError:
            self.add(layer="descriptor", code="missing-dependency", file=self.rel(self.pkg.descriptor_path),
                     expected="the jsonschema package (pip install jsonschema)")
            return
        validators = {}
        for doc, profile, name in self.profile_jobs:
            if profile not in validators:
                schema = json.loads((Path(__file__).parent / "profiles" / profile).read_text(encoding="utf-8"))
                validators[profile] = jsonschema.Draft7Validator(schema)
            self._profile_errors(validators[profile], doc, profile, name)

    def _profile_errors(self, validator, doc: dict, profile: str, name: str) -> None:
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in err.path) or "(root)"
            self.add(layer="descriptor", code="profile-error", file=name, value=where, expected=f"{profile}: {err.message[:200]}")

    def check_hashes(self) -> None:
        name = self.rel(self.pkg.descriptor_path)
        for t in self.pkg.tables.values():
            res, p = t.resource, t.csv_path
            if not p.is_file():
                continue
            data = self.read_bytes(p)
            if res.get("bytes") != len(data):
                self.add(layer="descriptor", code="stale-bytes", file=name, value=res.get("bytes"),
                         expected=f"resource {t.name} bytes {len(data)} (run build)")
            h = res.get("hash", "")
            algo, _, digest = h.partition(":") if ":" in h else ("md5", "", h)
            if algo not in ("md5", "sha1", "sha256", "sha512"):
                self.add(layer="descriptor", code="hash-algorithm", file=name, value=h, expected=f"resource {t.name}: md5/sha1/sha256/sha512 hash")
            elif hashlib.new(algo, data).hexdigest() != digest:
                self.add(layer="descriptor", code="stale-hash", file=name, value=h,
                         expected=f"resource {t.name} {algo}:{hashlib.new(algo, data).hexdigest()} (run build)")

    # ---- layer 2: files ------------------------------------------------------------------------------------
    def check_file(self, t: Table) -> bool:
        name = self.rel(t.csv_path)
        try:
            data = self.read_bytes(t.csv_path)
        except OSError as exc:
            self.add(layer="files", code="unreadable-file", file=name, table=t.name, value=str(exc), expected="a readable CSV file")
            return False
        ok = True
        if data[:3] == b"\xef\xbb\xbf":
            ok = False
            self.add(layer="files", code="bom", file=name, expected="UTF-8 without a byte order mark")
        cr = data.find(b"\r")
        if cr >= 0:
            ok = False
            line = data[:cr].count(b"\n") + 1
            self.add(layer="files", code="line-ending", file=name, value="CR", expected=f"LF line endings only (first CR on line {line})")
        raw = read_raw(data)  # pyarrow checks UTF-8 while parsing; Python locates a bad byte only when it fails
        if raw.error:
            try:
                bytes(data).decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                self.add(layer="files", code="encoding", file=name, value=repr(data[exc.start: exc.start + 4]),
                         expected=f"valid UTF-8 (line {line}, byte {exc.start})")
                return False
            self.add(layer="files", code="parse-error", file=name, value=raw.error, expected="a parseable CSV")
            return False
        expected = t.field_names
        if raw.header != expected:
            missing = [c for c in expected if c not in raw.header]
            extra = [c for c in raw.header if c not in expected]
            detail = "; ".join(x for x in (missing and f"missing {missing}", extra and f"extra {extra}",
                                           not missing and not extra and "wrong order") if x)
            self.add(layer="files", code="header", file=name, table=t.name, value=",".join(raw.header),
                     expected=f"the schema's fields in order: {','.join(expected)} ({detail})")
            return False
        for row, cells in raw.ragged_rows:
            ok = False
            self.add(layer="files", code="ragged-row", file=name, table=t.name, row=row, value=f"{cells} cells",
                     expected=f"{len(expected)} cells")
        self.raw[t.name] = raw.data.append_column("__row", row_numbers(raw.data.num_rows))
        return ok

    def check_canonical(self, t: Table) -> None:
        """The file is in canonical form. The result is kept aside (not yet a problem): it assumes that columns whose
        id pattern waits for the foreign-key check hold no comma or quote, and is redone there if one does."""
        if t.name not in self.typed_ok:
            return
        raw = self.read_bytes(t.csv_path)
        line = first_noncanonical_line(t, self.typed[t.name], raw, self.raw[t.name], self.plain_columns.get(t.name, set()),
                                      self.rendered_columns.get(t.name, set()), self.out_of_order.get(t.name))
        self.canonical_problem[t.name] = None
        if line is None:
            return
        wl, hl = canonical_csv(t, self.typed[t.name]).split("\n"), bytes(raw).decode("utf-8", "replace").split("\n")
        self.canonical_problem[t.name] = Problem(
            layer="files", code="not-canonical", file=self.rel(t.csv_path), table=t.name,
            value=hl[line - 1] if line <= len(hl) else "(end of file)",
            expected=f"canonical form at line {line}: {wl[line - 1] if line <= len(wl) else '(end of file)'!r} (run fmt)")

    # ---- layer 3: table schema -----------------------------------------------------------------------------
    def check_schema(self, t: Table) -> None:
        """Table Schema rules (types, patterns, vocabularies, bounds, keys) and the codebook's cell hygiene.

        Rules that another check already settles wait for it: integer types and bounds are read by Arrow (a cell
        whose text differs from its value's rendering is then checked by the rule), hygiene rules run only where a
        stronger rule fails or the first and last bytes of some value break them (hygiene_suspects), an id pattern
        that a foreign key settles waits for the foreign-key check, and a table sorted by key shows duplicates as
        neighbours. Every rule still runs on every cell where it could fail.
        """
        if t.name not in self.raw:
            return
        data = self.raw[t.name]
        rules, implied, integer_rules = [], {}, {}
        settled_by_fk, via_parent = self._pattern_via_parent(t), {}  # via_parent: field -> its pattern rule, waiting
        for f in t.fields:
            c, col = f.constraints, _q(f.name)
            if f.required and data.column(f.name).null_count:  # Arrow counts nulls while parsing: no scan needed
                rules.append(("schema", "required", f.name, f"{col} IS NULL", "a value (required)", "NULL"))
            type_rule = {
                "integer": (r"^[+-]?[0-9]+$", "an integer"),
                "number": (r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$", "a number"),
                "boolean": (r"^(true|false)$", "true or false"),
                "date": (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "a date YYYY-MM-DD"),
            }.get(f.type)
            later = integer_rules.setdefault(f.name, []) if f.type == "integer" else rules
            if type_rule:
                extra = f" OR TRY_CAST({col} AS DATE) IS NULL" if f.type == "date" else ""
                later.append(("schema", "type", f.name, f"{col} IS NOT NULL AND (NOT regexp_full_match({col}, {_lit(type_rule[0])}){extra})",
                              type_rule[1], col))
            if "pattern" in c:
                rule = ("schema", "pattern", f.name, f"NOT regexp_full_match({col}, {_lit(c['pattern'])})", f"a value matching {c['pattern']}", col)
                if f.name in settled_by_fk:
                    via_parent[f.name] = rule
                else:
                    rules.append(rule)
            vocabularies = [(v, code) for v, code in ((c.get("enum"), "enum"), (f.categories, "categories")) if v]
            for i, (vocab, code) in enumerate(vocabularies):
                inlist = ", ".join(_lit(v) for v in vocab)
                rule = ("schema", code, f.name, f"{col} NOT IN ({inlist})", f"one of {', '.join(map(str, vocab))}", col)
                # categories equal to the enum fail on exactly the same cells: checked only when the enum fails
                same = i and set(map(str, vocab)) == set(map(str, vocabularies[0][0]))
                (implied.setdefault(f.name, []) if same else rules).append(rule)
            num = TYPES[f.type]["duckdb"] if f.type in ("integer", "number") else None
            for bound, op in (("minimum", "<"), ("maximum", ">")):
                if bound in c and num:
                    later.append(("schema", bound, f.name, f"TRY_CAST({col} AS {num}) {op} {_lit(c[bound])}", f"{bound} {c[bound]}", col))
            # a string of k code points has k to 4k bytes: the byte length (stored) settles most cells before the
            # code point length (counted) is asked for
            if "minLength" in c:
                k = int(c["minLength"])
                rules.append(("schema", "minLength", f.name, f"strlen({col}) < {4 * k} AND length({col}) < {k}", f"minLength {k}", col))
            if "maxLength" in c:
                k = int(c["maxLength"])
                rules.append(("schema", "maxLength", f.name, f"strlen({col}) > {k} AND length({col}) > {k}", f"maxLength {k}", col))
            hygiene = self._string_rules(f)
            clean_enum = c.get("enum") and not hygiene_suspects(pa.chunked_array([pa.array([str(v) for v in c["enum"]], pa.string())]))
            if type_rule or _is_slug(t, f.name) or clean_enum:
                # A typed, slug or clean-vocabulary cell that passes its rule is non-empty, unpadded and formula-free:
                # the hygiene rules can fail only where that rule fails, so they run only then.
                implied.setdefault(f.name, []).extend(hygiene)
            elif hygiene_suspects(data.column(f.name), whitespace=f.name != "text",
                                  formula=f.type == "string" and not f.raw.get("x-allow-formula-prefix")):
                rules.extend(hygiene)  # the first and last bytes of some value break a hygiene rule: find which
            implied.setdefault(f.name, [])
        failed = self.run_rules(t, rules + self.row_rules(t))
        cast_error = None
        if not any(k.startswith("type/") for k in failed):
            try:
                self.typed[t.name] = typed(t, data.drop_columns(["__row"]), enforce_required=False)
                self.typed_ok.add(t.name)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                cast_error = str(exc).splitlines()[0]
        failed.update(self.run_rules(t, [r for name, more in integer_rules.items() for r in more if self._integer_rule_needed(t, name, r)]))
        for name, rule in list(via_parent.items()):
            if any(k.endswith("/" + name) for k in failed):  # the field fails anyway: check its pattern now, with the rest
                implied[name].insert(0, rule)
                del via_parent[name]
        failed.update(self.run_rules(t, [r for name, more in implied.items() if any(k.endswith("/" + name) for k in failed) for r in more]))
        self.failed_rules[t.name] = set(failed)
        self.pattern_after_fk[t.name] = {name: (rule, implied[name]) for name, rule in via_parent.items()}
        if cast_error and not any(k.startswith("type/") for k in failed):
            # a cell the rules let through but that cannot be read as its type (an integer beyond 64 bits)
            self.add(layer="schema", code="type", file=self.rel(t.csv_path), table=t.name, value=cast_error,
                     expected="every cell readable as its field's type (64-bit integers, double-precision numbers)")
        # A slug or vocabulary column whose every value passed its rule holds no comma or quote: never needs CSV quotes.
        self.plain_columns[t.name] = {f.name for f in t.fields if f.type == "string"
                                      and (_is_slug(t, f.name)
                                           or (f.constraints.get("enum") and not any(set(str(v)) & set(',"\r\n') for v in f.constraints["enum"])))
                                      and not any(k.endswith("/" + f.name) for k in failed)}
        # (a column whose pattern waits for the foreign-key check counts as plain until that check says otherwise)
        key_unique = False  # known to hold no duplicate primary key
        if t.primary_key:
            before, tied = key_neighbours(t, self.typed[t.name]) if t.name in self.typed_ok else (None, None)
            self.out_of_order[t.name] = before  # the canonical check reports the first of them
            if before is not None and not before.any():
                self.sorted_by_key.add(t.name)
                key_unique = not tied.any()  # sorted: equal keys would be neighbours
            if not key_unique:
                self._duplicates(t, t.primary_key, "primary-key", f"a unique primary key ({', '.join(t.primary_key)})", skip_nulls=False)
        for f in t.fields:
            if f.constraints.get("unique") and not (key_unique and t.primary_key == [f.name]):
                self._duplicates(t, [f.name], "unique", f"a unique {f.name}", skip_nulls=True)
        for uk in t.unique_keys:
            self._duplicates(t, uk, "unique-key", f"a unique ({', '.join(uk)})", skip_nulls=True)

    def _pattern_via_parent(self, t: Table) -> set[str]:
        """Fields whose pattern a foreign key settles.

        A value present in a parent primary key with the same pattern, all of whose values match it, matches it too.
        Such a field's pattern rule waits for the foreign-key check, and runs only if that finds a value missing from
        the parent or the parent column breaks the pattern itself (check_foreign_keys).
        """
        out = set()
        for fk in t.foreign_keys:
            cols, ref = _names(fk["fields"]), fk["reference"]
            rt, rcols = ref.get("resource") or t.name, _names(ref["fields"])
            if len(cols) != 1 or rt not in self.pkg.tables or cols[0] not in t.field_names:
                continue
            parent = self.pkg.table(rt)
            if parent.primary_key != rcols or rcols[0] not in parent.field_names:
                continue
            pattern = t.field(cols[0]).constraints.get("pattern")
            if pattern and pattern == parent.field(rcols[0]).constraints.get("pattern") \
                    and not any(_names(p["fields"]) == rcols for p in parent.foreign_keys):
                out.add(cols[0])
        return out

    def _integer_rule_needed(self, t: Table, name: str, rule: tuple) -> bool:
        """Whether an integer column's type or bound rule can fail, judged from the Arrow-typed column.

        Type: Arrow reads more spellings than the rule allows ("0x10"), but every allowed spelling other than the
        value's own rendering ("05", "+5") differs from it, so the rule can fail only where text and rendering differ.
        """
        if t.name not in self.typed_ok:
            return True
        value = self.typed[t.name].column(name)
        code = rule[1]
        if code == "type":
            text = self.raw[t.name].column(name)
            if pc.all(pc.fill_null(pc.equal(text, value.cast(pa.string())), True)).as_py():
                self.rendered_columns.setdefault(t.name, set()).add(name)  # the canonical check need not compare again
                return False
            return True
        limit = t.field(name).constraints[code]
        extreme = pc.min_max(value).as_py()
        if code == "minimum":
            return extreme["min"] is not None and extreme["min"] < limit
        return extreme["max"] is not None and extreme["max"] > limit

    def _duplicates(self, t: Table, cols: list[str], code: str, expected: str, skip_nulls: bool) -> None:
        tn, key = _q(t.name), self.key_sql(t)
        cl = ", ".join(_q(c) for c in cols)
        where = ("WHERE " + " AND ".join(f"{_q(c)} IS NOT NULL" for c in cols)) if skip_nulls else ""
        value = " || '/' || ".join(f"coalesce(CAST({_q(c)} AS VARCHAR), '')" for c in cols)
        rows, distinct = self.con.execute(f"SELECT count(*), count(DISTINCT ({cl})) FROM {tn} {where}").fetchall()[0]
        if rows == distinct:
            return
        sql = (f"SELECT __row, {key}, {value} FROM (SELECT *, row_number() OVER (PARTITION BY {cl} ORDER BY __row) AS __n "
               f"FROM {tn} {where}) WHERE __n > 1 ORDER BY 1")
        self.rows("schema", code, t, sql, ",".join(cols), expected)

    def check_foreign_keys(self, t: Table) -> None:
        if t.name not in self.raw:
            return
        for fk in t.foreign_keys:
            ref = fk["reference"]
            rt = ref.get("resource") or t.name
            if rt not in self.raw:
                continue  # its deferred pattern rules run below
            cols, rcols = _names(fk["fields"]), _names(ref["fields"])
            on = " AND ".join(f"c.{_q(a)} = r.{_q(b)}" for a, b in zip(cols, rcols))
            notnull = " AND ".join(f"c.{_q(a)} IS NOT NULL" for a in cols)
            value = " || '/' || ".join(f"c.{_q(a)}" for a in cols)
            key = self.key_sql(t, "c")
            sql = (f"SELECT c.__row, {key}, {value} FROM {_q(t.name)} c WHERE {notnull} AND NOT EXISTS "
                   f"(SELECT 1 FROM {_q(rt)} r WHERE {on}) ORDER BY 1")
            dangling = self.rows("schema", "foreign-key", t, sql, ",".join(cols), f"a value present in {rt}.{','.join(rcols)}")
            deferred = self.pattern_after_fk.get(t.name, {}).pop(cols[0], None) if len(cols) == 1 else None
            if deferred and not dangling and rt in self.typed_ok and f"pattern/{rcols[0]}" not in self.failed_rules.get(rt, ()):
                deferred = None  # every value is in the parent column, which matches the pattern: so does this one
            if deferred:
                self._run_deferred_pattern(t, deferred)
        for deferred in self.pattern_after_fk.get(t.name, {}).values():  # no parent table to settle them
            self._run_deferred_pattern(t, deferred)

    def _run_deferred_pattern(self, t: Table, deferred: tuple) -> None:
        rule, implied = deferred
        if self.run_rules(t, [rule]):
            self.run_rules(t, implied)
            self.jobs[t.name].result()  # the table's own canonical check is done: redo it after it, never beside it
            self.plain_columns[t.name].discard(rule[2])  # it may hold a comma or quote after all: check the form again
            self.check_canonical(t)

    # ---- layer 4: domain rules -----------------------------------------------------------------------------
    @staticmethod
    def _string_rules(f) -> list[tuple]:
        """Codebook rules for every cell: no empty strings, no padding, no spreadsheet-formula prefix."""
        col = _q(f.name)
        rules = [("domain", "empty-string", f.name, f"{col} = ''", "a non-empty value or an empty cell (null)", col)]
        blank = "(9, 10, 11, 12, 13, 32, 160)"
        if f.name != "text":  # span texts are verbatim copies and may start or end with anything
            rules.append(("domain", "whitespace", f.name, f"(ascii({col}) IN {blank} OR ascii(right({col}, 1)) IN {blank})",
                          "no leading or trailing whitespace", col))
        if f.type == "string" and not f.raw.get("x-allow-formula-prefix"):
            rules.append(("domain", "formula-cell", f.name, f"ascii({col}) IN (61, 43, 45, 64, 9, 13)",
                          "no leading =, +, -, @, tab or CR (spreadsheet formula)", col))
        return rules

    def load_texts(self) -> bool:
        if "sources" not in self.typed_ok:
            return False
        src = self.typed["sources"]
        ids, paths = src.column("source_id").to_pylist(), src.column("text_path").to_pylist()
        shas, counts = src.column("text_sha256").to_pylist(), src.column("char_count").to_pylist()
        texts, t = [], self.pkg.table("sources")
        root = str(self.pkg.root)
        for i, (sid, p, sha, n) in enumerate(zip(ids, paths, shas, counts), 1):
            problem = _unsafe_path(p)
            try:
                if problem:
                    raise OSError(problem)
                with open(os.path.join(root, p), "rb", buffering=0) as fh:  # unbuffered: one read, fewer system calls
                    data = fh.readall()
            except OSError:
                self.add(layer="domain", code="text-missing", file=self.rel(t.csv_path), table="sources", row=i, key=sid,
                         field="text_path", value=p, expected="an existing text file inside the package" + (f" ({problem})" if problem else ""))
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest != sha:
                self.add(layer="domain", code="fixity", file=self.rel(t.csv_path), table="sources", row=i, key=sid,
                         field="text_sha256", value=sha, expected=f"the sha256 of {p}, which is {digest} (the text must never change)")
            try:
                code_points = len(data.decode("utf-8"))  # decoded to check it, then dropped: texts.text() decodes on demand
            except UnicodeDecodeError:
                self.add(layer="domain", code="text-encoding", file=p, expected="UTF-8 text")
                continue
            if code_points != n:
                self.add(layer="domain", code="char-count", file=self.rel(t.csv_path), table="sources", row=i, key=sid,
                         field="char_count", value=n, expected=f"{code_points} (code points in {p})")
            texts.append((sid, data, code_points))
            self.text_files[sid] = p
        by_id = {sid: (data, code_points) for sid, data, code_points in texts}
        self.texts = Texts.from_utf8(list(by_id), [data for data, _ in by_id.values()], [cp for _, cp in by_id.values()])
        return True

    def check_spans(self, t: Table) -> None:
        """Every span is verbatim: text == article[char_start:char_end], with 0 <= start < end <= length.

        All rows are compared at once (spans.Texts); only the rows that fail are looked at one by one, to say why.
        """
        if t.name not in self.typed_ok or not hasattr(self, "texts"):
            return
        import numpy as np

        d = self.typed[t.name]
        start, end = (pc.fill_null(d.column(c), -1).to_numpy() for c in ("char_start", "char_end"))
        source = self.texts.source_index(d.column("source_id"))
        ok = self.texts.verify(source, start, end, d.column("text"))
        failing = np.flatnonzero(~ok)
        if not len(failing):
            return
        rows = d.take(pa.array(failing)).select(list(dict.fromkeys(["source_id", "char_start", "char_end", "text", *t.primary_key])))
        columns = [rows.column(c).to_pylist() for c in ("source_id", "char_start", "char_end", "text")]
        keys = [rows.column(k).to_pylist() for k in t.primary_key]
        bodies: dict[str, str] = {}  # decoded as the failing rows need them
        name = self.rel(t.csv_path)
        for j, (i, sid, s, e, text) in enumerate(zip(failing.tolist(), *columns)):
            if sid not in bodies and sid in self.texts.position:
                bodies[sid] = self.texts.text(sid)
            n = len(bodies[sid]) if sid in bodies else None
            if n is None or s is None or e is None:
                continue  # unknown source or missing offset: reported by the key and required checks
            if 0 <= s < e <= n and bodies[sid][s:e] == text:
                continue
            key = "/".join("" if k[j] is None else str(k[j]) for k in keys)
            if e <= s:
                continue  # reported by the span-order row rule
            if e > n:
                self.add(layer="domain", code="span-bounds", file=name, table=t.name, row=i + 1, key=key, field="char_end",
                         value=e, expected=f"at most the text length {n} (sources.char_count)")
            elif s >= 0:
                self.add(layer="domain", code="span-text", file=name, table=t.name, row=i + 1, key=key, field="text",
                         value=text, expected=f"the exact article characters at [{s}:{e}]: {bodies[sid][s:e]!r}")

    def row_rules(self, t: Table) -> list[tuple]:
        """The codebook's rules on single rows of table t, from the model (run in the same scan as its schema rules)."""
        from .model import RESOURCES

        res = RESOURCES.get(t.name)
        if res is None:
            return []
        casts = {f.name: f.duckdb_type for f in res.fields if f.type != "string"}
        rules = []
        for rule in res.rules:
            cols = list(dict.fromkeys(rule.violated.columns if rule.shows == "count" else rule.fields))
            if rule.shows == "count":
                value = "(" + " + ".join(f"({_q(c)} IS NOT NULL)::INT" for c in cols) + ")::VARCHAR || ' set'"
            else:
                value = " || '..' || ".join(f"coalesce(CAST({_q(c)} AS VARCHAR), 'empty')" for c in cols)
            rules.append(("domain", rule.code, rule.field, rule.violated.sql(casts), rule.expected, value))
        for f in res.fields:
            if f.kind == "iso-country":
                rules.append(("domain", "country-code", f.name, f"{_q(f.name)} IS NOT NULL AND {_q(f.name)} NOT IN ({self.country_codes})",
                              "an ISO 3166-1 alpha-2 code (pycountry)", _q(f.name)))
        for f in res.fields:
            if f.derived and f.derived["rule"] == "plover":  # a vocabulary column mapped term by term
                src, col = _q(f.derived["from"][0]), _q(f.name)
                terms = res.field(f.derived["from"][0]).vocabulary.terms
                mapping = "CASE " + src + " " + " ".join(f"WHEN {_lit(x.value)} THEN {_lit(x.plover)}" for x in terms if x.plover) + " END"
                rules.append(("domain", "derived-plover", f.name, f"{col} IS DISTINCT FROM ({mapping})",
                              f"the PLOVER type that the model maps its {f.derived['from'][0]} to (run build)",
                              f"coalesce({col}, 'empty') || ' for {f.derived['from'][0]} ' || coalesce({src}, 'empty') || ', mapped to ' || coalesce(({mapping}), 'empty')"))
        return rules

    def table_domain(self, t: Table) -> None:
        """The codebook's rules on several rows of one table."""
        if t.name == "quotes" and "quotes" in self.raw:
            self.rows("domain", "utterance-speakers", t,
                      f"SELECT __row, {self.key_sql(t)}, coalesce(speaker_person_id, speaker_org_id, speaker_description) FROM quotes WHERE utterance_id IN "
                      "(SELECT utterance_id FROM quotes WHERE utterance_id IS NOT NULL GROUP BY 1 "
                      "HAVING count(DISTINCT coalesce(speaker_person_id, '') || '|' || coalesce(speaker_org_id, '') || '|' || coalesce(speaker_description, '')) > 1) ORDER BY 1",
                      "utterance_id", "one speaker per utterance group")
            if hasattr(self, "texts"):
                self._quote_marks(t)
        if t.name == "events" and "events" in self.typed_ok:
            self._events(t)

    @property
    def country_codes(self) -> str:
        import pycountry

        return ", ".join(_lit(c.alpha_2) for c in pycountry.countries)

    def _quote_marks(self, q: Table) -> None:
        """Each quote span sits directly inside quotation marks: the characters before and at its end are marks
        (compared as bytes for all rows at once; spans out of bounds are reported by check_spans)."""
        if "quotes" not in self.typed_ok:
            return
        import numpy as np

        d = self.typed["quotes"]
        start, end = (pc.fill_null(d.column(c), -1).to_numpy() for c in ("char_start", "char_end"))
        source = self.texts.source_index(d.column("source_id"))
        inside = (source >= 0) & (0 < start) & (start < end) & (end < self.texts.length[np.where(source >= 0, source, 0)])
        before = self.texts.chars_at(source, start - 1, inside)
        after = self.texts.chars_at(source, end, inside)
        opens = pc.is_in(before, value_set=pa.array([c.encode() for c in OPEN_MARKS], pa.binary()))
        closes = pc.is_in(after, value_set=pa.array([c.encode() for c in CLOSE_MARKS], pa.binary()))
        ok = pc.and_(opens, closes).to_numpy(zero_copy_only=False)
        for i in np.flatnonzero(inside & ~ok).tolist():
            self.add(layer="domain", code="quote-marks", file=self.rel(q.csv_path), table="quotes", row=i + 1, key=d.column("quote_id")[i].as_py(),
                     field="char_start", value=f"{before[i].as_py().decode()}…{after[i].as_py().decode()}",
                     expected="the span to sit directly inside quotation marks (“…”, ‘…’, \"…\")")

    def _events(self, ev: Table) -> None:
        """Derived event columns and the parent chain. Date bounds are computed once per distinct date."""
        from .derive import edtf_bounds

        d = self.typed["events"]
        triples = d.group_by(["date", "date_earliest", "date_latest"]).aggregate([]).to_pylist()
        stale = []  # (date, earliest, latest, code, field, expected)
        for r in triples:
            date, lo, hi = r["date"], r["date_earliest"], r["date_latest"]
            try:
                want = edtf_bounds(date)
            except ValueError as exc:
                stale.append((date, lo, hi, "edtf", "date", f"a valid EDTF level 0 date ({exc})"))
                continue
            if (lo, hi) != want:
                stale.append((date, lo, hi, "derived-date-bounds", "date_earliest/date_latest",
                               f"{want[0]}/{want[1]}, the bounds of date {date!r} (run build)"))
        if stale:
            self.con.register("__stale_dates", pa.Table.from_pylist(
                [dict(zip(("date", "lo", "hi", "code", "field", "expected"), x)) for x in stale],
                schema=pa.schema([("date", pa.string()), ("lo", pa.date32()), ("hi", pa.date32()), ("code", pa.string()),
                                  ("field", pa.string()), ("expected", pa.string())])))
            sql = (f"SELECT e.__row, {self.key_sql(ev, 'e')}, s.code, s.field, s.expected, CASE s.code WHEN 'edtf' THEN e.date "
                   "ELSE coalesce(CAST(s.lo AS VARCHAR), 'empty') || '/' || coalesce(CAST(s.hi AS VARCHAR), 'empty') END "
                   "FROM events e JOIN __stale_dates s ON e.date IS NOT DISTINCT FROM s.date "
                   "AND TRY_CAST(e.date_earliest AS DATE) IS NOT DISTINCT FROM s.lo AND TRY_CAST(e.date_latest AS DATE) IS NOT DISTINCT FROM s.hi ORDER BY 1")
            for row, key, code, field, expected, value in self.con.execute(sql).fetchall():
                self.add(layer="domain", code=code, file=self.rel(ev.csv_path), table="events", row=row, key=key, field=field,
                         value=value, expected=expected)
        self._event_cycles(ev)

    def _event_cycles(self, ev: Table) -> None:
        """Events whose parent chain never ends (pointer doubling: after 2^k >= n steps a finite chain has ended)."""
        import numpy as np

        d = self.typed["events"]
        parent = pc.fill_null(pc.index_in(d.column("parent_event_id"), value_set=d.column("event_id").combine_chunks()), -1)
        step = np.append(parent.to_numpy(zero_copy_only=False).astype(np.int64), -1)  # index n is "no parent"
        n, hops = d.num_rows, 1
        while hops <= n:
            step = step[step]  # step now jumps 2 * hops generations; -1 (last) maps to itself
            hops *= 2
        looping = np.flatnonzero(step[:n] != -1)
        ids, parents = d.column("event_id"), d.column("parent_event_id")
        for i in looping.tolist():
            self.add(layer="domain", code="event-cycle", file=self.rel(ev.csv_path), table="events", row=i + 1, key=ids[i].as_py(),
                     field="parent_event_id", value=parents[i].as_py(), expected="a parent chain without cycles")

    def check_shared_qids(self) -> None:
        parts = [f"SELECT '{n}' AS tbl, __row, {self.key_sql(self.pkg.table(n))} AS k, wikidata_qid FROM {_q(n)} WHERE wikidata_qid IS NOT NULL"
                 for n in ENTITY_TABLES if n in self.raw]
        if not parts:
            return
        sql = (f"WITH q AS ({' UNION ALL '.join(parts)}) SELECT tbl, __row, k, wikidata_qid, (SELECT string_agg(tbl || ':' || k, ', ') FROM q q2 "
               "WHERE q2.wikidata_qid = q.wikidata_qid) FROM q WHERE wikidata_qid IN (SELECT wikidata_qid FROM q GROUP BY 1 HAVING count(*) > 1) ORDER BY 1, 2")
        for tbl, row, k, qid, owners in self.con.execute(sql).fetchall():
            self.add(layer="domain", code="qid-shared", file=self.rel(self.pkg.table(tbl).csv_path), table=tbl, row=row, key=k,
                     field="wikidata_qid", value=qid, expected=f"a QID used by one entity only (used by {owners})")

    def check_unmentioned(self) -> None:
        """Every person, organization and place has at least one mention."""
        for ent, col in ENTITY_TABLES.items():
            if ent in self.raw and "mentions" in self.raw:
                t = self.pkg.table(ent)
                self.rows("domain", "unmentioned-entity", t, f"SELECT __row, {self.key_sql(t)}, {col} FROM {_q(ent)} e WHERE NOT EXISTS "
                          f"(SELECT 1 FROM mentions m WHERE m.{col} = e.{col}) ORDER BY 1", col, "at least one row in mentions")

    def check_evidenced(self) -> None:
        """Every claim and every event has at least one piece of evidence."""
        for parent, child, col in (("claims", "claim_evidence", "claim_id"), ("events", "event_evidence", "event_id")):
            if parent in self.raw and child in self.raw:
                t = self.pkg.table(parent)
                self.rows("domain", "no-evidence", t, f"SELECT __row, {self.key_sql(t)}, {col} FROM {_q(parent)} p WHERE NOT EXISTS "
                          f"(SELECT 1 FROM {_q(child)} c WHERE c.{col} = p.{col}) ORDER BY 1", col, f"at least one row in {child}")

    def check_claim_status(self) -> None:
        """claims.status is the status the rule derives from claim_evidence (derive.claim_status_column, the one
        definition build uses too; CURATION.md §7)."""
        if not {"claims", "claim_evidence", "sources"} <= self.typed_ok:
            return
        import numpy as np

        from .derive import claim_status_column

        claims = self.typed["claims"]
        evidence = self.typed["claim_evidence"].select(["claim_id", "source_id", "stance", "attributed_org_id"])
        want = claim_status_column(claims.column("claim_id"), evidence,
                                   self.typed["sources"].select(["source_id", "independence_group"]))
        have = claims.column("status")
        differ = np.flatnonzero(pc.fill_null(pc.not_equal(have, want), True).to_numpy(zero_copy_only=False))
        t = self.pkg.table("claims")
        for i in differ.tolist():
            self.add(layer="domain", code="derived-claim-status", file=self.rel(t.csv_path), table="claims", row=i + 1,
                     key=claims.column("claim_id")[i].as_py(), field="status",
                     value=f"{have[i].as_py() or ''} (derived: {want[i].as_py()})",
                     expected="the status derived from claim_evidence (run build)")

    def check_sentence_coverage(self) -> None:
        if hasattr(self, "texts") and {"claim_evidence", "quotes", "excluded_spans"} <= set(self.raw):
            self._sentence_coverage()

    def _sentence_coverage(self) -> None:
        """Every sentence overlaps claim evidence, a quote or an excluded span (spans.uncovered: no join)."""
        import numpy as np

        from .spans import uncovered
        from .text import sentences

        keys: dict[bytes, int] = {}
        sent_key, sent_s, sent_e, source_key = [], [], [], []
        for i in range(len(self.texts.ids)):
            body = self.texts.utf8(i)
            if body not in keys:  # identical texts (copies) are split once
                keys[body] = len(keys)
                for s, e in sentences(body.decode("utf-8")):
                    sent_key.append(keys[body])
                    sent_s.append(s)
                    sent_e.append(e)
            source_key.append(keys[body])
        covered = " UNION ALL ".join(f"SELECT source_id, TRY_CAST(char_start AS BIGINT) AS cs, TRY_CAST(char_end AS BIGINT) AS ce FROM {n}"
                                     for n in ("claim_evidence", "quotes", "excluded_spans"))
        spans = self.con.sql(f"SELECT * FROM ({covered}) WHERE cs IS NOT NULL AND ce IS NOT NULL").to_arrow_table()
        span_source = self.texts.source_index(spans.column("source_id"))
        known = span_source >= 0  # spans of unknown sources cover nothing (the foreign-key check reports them)
        # every (source, sentence of its text) pair
        sent_s, sent_e, source_key = (np.array(x, dtype=np.int64) for x in (sent_s, sent_e, source_key))
        first = np.searchsorted(np.array(sent_key, dtype=np.int64), np.arange(len(keys)))
        count = np.diff(np.append(first, len(sent_key)))[source_key]
        pair_source = np.repeat(np.arange(len(source_key)), count)
        pair_sentence = np.repeat(first[source_key], count) + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        starts, ends = (spans.column(c).to_numpy() for c in ("cs", "ce"))
        bare = uncovered(pair_source, sent_s[pair_sentence], sent_e[pair_sentence], span_source[known], starts[known], ends[known])
        found = sorted(((self.texts.ids[j], int(sent_s[k]), int(sent_e[k])) for j, k in zip(pair_source[bare].tolist(), pair_sentence[bare].tolist())),
                       key=lambda x: (x[0] is None, x[0] or "", x[1], x[2]))  # a source without an id sorts last
        for sid, s, e in found:
            body = self.texts.text(sid)
            self.add(layer="domain", code="uncovered-sentence", file=f"{self.text_files[sid]} ({sid})",
                     value=f"[{s}:{e}] {body[s:e][:60]}",
                     expected="the sentence covered by claim evidence or a quote, or listed in excluded_spans")

    def check_references(self) -> None:
        """External identifiers only where the frozen reference file has them, with the same values."""
        ref_path = self.pkg.root / "data" / "reference" / "entity-identifiers.csv"
        if not ref_path.is_file():
            self.add(layer="domain", code="reference-missing", file="data/reference/entity-identifiers.csv", expected="the frozen reference file")
            return
        import csv
        with open(ref_path, encoding="utf-8", newline="") as fh:
            ref = list(csv.DictReader(fh))
        for name, res in entity_tables().items():
            if name not in self.typed_ok:
                continue
            t, d = self.pkg.table(name), self.typed[name]
            copied = [f for f in res.fields if f.reference_column and f.name in t.field_names]
            cols = [f.name for f in copied]
            allowed = [tuple(_norm(r[f.reference_column]) for f in copied) for r in ref if r["kind"] == res.entity]
            allowed_set = set(allowed)
            for i, row in enumerate(zip(*(d.column(c).to_pylist() for c in [t.primary_key[0]] + cols)), 1):
                vals = tuple(_norm(v) for v in row[1:])
                if any(v is not None for v in vals) and vals not in allowed_set:
                    # Name the fields that differ from the closest reference row.
                    best = max(allowed, key=lambda a: sum(x == y for x, y in zip(a, vals)), default=(None,) * len(cols))
                    for c, have, want in zip(cols, vals, best):
                        if have != want:
                            self.add(layer="domain", code="unverified-identifier", file=self.rel(t.csv_path), table=name, row=i,
                                     key=row[0], field=c, value=have,
                                     expected=f"{want if want is not None else 'empty'}: identifiers exactly as in one row of "
                                              "data/reference/entity-identifiers.csv, else empty")

    # ---- layer 5: parquet ----------------------------------------------------------------------------------
    def check_parquet(self, t: Table) -> None:
        name = self.rel(t.parquet_path)
        if not t.parquet_path.is_file():
            self.add(layer="parquet", code="parquet-missing", file=name, table=t.name, expected="a Parquet file (run build)")
            return
        if t.name not in self.typed_ok:
            return
        import pyarrow.parquet as pq
        from .tabular import sort_by_key

        try:
            have = pq.ParquetFile(t.parquet_path)  # not read_table: its dataset layer is several times slower here
            have_schema, have_rows = have.schema_arrow, have.metadata.num_rows
        except (OSError, pa.ArrowInvalid) as exc:
            self.add(layer="parquet", code="parquet-unreadable", file=name, table=t.name, value=str(exc), expected="a readable Parquet file")
            return
        want_schema = arrow_schema(t, self.pkg.version)  # a missing version is reported by the descriptor layer
        if not have_schema.equals(want_schema, check_metadata=True):
            self.add(layer="parquet", code="parquet-schema", file=name, table=t.name, value=str(have_schema.remove_metadata()).replace("\n", "; "),
                     expected=f"the schema's types and the package version {self.pkg.version} in its metadata (run build)")
            return
        try:
            want = self.typed[t.name].cast(want_schema)
            if t.name not in self.sorted_by_key:
                want = sort_by_key(t, want)
        except (pa.ArrowInvalid, ValueError):
            return  # a missing required value, reported by the schema layer

        if have_rows != want.num_rows:
            self.add(layer="parquet", code="parquet-stale", file=name, table=t.name, value=f"{have_rows} rows",
                     expected=f"{want.num_rows} rows as in the CSV (run build)")
            return
        # Compared batch by batch: each decoded batch is freed before the next, so the memory is reused (decoding a
        # whole large file at once into fresh memory took several times as long).
        differs, offset = set(), 0
        try:
            for batch in have.iter_batches(batch_size=PARQUET_BATCH_ROWS):
                part = want.slice(offset, batch.num_rows)
                offset += batch.num_rows
                for i, f in enumerate(t.field_names):
                    if f not in differs and not pa.chunked_array([batch.column(i)]).equals(part.column(i)):
                        differs.add(f)
        except (OSError, pa.ArrowInvalid) as exc:
            self.add(layer="parquet", code="parquet-unreadable", file=name, table=t.name, value=str(exc), expected="a readable Parquet file")
            return
        for f in t.field_names:
            if f in differs:
                self.add(layer="parquet", code="parquet-stale", file=name, table=t.name, field=f, value="differs",
                         expected="the same values as the CSV (run build)")

    # ---- run -----------------------------------------------------------------------------------------------
    def run(self) -> list[Problem]:
        try:
            import duckdb
        except ImportError:
            self.add(layer="setup", code="missing-dependency", file="(validate)", expected="the duckdb package (pip install duckdb)")
            return self.problems
        if not self.check_descriptor():
            # Without a usable descriptor the tables cannot be found; report what is known.
            if not self.pkg.descriptor_path.is_file() or any(p.code in ("descriptor-unreadable", "no-resources") for p in self.problems):
                self.check_profiles()
                return self.problems
        # One DuckDB thread per query: the pool below already runs a query per core, and DuckDB's own workers on top
        # only added CPU time (measured at 1 M rows: about 5 % less with one thread, the same wall time).
        self.db = duckdb.connect(config={"threads": 1})
        tables = {n: t for n, t in self.pkg.tables.items() if t.csv_path.is_file() and not _unsafe_path(t.resource.get("path"))}
        # Threads return from C++ to Python often, briefly; each return waits for the GIL, which a thread running
        # Python holds for up to the switch interval (5 ms by default). A shorter interval keeps the cores busy, but
        # each switch is a futex hand-over: at 1 M rows 0.5 ms beat both 5 ms and 0.1 ms (0.1 ms cost 10-15 % CPU).
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(5e-4)
        try:
            self._run_jobs(tables)
        finally:
            sys.setswitchinterval(switch_interval)
        self.problems += [p for p in self.canonical_problem.values() if p]
        order = {"descriptor": 0, "files": 1, "schema": 2, "domain": 3, "parquet": 4}
        tables_order = {n: i for i, n in enumerate(self.pkg.tables)}
        self.problems.sort(key=lambda p: (order.get(p.layer, 9), tables_order.get(p.table, -1), p.file, p.row or 0, p.field or "", p.code,
                                          str(p.value), p.expected))
        return self.problems

    def _run_jobs(self, tables: dict[str, Table]) -> None:
        """Run every check as a job in a thread pool; problems are put in a fixed order afterwards.

        Threads, because the heavy work runs in C++ (Arrow, DuckDB, numpy, hashlib) without the GIL; each thread
        queries through its own DuckDB cursor. A job that needs other tables waits only until they are loaded (parsed,
        typed, schema-checked: self.loaded), not for their canonical, Parquet and span checks, so the checks across
        tables overlap with those. Jobs are queued in an order in which a job waits only for jobs queued before it, so
        already started: the pool cannot deadlock.
        """
        from concurrent.futures import Future, ThreadPoolExecutor

        entities = list(ENTITY_TABLES)
        workers = max(2, os.cpu_count() or 2)
        # hashing (hashlib, without the GIL) and the descriptor profiles (pure Python) beside the pool, one table or
        # cross-table job per core in it: more workers only added memory (about 40 MB each at 1 M rows)
        with ThreadPoolExecutor(max_workers=2) as side, ThreadPoolExecutor(max_workers=workers) as pool:
            jobs = self.jobs  # filled as jobs are queued; a job looks up the jobs it needs here
            self.loaded = {name: Future() for name in tables}
            jobs["hashes"] = side.submit(self._in_thread, [], self.check_hashes)
            jobs["profiles"] = side.submit(self.check_profiles)
            later = [(f"foreign keys of {name}", [name, *(fk["reference"].get("resource") or name for fk in t.foreign_keys)],
                      self.check_foreign_keys, (t,)) for name, t in tables.items()]
            later += [(work.__name__, needs, work, ()) for needs, work in (
                (entities + ["mentions"], self.check_unmentioned),
                (["claims", "claim_evidence", "events", "event_evidence"], self.check_evidenced),
                (["claims", "claim_evidence", "sources"], self.check_claim_status),
                (["texts", "claim_evidence", "quotes", "excluded_spans"], self.check_sentence_coverage),
                (entities, self.check_shared_qids),
                (entities, self.check_references))]
            # sources first (the span checks need the texts it lists), then the largest tables, so no thread idles at
            # the end; the jobs across tables last, each waiting only for the tables it needs
            for name in sorted(tables, key=lambda n: (n != "sources", -tables[n].csv_path.stat().st_size)):
                jobs[name] = pool.submit(self._in_thread, [], self._table_checks, tables[name])
                if name == "sources":
                    jobs["texts"] = pool.submit(self._in_thread, ["sources"], self.load_texts)  # waits for sources loaded
            for name, needs, work, args in later:
                jobs[name] = pool.submit(self._in_thread, needs, work, *args)
            for job in list(jobs.values()):
                job.result()

    def _in_thread(self, needs: list[str], work, *args):
        """Run work once the tables it needs are loaded and the other jobs it needs done, with a DuckDB cursor of this
        thread on which the tables it needs are registered (registering costs about 0.25 ms a table)."""
        for name in needs:
            if name in self.loaded:
                self.loaded[name].result()
            elif name in self.jobs:
                self.jobs[name].result()
        con = self.db.cursor()
        for name in needs:
            if name in self.raw:
                con.register(name, self.raw[name])
        self.local.con = con
        try:
            return work(*args)
        finally:
            self.local.con = None
            con.close()

    def _table_checks(self, t: Table) -> None:
        """The checks that need only this table: file, schema, canonical form, Parquet, spans, its own domain rules."""
        try:
            self.check_file(t)
            if t.name in self.raw:
                self.con.register(t.name, self.raw[t.name])
            self.check_schema(t)
        finally:
            self.loaded[t.name].set_result(None)  # the jobs across tables may start (they read raw and typed only)
        self.check_canonical(t)
        self.check_parquet(t)
        if t.name in SPAN_TABLES:
            if "texts" in self.jobs:
                self.jobs["texts"].result()
            self.check_spans(t)
        self.table_domain(t)


def _is_slug(t: Table, name: str) -> bool:
    """Whether the model says a column holds slugs (a fast path may rely on it; never read off the pattern's text)."""
    res = RESOURCES.get(t.name)
    return bool(res and name in res.field_names and res.field(name).is_slug)


def _names(fields) -> list[str]:
    """Table Schema allows a single field name where a list is meant."""
    return [fields] if isinstance(fields, str) else list(fields)


def _norm(v):
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)


SAFE_PATH = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")  # relative, no '..', nothing hidden


def _unsafe_path(p) -> str | None:
    if isinstance(p, str) and SAFE_PATH.fullmatch(p):
        return None
    if not isinstance(p, str) or not p:
        return "not a path string"
    if "://" in p or p.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", p):
        return "absolute path or URL"
    parts = PurePosixPath(p.replace("\\", "/")).parts
    if ".." in parts:
        return "'..' leaves the package"
    if any(part.startswith(".") for part in parts):
        return "hidden file or folder"
    return None


def validate(root=None) -> list[Problem]:
    return Validator(root).run()


def report(problems: list[Problem], fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps([asdict(p) | {"message": p.line()} for p in problems], indent=2, ensure_ascii=False)
    lines, shown = [], {}
    for p in problems:
        k = (p.table or p.file, p.field, p.code)
        shown[k] = shown.get(k, 0) + 1
        if shown[k] <= SHOW:
            lines.append(p.line())
    for k, n in shown.items():
        if n > SHOW:
            lines.append(f"{k[0]}: … {n - SHOW} more [{k[2]}] errors in field {k[1]} (use --format json for all)")
    per: dict[str, int] = {}
    for p in problems:
        per[p.table or p.file] = per.get(p.table or p.file, 0) + 1
    if problems:
        lines.append("")
        lines.append("Summary: " + ", ".join(f"{k}: {v} error{'s' if v != 1 else ''}" for k, v in per.items()))
        lines.append(f"INVALID: {len(problems)} error{'s' if len(problems) != 1 else ''}")
    else:
        lines.append("VALID: all checks passed")
    return "\n".join(lines)
