"""Plain, slow re-readings of the codebook's rules, used by the tests to check the package's one fast definition."""

from __future__ import annotations


def claim_status(evidence_rows, group_of_source: dict[str, str]) -> dict[str, str]:
    """claim_id -> status, from (claim_id, source_id, stance, attributed_org_id) rows: CURATION.md §7 read one row at
    a time. A test oracle only (the package's one definition is derive.claim_status_column): the tests hold that
    definition to this, and check the curated statuses with it, independently of the package's code.

    Evidence counts in its source's independence group, except evidence the article relays from an organization
    that is itself an independence group ("according to Reuters"): that counts in the organization's group.
    """
    groups = set(group_of_source.values())
    supports: dict[str, set] = {}
    refutes: set = set()
    for claim_id, source_id, stance, via in evidence_rows:
        if stance == "supports":
            group = via if via in groups else group_of_source.get(source_id, source_id)
            supports.setdefault(claim_id, set()).add(group)
        elif stance == "refutes":
            refutes.add(claim_id)
    out = {}
    for claim_id in {row[0] for row in evidence_rows}:
        if claim_id in refutes and claim_id in supports:
            out[claim_id] = "contested"
        elif len(supports.get(claim_id, ())) >= 2:
            out[claim_id] = "corroborated"
        else:
            out[claim_id] = "single-source"
    return out
