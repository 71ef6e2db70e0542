"""`export spacy DIR`: the articles as spaCy Docs, for NLP training and evaluation, with every span table as a span
group; a spaCy DocBin (`vostochny-summit.spacy`) and its JSONL twin (`vostochny-summit.jsonl`). Needs the `spacy`
extra (no pipeline is downloaded: the tokenizer is `spacy.blank("en")`'s).

One Doc per article, its text verbatim (`doc.text == vs.text(source_id)`), in article order. Each span table of the
model is a span group named after it (`doc.spans["mentions"]`, …), one span per row, in the order of the rows'
offsets. A span's `label_` is what the row says about the characters (spans.py: a mention's entity kind, a quote's
speaker, a piece of claim evidence's stance, the event an event-evidence span refers to, a credit's role, an
excluded sentence's reason); its `kb_id_` is the claim or event it is evidence of, else the entity it names, whose
words it is or whom it credits; its `id_` is the row's id (the primary key joined with "/" when it has several
columns). `doc.ents` are the mentions that overlap no other mention, labelled and linked the same way.
`doc.user_data["meta"]` holds the article's id, title, URL, language and text SHA-256, and the package version.

The JSONL twin has one line per article: `{"text", "meta", "spans": [{"start", "end", "token_start", "token_end",
"label", "group", "id", "kb_id", "entity", "qid", "text"}]}`: offsets are code points, end exclusive; token_end is
inclusive, as in Prodigy's format; `entity` is the entity the row names, whose words it is, who asserts it or whom
it credits, and `qid` that entity's Wikidata id where the package has one.

Every span must align with spaCy's tokens (`Doc.char_span(..., alignment_mode="strict")`): a span that does not
refuses the export, naming its table and id; none is dropped or snapped to other tokens. The blank English tokenizer
aligns every span of this package as it is, with no special cases. Byte-identical when written twice with the same
spaCy version (DocBin sorts its strings and compresses with zlib).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..package import Package
from . import ExportRefused, Format, write_folder
from .spans import Spans

DOCBIN = "vostochny-summit.spacy"
JSONL = "vostochny-summit.jsonl"
TEXT_LICENCE = ("The article text is third-party copyright, shipped unchanged only so that every span can be "
                "verified; it is covered by neither the data licence (CC BY 4.0) nor the code licence (MIT).")


def overlaps_none(spans: list) -> list:
    """The spans (sorted by start) that overlap no other span of the list."""
    keep = []
    for i, s in enumerate(spans):
        if not any(o.start < s.end and s.start < o.end for j, o in enumerate(spans) if j != i):
            keep.append(s)
    return keep


def build_docs(pkg: Package, nlp) -> tuple[list, list[dict]]:
    """The Docs and their JSONL lines, one per article; ExportRefused when a span does not align with the tokens."""
    spans = Spans(pkg)
    tables = spans.tables()
    naming = next((t for t in tables if pkg.table(t).model.names_entities), None)
    rows: dict[str, dict[str, list]] = {t: {} for t in tables}  # per table, its rows per article (grouped once)
    for t in tables:
        for r in spans.rows(t):
            rows[t].setdefault(r.source_id, []).append(r)
    docs, lines = [], []
    for sid, article in sorted(spans.articles.items()):
        doc = nlp.make_doc(article.text)
        meta = {**article.columns, "package_version": pkg.version, "text_licence": TEXT_LICENCE}
        doc.user_data["meta"] = meta
        records = []
        for t in tables:
            group = []
            for r in rows[t].get(sid, ()):
                span = doc.char_span(r.start, r.end, label=r.label, kb_id=r.kb_id, span_id=r.id, alignment_mode="strict")
                if span is None:
                    raise ExportRefused(f"{t} row {r.id}: the span {r.start}-{r.end} {r.text!r} of {sid} does not "
                                        f"start and end at spaCy token boundaries: correct the span's offsets (or "
                                        f"teach exports/spacy_docs.py's tokenizer the case); no span is dropped")
                group.append(span)
                records.append({"start": r.start, "end": r.end, "token_start": span.start, "token_end": span.end - 1,
                                "label": r.label, "group": t, "id": r.id, "kb_id": r.kb_id,
                                "entity": r.entity.id if r.entity else None, "qid": r.entity.qid if r.entity else None,
                                pkg.table(t).model.span.text: r.text})
            doc.spans[t] = group
        if naming:
            doc.ents = overlaps_none(list(doc.spans[naming]))
        docs.append(doc)
        records.sort(key=lambda s: (s["start"], s["end"], s["group"], s["id"]))
        lines.append({"text": article.text, "meta": meta, "spans": records})
    return docs, lines


def write(pkg: Package, out: Path) -> list[Path]:
    from ..api import require

    spacy = require("spacy", "spacy")
    from spacy.tokens import DocBin

    docs, lines = build_docs(pkg, spacy.blank("en"))

    def fill(folder: Path) -> None:
        docbin = DocBin(store_user_data=True)
        for doc in docs:
            docbin.add(doc)
        (folder / DOCBIN).write_bytes(docbin.to_bytes())
        (folder / JSONL).write_text("".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"
                                            for line in lines), encoding="utf-8")

    return write_folder(out, fill)


FORMAT = Format("spacy", "spaCy DocBin of the articles (every span table a span group, mentions as doc.ents) and its "
                "JSONL twin", "folder", "-spacy", write, extra="spacy", example="spacy-docs")
