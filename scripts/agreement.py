#!/usr/bin/env python3
"""Inter-annotator agreement on `claim_evidence.stance` (CURATION.md §9).

    python3 scripts/agreement.py sample OUT_DIR [--seed 20261203] [--n 100]
        writes OUT_DIR/blind.csv (what the second annotator sees: the claim's statement and the span, no stance,
        no attribution) and OUT_DIR/curated.csv (the same rows with the curated stance at sampling time).
    python3 scripts/agreement.py kappa CURATED.csv BLIND_ANNOTATED.csv
        prints the raw agreement, Cohen's kappa and the confusion table; the annotated file has the blind columns
        plus `stance`.

Rows are drawn with random.Random(seed).sample over the rows of data/claim_evidence.csv in file order.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLIND = ["sample_no", "claim_id", "statement", "source_id", "char_start", "char_end", "text"]


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write(path: Path, header: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, header, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def sample(out: Path, seed: int, n: int) -> None:
    statements = {c["claim_id"]: c["statement"] for c in read(ROOT / "data" / "claims.csv")}
    evidence = read(ROOT / "data" / "claim_evidence.csv")
    picked = random.Random(seed).sample(range(len(evidence)), n)
    rows = [dict(evidence[i], sample_no=k, statement=statements[evidence[i]["claim_id"]]) for k, i in enumerate(picked, 1)]
    out.mkdir(parents=True, exist_ok=True)
    write(out / "blind.csv", BLIND, rows)
    write(out / "curated.csv", BLIND + ["stance"], rows)


def kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa of two label lists of the same items."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def compare(curated: Path, blind: Path) -> None:
    cur = {r["sample_no"]: r for r in read(curated)}
    ann = {r["sample_no"]: r for r in read(blind)}
    if set(cur) != set(ann):
        sys.exit(f"the files hold different samples: {sorted(set(cur) ^ set(ann))[:10]}")
    keys = sorted(cur, key=int)
    a, b = [cur[k]["stance"] for k in keys], [ann[k]["stance"].strip() for k in keys]
    agree = sum(x == y for x, y in zip(a, b))
    print(f"rows: {len(keys)}; agreement: {agree} ({agree / len(keys):.1%}); Cohen's kappa: {kappa(a, b):.3f}")
    labels = sorted(set(a) | set(b))
    print("curated \\ blind | " + " | ".join(labels))
    for x in labels:
        print(f"{x} | " + " | ".join(str(sum(1 for p, q in zip(a, b) if p == x and q == y)) for y in labels))
    for k in keys:
        if cur[k]["stance"] != ann[k]["stance"].strip():
            print(f"  #{k} {cur[k]['claim_id']} {cur[k]['source_id']} {cur[k]['char_start']}: "
                  f"curated {cur[k]['stance']}, blind {ann[k]['stance'].strip()}")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("out", type=Path)
    s.add_argument("--seed", type=int, default=20261203)
    s.add_argument("--n", type=int, default=100)
    k = sub.add_parser("kappa")
    k.add_argument("curated", type=Path)
    k.add_argument("blind", type=Path)
    args = p.parse_args()
    if args.cmd == "sample":
        sample(args.out, args.seed, args.n)
    else:
        compare(args.curated, args.blind)
