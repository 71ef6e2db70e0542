"""`validate --frictionless`: frictionless' own report, turned into our problems, and merged with ours so that a problem
both find is named once."""

from __future__ import annotations

FRICTIONLESS_SAME = {"hash-count": "stale-hash", "byte-count": "stale-bytes"}  # its table-level errors that are ours


def merge_frictionless(own, theirs):
    """frictionless' problems that none of ours already names: the same table and row (and field when it names one),
    or, for a stale hash or size, the same resource."""
    cells = {(p.table, p.row, p.field) for p in own if p.row is not None}
    rows = {(p.table, p.row) for p in own if p.row is not None}
    out = []
    for p in theirs:
        if p.row is not None and ((p.table, p.row, p.field) in cells or (p.field is None and (p.table, p.row) in rows)):
            continue
        same = FRICTIONLESS_SAME.get(p.code)
        if p.row is None and same and any(o.code == same and f"resource {p.table} " in o.expected for o in own):
            continue
        out.append(p)
    return out


def frictionless_problems(root):
    from ..package import Package
    from .problem import Problem

    pkg = Package(root)
    try:
        from frictionless import Package as FPackage
    except ImportError:
        return [Problem(layer="frictionless", code="missing-dependency", file="(validate)", expected="the frictionless package")]
    report = FPackage(str(pkg.descriptor_path)).validate()
    out = []
    for task in report.tasks:
        for err in task.errors:
            out.append(Problem(layer="frictionless", code=err.type, file=task.name, table=task.name,
                               row=getattr(err, "row_number", None) and err.row_number - 1,
                               field=getattr(err, "field_name", None), value=getattr(err, "cell", None), expected=err.message))
    for err in report.errors:
        out.append(Problem(layer="frictionless", code=err.type, file="datapackage.json", expected=err.message))
    return out
