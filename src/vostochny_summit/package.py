"""Where the package lives on disk, and its descriptor and Table Schemas, as published.

One view of a table: `Table` and `SchemaField` are what the package on disk says (its descriptor entry and Table
Schema file), and each names the model's declaration it is generated from (`Table.model`, `SchemaField.model`).
`build` writes the schema files from the model, and the seal and `validate` (`schema-stale`) hold the two equal, so
code that needs a role (a field's kind, a table's span, a vocabulary) asks `.model`; code that checks or reads the
package as published (validation of cells, the CSV and Parquet files) reads the schema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

DESCRIPTOR = "datapackage.json"


class DescriptorError(ValueError):
    """The descriptor or a Table Schema it names cannot be read; the message names the file."""


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DescriptorError(f"{path}: cannot be read as JSON ({exc})") from exc


def find_root(path=None) -> Path:
    """The folder rule of every command: PATH when given; else the current folder when it holds datapackage.json;
    else the installed copy (default_root)."""
    if path is not None:
        return Path(path).resolve()
    here = Path.cwd()
    if (here / DESCRIPTOR).is_file():
        return here.resolve()
    return default_root()


def default_root() -> Path:
    """The package directory: the copy bundled in an installed wheel, else the repository root (editable install)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_package", here.parent.parent):
        if (candidate / DESCRIPTOR).is_file():
            return candidate
    raise FileNotFoundError(f"no {DESCRIPTOR} next to the vostochny_summit module or in the repository root")


@dataclass(frozen=True)
class SchemaField:
    """A field as the package's Table Schema publishes it; `.model` is the model's Field it is generated from."""

    name: str
    type: str
    description: str
    required: bool
    constraints: dict
    categories: tuple[str, ...] | None
    derived: dict | None
    raw: dict = field(repr=False, compare=False)
    table: str = field(default="", compare=False)  # the table it belongs to: the model's resource of that name

    @cached_property
    def model(self):
        """The model's declaration of this field (model.Field), or None when the model has no such field (asked once
        per field: the model never changes in a process)."""
        from .model import RESOURCES

        res = RESOURCES.get(self.table)
        return res.field(self.name) if res is not None and self.name in res.field_names else None


@dataclass(frozen=True)
class Table:
    """One tabular resource: its name, CSV path and Table Schema."""

    name: str
    root: Path
    resource: dict
    schema: dict

    @property
    def csv_path(self) -> Path:
        return self.root / self.resource["path"]

    @property
    def parquet_path(self) -> Path:
        return self.root / "data" / "parquet" / f"{self.name}.parquet"

    @property
    def model(self):
        """The model's declaration of this table (model.Resource), or None when the model has no such table."""
        from .model import RESOURCES

        return RESOURCES.get(self.name)

    @cached_property
    def fields(self) -> list[SchemaField]:
        out = []
        for f in self.schema["fields"]:
            cats = f.get("categories")
            if cats is not None:
                cats = tuple(c["value"] if isinstance(c, dict) else c for c in cats)
            c = f.get("constraints", {})
            out.append(SchemaField(f["name"], f.get("type", "any"), f.get("description", ""), bool(c.get("required")),
                             c, cats, f.get("x-derived"), f, self.name))
        return out

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        pk = self.schema.get("primaryKey", [])
        return [pk] if isinstance(pk, str) else list(pk)

    @property
    def foreign_keys(self) -> list[dict]:
        return self.schema.get("foreignKeys", [])

    @property
    def unique_keys(self) -> list[list[str]]:
        return self.schema.get("uniqueKeys", [])

    def field(self, name: str) -> SchemaField:
        return next(f for f in self.fields if f.name == name)


class Package:
    """A data package directory (the repository root, an installed copy, or a test copy)."""

    def __init__(self, root: str | Path | None = None, schemas: str = "files"):
        """schemas: "files" reads each table's Table Schema file (the package as published); "model" takes the
        schema the model generates for each table it knows (what `build` is about to write)."""
        if isinstance(root, Package):
            root = root.root
        self.root = Path(root).resolve() if root is not None else default_root()
        self.descriptor_path = self.root / DESCRIPTOR
        if schemas not in ("files", "model"):
            raise ValueError(f"schemas must be 'files' or 'model', got {schemas!r}")
        self.schemas = schemas

    @cached_property
    def descriptor(self) -> dict:
        return _read_json(self.descriptor_path)

    @property
    def version(self) -> str | None:
        return self.descriptor.get("version")

    @cached_property
    def tables(self) -> dict[str, Table]:
        out = {}
        from .model import RESOURCES

        for res in self.descriptor.get("resources", []):
            schema = res["schema"]
            if self.schemas == "model" and res.get("name") in RESOURCES:
                schema = RESOURCES[res["name"]].to_table_schema()
            elif isinstance(schema, str):
                schema = _read_json(self.root / schema)
            out[res["name"]] = Table(res["name"], self.root, res, schema)
        return out

    def table(self, name: str) -> Table:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(f"no table {name!r}; tables are: {', '.join(self.tables)}") from None
