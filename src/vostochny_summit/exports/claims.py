"""`export claims OUT.jsonl`: one JSON line per claim with its derived status, its evidence and two benchmark-style
labels, for fact-checking research. The line's layout is the model's (model/layouts.py: CLAIMS_LINE), and so is its
JSON Schema (json_schema(), which build writes to schemas/exports/claims.jsonl.schema.json).

The labels follow only from the claim's status (the README gives the same rule). They describe how the evidence in
these five articles bears on the claim, never whether it is true: the package adjudicates nothing, so no
ClaimReview verdict is emitted. Each piece of evidence carries the independence group it counts in
(derive.evidence_groups, the same rule the status is derived with).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..model import RESOURCES
from ..model.columns import sources as source_columns
from ..model.layouts import CLAIMS_LINE as LINE
from ..package import Package
from . import Format

SCHEMA = Path("schemas") / "exports" / "claims.jsonl.schema.json"
LABELS = {status: (fever, averitec) for status, fever, averitec in LINE.labels}  # status -> (FEVER, AVeriTeC)
FEVER, AVERITEC, VERSION, EVIDENCE, ASSERTED_BY = "fever_label", "averitec_label", "package_version", "evidence", "asserted_by"


def _read(pkg: Package, name: str):
    import pyarrow.parquet as pq

    return pq.ParquetFile(pkg.table(name).parquet_path).read()


def claim_lines(pkg: Package) -> list[dict]:
    from ..derive import evidence_groups
    from ..model.columns import claim_status

    s, c = source_columns(), claim_status()
    sources = _read(pkg, s.table)
    titles = dict(zip(sources.column(s.id).to_pylist(), sources.column(s.title).to_pylist(), strict=True))
    ev = _read(pkg, LINE.evidence)
    groups = evidence_groups(ev.select(list(c.evidence_columns)), sources.select([s.id, s.group])).to_pylist()
    by_claim: dict[str, list[dict]] = {}
    for row, group in zip(ev.to_pylist(), groups, strict=True):
        item = {key: row[f] for key, f in LINE.items}
        item[LINE.source_title] = titles.get(row[c.source])
        item[ASSERTED_BY] = {key: row[f] for key, f in LINE.asserted_by}
        item[LINE.group] = group
        by_claim.setdefault(row[c.claim], []).append(item)
    key_of = {f: k for k, f in LINE.items}  # an evidence field -> its key in an item
    span = RESOURCES[LINE.evidence].span
    out = []
    for claim in sorted(_read(pkg, LINE.claims).to_pylist(), key=lambda r: r[c.key]):
        line = {key: claim[f] for key, f in LINE.claim}
        line[FEVER], line[AVERITEC] = LABELS[claim[c.status]]
        line[EVIDENCE] = sorted(by_claim.get(claim[c.key], []), key=lambda e: (e[key_of[span.source]], e[key_of[span.start]]))
        line[VERSION] = pkg.version
        out.append(line)
    return out


def render_claims(pkg: Package) -> str:
    return "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in claim_lines(pkg))


def _property(field) -> dict:
    """A model field as a JSON Schema property (null allowed unless required)."""
    kind = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean", "date": "string"}[field.type]
    prop: dict = {"type": kind if field.required else [kind, "null"], "description": field.description}
    if field.vocabulary:
        prop["enum"] = field.vocabulary.values + ([] if field.required else [None])
        prop.pop("type")
    for key, value in (("pattern", field.pattern), ("minimum", field.minimum), ("minLength", field.min_length)):
        if value is not None:
            prop[key] = value
    return prop


def json_schema() -> dict:
    """The JSON Schema (2020-12) of one line, from the model's fields and the layout."""
    claims, evidence = RESOURCES[LINE.claims], RESOURCES[LINE.evidence]

    def obj(props: dict, description: str = "") -> dict:
        out = {"type": "object", "additionalProperties": False, "required": list(props), "properties": props}
        return {"description": description, **out} if description else out

    label = lambda i, what: {"enum": sorted({row[i] for row in LINE.labels}), "description": f"{what}, mapped from the "  # noqa: E731
                             "status: " + "; ".join(f"{row[0]} -> {row[i]}" for row in LINE.labels)}
    item = {key: _property(evidence.field(f)) for key, f in LINE.items}
    item[LINE.source_title] = {"type": ["string", "null"], "description": "The article's title, if it has one."}
    item[ASSERTED_BY] = obj({key: _property(evidence.field(f)) for key, f in LINE.asserted_by},
                            "Who in the text asserts it; all null = the article's own voice.")
    item[LINE.group] = {"type": "string", "description": "The independence group the evidence counts in for "
                        "corroboration: the relaying outlet's group when the article relays it from one, else the article's."}
    line = {key: _property(claims.field(f)) for key, f in LINE.claim}
    line[FEVER], line[AVERITEC] = label(1, "FEVER label"), label(2, "AVeriTeC label")
    line[EVIDENCE] = {"type": "array", "minItems": 1, "items": obj(item)}
    line[VERSION] = {"type": "string", "pattern": r"^\d+\.\d+\.\d+$", "description": "The package version."}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA.name,
            "title": "One line of claims.jsonl (vostochny-summit export claims)",
            "description": "A claim with its derived status, every piece of its evidence, and FEVER and AVeriTeC labels "
                           "mapped from the status. Generated from the model by `vostochny-summit build`.",
            **obj(line)}


def write(pkg: Package, out: Path) -> list[Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_claims(pkg), encoding="utf-8")
    return [out]


FORMAT = Format("claims", "one JSON line per claim: statement, derived status, evidence, FEVER and AVeriTeC labels",
                "file", "-claims.jsonl", write, example="claims.jsonl")
