"""croissant.json: Croissant 1.1 metadata with the RAI vocabulary, generated from the descriptor and Table Schemas.

One FileObject per CSV, Parquet file and article text (with sha256 and its licence), one RecordSet per table read from
its Parquet file (typed), with field descriptions, dataTypes, `key` (the primary key) and `references` for every
foreign key. A reference names the referenced key column in the referenced table's Parquet FileObject (a Source, which
the vocabulary allows): mlcroissant 1.1.1 fails to generate records when `references` names a field of another
RecordSet (its Join receives the other record set's generator, not a DataFrame). `citeAs` comes from CITATION.cff;
the RAI text below says how the data was made.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..model import TYPES
from ..package import Package
from ..seal import sha256

CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
CODE_LICENSE = "https://opensource.org/licenses/MIT"
TEXT_LICENSE = ("Third-party copyright: the article texts are shipped unchanged only so that every span can be verified; "
                "covered by neither CC BY 4.0 nor MIT (LICENSE-DATA.md).")

CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileObject": "cr:fileObject",
    "fileProperty": "cr:fileProperty",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

# Responsible-AI documentation (http://mlcommons.org/croissant/RAI/). Written to be true of this package; change it
# when the way the data is made changes.
RAI = {
    "rai:dataCollection": (
        "Five English-language news articles about the 13 September 2023 meeting of Vladimir Putin and Kim Jong Un at "
        "the Vostochny Cosmodrome were received by the curators as plain-text files and are stored byte-identical in "
        "data/texts/, their SHA-256 recorded in sources.text_sha256 and checked by the test suite. The package does not "
        "document how these five were found or selected, so they are not a sample of the coverage of the summit. "
        "Every value is stated in an article or derived from one by a rule written in CURATION.md; external "
        "identifiers (Wikidata QIDs, GeoNames ids, coordinates) come only from a frozen, verified reference list "
        "(data/reference/entity-identifiers.csv). Nothing is downloaded when the package is built."),
    "rai:dataCollectionType": ["Secondary data: published news articles",
                               "Curation from the texts by machine annotators (language-model assistants)"],
    "rai:dataCollectionRawData": (
        "The five article texts, shipped unchanged in data/texts/ (third-party copyright) so that every span can be "
        "verified: article[char_start:char_end] == text for every row that carries a span."),
    "rai:dataAnnotationProtocol": (
        "The codebook CURATION.md says how to decide every value: entities, mentions, events, quotes with speakers, "
        "atomic claims with supporting, refuting or qualifying evidence, and the sentences deliberately excluded. Each "
        "table was annotated in two independent passes, the passes were reconciled, and the result was audited claim "
        "by claim and event by event against the texts. Character offsets are never typed by hand: they come from "
        "the `vostochny-summit locate` tool. Derived columns (claim status, event date bounds, PLOVER type) are "
        "computed by `vostochny-summit build` from written rules, never chosen. `vostochny-summit validate` checks "
        "every span, key, vocabulary and coverage rule (README, Validation)."),
    "rai:dataAnnotationPlatform": (
        "CSV files under version control, edited with the package's own command-line tools (locate, fmt, build, "
        "validate); no annotation platform or crowd-sourcing service was used."),
    "rai:annotationsPerItem": (
        "Two independent annotation passes per table, then one reconciliation, then an audit against the texts."),
    "rai:annotatorDemographics": (
        "Not applicable: the annotators were machine tools (language-model assistants), not people, in every pass, "
        "the reconciliation and the audits."),
    "rai:machineAnnotationTools": [
        "Language-model assistants: they performed the independent annotation passes, the reconciliation and the "
        "audits (the model names and versions are not recorded in the package).",
        "vostochny-summit locate: exact character offsets of a text in an article.",
        "vostochny-summit build: derived columns by written rule (claim status from evidence and independence groups, "
        "EDTF date bounds, PLOVER event type).",
        "vostochny-summit validate: schema, key, span, vocabulary and coverage checks on every row.",
    ],
    "rai:personalSensitiveInformation": (
        "Public figures (heads of state, ministers, officials, military officers) are named, with what the articles "
        "report they did and said. The journalists, editors and photographers credited on the articles are named in "
        "source_credits and mentions. No other personal data: no contact details, no private individuals knowingly, "
        "and no special-category data beyond the political roles the articles report."),
    "rai:dataBiases": (
        "Five articles from unknown selection. Two are not independent: art-003 is Reuters wire copy and art-002 "
        "closely paraphrases that copy, so both are in the independence group 'reuters' and count once for "
        "corroboration. One of the texts is reported to be a machine translation into English; the texts do not say "
        "which, and the package does not record it, so wording (and quotes, which are English renderings grouped by "
        "utterance_id) may carry translation artefacts. All texts are in English and report Russian and North Korean "
        "statements second-hand."),
    "rai:dataLimitations": (
        "A claim's status says only how these five articles bear on it: 'corroborated' means supported by evidence "
        "from two or more independence groups among them, 'contested' that some evidence supports and some refutes it, "
        "'single-source' anything else. No claim is verified or adjudicated true or false. Dates are only as precise "
        "as the articles state them (EDTF precision), several events have no date, and three articles show no "
        "publisher. The data is small (five articles) and is not a benchmark of general news coverage."),
    "rai:dataUseCases": (
        "Intended: studying how five articles report one summit; teaching and testing provenance-aware NLP (entity "
        "mentions, quotation attribution, claim and evidence stance) on a small, fully traceable set; worked examples "
        "for fact-checking workflows in which disagreement is recorded as data. Not intended: training or evaluating "
        "systems that predict whether claims are true (the package adjudicates nothing), conclusions about news "
        "coverage in general, or profiling the people named."),
    "rai:dataSocialImpact": (
        "The subject is an arms-and-diplomacy story between two sanctioned states; the package keeps every statement "
        "attributed to who said it and keeps allegations, denials and disagreements visible rather than resolved."),
    "rai:dataReleaseMaintenancePlan": (
        "Versioned with semantic versioning for data (README, Versioning) and a CHANGELOG entry per release with the "
        "output of `vostochny-summit diff`. Corrections are released as new versions; released IDs never change their "
        "meaning, and any retired ID is listed in releases/retired-ids.csv with its reason and replacement. Issues and "
        "corrections are taken through the project's repository; there is no fixed release schedule."),
}


def citation(root: Path) -> dict:
    """The fields of CITATION.cff this needs (title, authors, version, release date), read without a YAML dependency."""
    text = (root / "CITATION.cff").read_text(encoding="utf-8")

    def one(key: str) -> str:
        m = re.search(rf'^{key}:\s*"?(.*?)"?\s*$', text, flags=re.M)
        if not m:
            raise ValueError(f"CITATION.cff has no {key}")
        return m[1]

    authors = re.findall(r'^\s*-\s*name:\s*"?(.*?)"?\s*$', text, flags=re.M)
    return {"title": one("title"), "authors": authors, "version": one("version"), "released": one("date-released")}


def cite_as(root: Path, url: str | None) -> str:
    c = citation(root)
    key = "vostochny_summit_" + re.sub(r"\W", "_", c["version"])
    authors = " and ".join("{" + a + "}" for a in c["authors"])
    lines = [f"@misc{{{key},", f"  title = {{{c['title']}}},", f"  author = {{{authors}}},", f"  year = {{{c['released'][:4]}}},",
             f"  version = {{{c['version']}}},", "  note = {Data package}"]
    if url:
        lines[-1] += ","
        lines.append(f"  url = {{{url}}}")
    return "\n".join(lines) + "\n}"


def _file_object(fid: str, path: Path, root: Path, mediatype: str, description: str) -> dict:
    return {"@type": "cr:FileObject", "@id": fid, "name": fid, "description": description,
            "contentUrl": path.relative_to(root).as_posix(), "encodingFormat": mediatype,
            "contentSize": f"{path.stat().st_size} B", "sha256": sha256(path), "license": DATA_LICENSE}


def record_set(table, file_id: str) -> dict:
    fields = []
    for f in table.fields:
        fd = {"@type": "cr:Field", "@id": f"{table.name}/{f.name}", "name": f.name, "description": f.description,
              "dataType": TYPES[f.type]["croissant"],
              "source": {"fileObject": {"@id": file_id}, "extract": {"column": f.name}}}
        for fk in table.foreign_keys:
            if fk["fields"] == [f.name] or fk["fields"] == f.name:
                target = fk["reference"].get("resource") or table.name
                ref = fk["reference"]["fields"]
                column = ref[0] if isinstance(ref, list) else ref
                fd["references"] = {"fileObject": {"@id": f"{target}.parquet"}, "extract": {"column": column}}
        fields.append(fd)
    rs = {"@type": "cr:RecordSet", "@id": table.name, "name": table.name,
          "description": table.schema.get("description", ""), "field": fields}
    if table.primary_key:
        rs["key"] = [{"@id": f"{table.name}/{k}"} for k in table.primary_key]
    return rs


def render_croissant(pkg: Package) -> str:
    d = pkg.descriptor
    root = pkg.root
    files, sets = [], []
    for name, t in pkg.tables.items():
        files.append(_file_object(f"{name}.csv", t.csv_path, root, "text/csv",
                                  f"{name}: the curated CSV (source of truth; empty cell = null, the string NA is not null)."))
        files.append(_file_object(f"{name}.parquet", t.parquet_path, root, "application/x-parquet",
                                  f"{name}: the typed Parquet copy generated from the CSV by `vostochny-summit build`."))
        sets.append(record_set(t, f"{name}.parquet"))
    for text in sorted((root / "data" / "texts").glob("*.txt")):
        files.append({**_file_object(f"texts/{text.name}", text, root, "text/plain",
                                     "A source article, stored byte-identical to what was received."),
                      "license": TEXT_LICENSE})
    out = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": d["name"],
        "alternateName": d.get("title", ""),
        "description": d.get("description", ""),
        "version": d.get("version"),
        "url": d.get("homepage"),
        "keywords": d.get("keywords", []),
        "inLanguage": "en",
        "creator": [{"@type": "sc:Organization", "name": c["title"]} for c in d.get("contributors", [])],
        "datePublished": citation(root)["released"],
        "license": [DATA_LICENSE, CODE_LICENSE],
        "usageInfo": (
            "Curated data (every CSV and Parquet file, the Table Schemas and datapackage.json): CC BY 4.0. Code "
            "(src/, scripts/, tests/): MIT. The article texts in data/texts/ are third-party copyright, shipped unchanged "
            "only so that every span can be verified, and covered by neither licence (LICENSE-DATA.md)."),
        "citeAs": cite_as(root, d.get("homepage")),
        "isLiveDataset": False,
        **RAI,
        "distribution": files,
        "recordSet": sets,
    }
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"
