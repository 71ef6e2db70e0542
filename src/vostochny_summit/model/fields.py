"""Each shared kind of field, defined once (after PUDL's metadata/fields.py): identifiers, references, span
columns, entity references, the EDTF date with its bounds and basis, ISO country, Wikidata QID.

Resources (resources.py) take these and override what differs per table, e.g. a description:
`SPAN_TEXT.but(description=…)`.
"""

from __future__ import annotations

from . import vocabularies as v
from .classes import SLUG_PATTERN, Field

VERBATIM = ", verbatim from the article (curly quotes, dashes and non-breaking spaces as printed)."


def slug_id(name: str, description: str) -> Field:
    """A table's own identifier: a unique, required slug."""
    return Field(name, "string", description, kind="id", required=True, unique=True, pattern=SLUG_PATTERN)


def ref(name: str, references: str, description: str, required: bool = False) -> Field:
    """A slug naming a row of another table ("table.field"); the foreign key is derived from it."""
    return Field(name, "string", description, kind="ref", required=required, pattern=SLUG_PATTERN, references=references)


def slug(name: str, description: str, required: bool = False) -> Field:
    """A slug that groups rows but names no row of a table."""
    return Field(name, "string", description, kind="slug", required=required, pattern=SLUG_PATTERN)


def text(name: str, description: str, required: bool = False) -> Field:
    """Free text."""
    return Field(name, "string", description, kind="text", required=required)


def choice(name: str, vocabulary, description: str, required: bool = True) -> Field:
    """A value from a vocabulary (vocabularies.py)."""
    return Field(name, "string", description, kind="vocabulary", required=required, vocabulary=vocabulary)


# ---- spans (CURATION.md §1) ------------------------------------------------------------------------------------
SPAN_SOURCE = ref("source_id", "sources.source_id", "The article the span is in (sources.source_id).", required=True) \
    .but(kind="span-source")
SPAN_START = Field("char_start", "integer",
                   "0-based Unicode code point offset of the first character of the span in the stored article text.",
                   kind="span-start", required=True, minimum=0)
SPAN_END = Field("char_end", "integer",
                 "0-based code point offset one past the last character of the span (end exclusive): "
                 "text == article[char_start:char_end].", kind="span-end", required=True, minimum=1)
SPAN_TEXT = Field("text", "string", "The exact characters of the span" + VERBATIM, kind="span-text", required=True,
                  min_length=1)


def span_text(what: str) -> Field:
    """The span's text column, described as what it holds ("the name as printed")."""
    return SPAN_TEXT.but(description=f"The exact characters of {what}{VERBATIM}")


# ---- references to the entity tables ----------------------------------------------------------------------------
PERSON = ref("person_id", "people.person_id", "The person (people.person_id).")
ORG = ref("org_id", "organizations.org_id", "The organization (organizations.org_id).")
PLACE = ref("place_id", "places.place_id", "The place (places.place_id).")
EVENT = ref("event_id", "events.event_id", "The event (events.event_id).")
CLAIM = ref("claim_id", "claims.claim_id", "The claim (claims.claim_id).")

# ---- entity attributes -------------------------------------------------------------------------------------------
COUNTRY = Field("country", "string", "ISO 3166-1 alpha-2 code of the country.", kind="iso-country",
                pattern="^[A-Z]{2}$", pattern_words="an ISO 3166-1 alpha-2 country code: two capital letters, such as RU")
WIKIDATA_QID = Field("wikidata_qid", "string", "Wikidata item identifier (Q-number), only from the verified reference "
                     "file; empty when not verified.", kind="wikidata-qid", pattern="^Q[1-9][0-9]*$",
                     pattern_words="a Wikidata id: Q and a number, such as Q42",
                     reference_column="wikidata_qid")
WIKIDATA_QID_CONFIDENCE = choice("wikidata_qid_confidence", v.QID_CONFIDENCE, "How the QID was verified, copied from "
                                 "the reference file; empty when there is no QID.", required=False) \
    .but(reference_column="qid_confidence")
NAME = text("name", "Canonical name.", required=True)
DESCRIPTION = text("description", "What the articles say, with source IDs in brackets.", required=True)

# ---- dates (CURATION.md §5): an EDTF level-0 date, the bounds build derives from it, and how it was obtained -----
EDTF_ONE = "[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"  # one date: YYYY, YYYY-MM or YYYY-MM-DD
EDTF_PATTERN = f"^{EDTF_ONE}(/{EDTF_ONE})?$"  # the one EDTF grammar: a date, or an interval of two
EDTF_DATE = Field("date", "string", "When it happened, as EDTF level 0 with honest precision: YYYY-MM-DD, YYYY-MM, YYYY, "
                  "or an interval YYYY/YYYY; empty when no article dates it.", kind="edtf-date", pattern=EDTF_PATTERN,
                  pattern_words="an EDTF date: a day, month, year or an interval, such as 2023-09-13, 2023-09, 2023 or "
                                "2018/2019")
DATE_EARLIEST = Field("date_earliest", "date", "First day the date covers (generated by build from date).",
                      kind="edtf-earliest", derived={"rule": "edtf-earliest", "from": ["date"]})
DATE_LATEST = Field("date_latest", "date", "Last day the date covers (generated by build from date).",
                    kind="edtf-latest", derived={"rule": "edtf-latest", "from": ["date"]})
DATE_BASIS = choice("date_basis", v.DATE_BASIS, "How the date was obtained.")
DATE_NOTE = text("date_note", "The words the date rests on (with source ID) and, for derived dates, the rule.")

NOTES = text("notes", "Curator notes.")
