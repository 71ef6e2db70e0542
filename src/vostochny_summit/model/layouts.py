"""Layouts of the exports whose records are not one row of one table: which of the model's fields they carry, under
which keys. The exporters and the JSON Schemas of their records are generated from these; the model checks them
(check.py) like any other declaration.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClaimsLine:
    """One line of `export claims`: a claim, every piece of its evidence, and two benchmark labels of its status."""

    claims: str  # the table of claims
    evidence: str  # its evidence table
    claim: tuple[tuple[str, str], ...]  # (key in the line, field of the claims table)
    items: tuple[tuple[str, str], ...]  # (key in an evidence item, field of the evidence table)
    asserted_by: tuple[tuple[str, str], ...]  # (key under "asserted_by", field of the evidence table)
    source_title: str = "source_title"  # key of the article's title in an evidence item
    group: str = "independence_group"  # key of the group the item counts in (derive.evidence_groups)
    # status -> (FEVER label, AVeriTeC label): how the evidence in these articles bears on the claim, never a verdict
    labels: tuple[tuple[str, str, str], ...] = (
        ("corroborated", "SUPPORTS", "Supported"),
        ("single-source", "NOT ENOUGH INFO", "Not Enough Evidence"),
        ("contested", "NOT ENOUGH INFO", "Conflicting Evidence/Cherrypicking"),
    )


CLAIMS_LINE = ClaimsLine(
    claims="claims", evidence="claim_evidence",
    claim=(("claim_id", "claim_id"), ("claim", "statement"), ("claim_type", "claim_type"), ("topic", "topic"),
           ("event_id", "event_id"), ("status", "status")),
    items=(("source_id", "source_id"), ("char_start", "char_start"), ("char_end", "char_end"), ("text", "text"),
           ("stance", "stance")),
    asserted_by=(("person_id", "attributed_person_id"), ("org_id", "attributed_org_id"),
                 ("description", "attributed_description")),
)
