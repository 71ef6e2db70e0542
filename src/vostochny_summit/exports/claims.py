"""`export claims OUT.jsonl`: one JSON line per claim with its derived status, its evidence and two benchmark-style
labels, for fact-checking research. The lines follow schemas/exports/claims.jsonl.schema.json.

The labels follow only from the claim's status (LABELS; the README gives the same rule). They describe how the
evidence in these five articles bears on the claim, never whether it is true: the package adjudicates nothing, so
no ClaimReview verdict is emitted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from ..package import Package
from . import Format

# status -> (FEVER label, AVeriTeC label)
LABELS = {
    "corroborated": ("SUPPORTS", "Supported"),
    "single-source": ("NOT ENOUGH INFO", "Not Enough Evidence"),
    "contested": ("NOT ENOUGH INFO", "Conflicting Evidence/Cherrypicking"),
}
SCHEMA = Path("schemas") / "exports" / "claims.jsonl.schema.json"


def _read(pkg: Package, name: str) -> list[dict]:
    return pq.ParquetFile(pkg.table(name).parquet_path).read().to_pylist()


def claim_lines(pkg: Package) -> list[dict]:
    sources = {s["source_id"]: s for s in _read(pkg, "sources")}
    groups = {s["independence_group"] for s in sources.values()}
    evidence: dict[str, list[dict]] = {}
    for e in _read(pkg, "claim_evidence"):
        via = e["attributed_org_id"]
        # the same rule as the claim status (CURATION.md §7): relayed from an organization that is itself an
        # independence group, evidence counts in that group; else in its article's group
        group = via if via in groups else sources[e["source_id"]]["independence_group"]
        evidence.setdefault(e["claim_id"], []).append({
            "source_id": e["source_id"],
            "source_title": sources[e["source_id"]]["title"],
            "char_start": e["char_start"],
            "char_end": e["char_end"],
            "text": e["text"],
            "stance": e["stance"],
            "asserted_by": {"person_id": e["attributed_person_id"], "org_id": e["attributed_org_id"],
                            "description": e["attributed_description"]},
            "independence_group": group,
        })
    out = []
    for c in sorted(_read(pkg, "claims"), key=lambda c: c["claim_id"]):
        fever, averitec = LABELS[c["status"]]
        out.append({
            "claim_id": c["claim_id"],
            "claim": c["statement"],
            "claim_type": c["claim_type"],
            "topic": c["topic"],
            "event_id": c["event_id"],
            "status": c["status"],
            "fever_label": fever,
            "averitec_label": averitec,
            "evidence": sorted(evidence.get(c["claim_id"], []), key=lambda e: (e["source_id"], e["char_start"])),
            "package_version": pkg.version,
        })
    return out


def render_claims(pkg: Package) -> str:
    return "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in claim_lines(pkg))


def write(pkg: Package, out: Path) -> list[Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_claims(pkg), encoding="utf-8")
    return [out]


FORMAT = Format("claims", "one JSON line per claim: statement, derived status, evidence, FEVER and AVeriTeC labels",
                "file", "-claims.jsonl", write, example="claims.jsonl")
