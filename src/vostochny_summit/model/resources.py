"""The thirteen tables, in descriptor order: fields (from fields.py, with per-table overrides), keys, the span,
and the row rules one frame can check on its own. `schemas/*.schema.json` are generated from these by build.
"""

from __future__ import annotations

from . import fields as f
from . import vocabularies as v
from .classes import Attribution, Resource, Span
from .rules import All, Any_, Equals, IsSet, Not, RowRule, SetCountAbove, at_most_one, before, exactly_one, set_exactly_when, together

SPAN_FIELDS = (f.SPAN_SOURCE, f.SPAN_START, f.SPAN_END)
SPAN_ORDER = before("span-order", "char_start", "char_end", "char_end greater than char_start", field="char_end")
QID_RULE = together("qid-confidence", "wikidata_qid", "wikidata_qid_confidence",
                    "a confidence exactly when there is a QID", field="wikidata_qid_confidence")
ENTITY_REFS = ("person_id", "org_id", "place_id")

SOURCES = Resource(
    "sources", "Sources",
    "One row per news article the package is curated from. The article text is stored byte-identical under data/texts/.",
    (
        f.slug_id("source_id", "Identifier of the article: art-NNN after the number of the received file."),
        f.text("title", "The headline as printed in the text; empty when the text carries none."),
        f.ORG.but(name="publisher", description="Organization that published the article (organizations.org_id), only "
                  "where the text itself shows it (own promos, a credit line naming the site); empty otherwise, never "
                  "guessed."),
        f.ORG.but(name="origin", description="Agency whose wire copy the article is, where the text states it, e.g. "
                  "'By Reuters' (organizations.org_id)."),
        f.slug("independence_group", "Sources in the same group are not independent for corroboration: same origin, "
               "or one reproduces the other near-verbatim (see notes). Otherwise the source's own ID.", required=True)
        .but(kind="independence-group"),
        f.text("url", "Web address of the article, where the text shows it; empty otherwise.")
        .but(format="uri", kind="web-address"),
        f.text("date_printed", "Every date printed in the text, verbatim, joined with ' | ' when there are several; "
               "empty when none."),
        f.Field("published", "date", "Publication date, only where a printed date is a plausible dateline consistent "
                "with what the article reports (see published_basis)."),
        f.choice("published_basis", v.PUBLISHED_BASIS, "How `published` was decided."),
        f.Field("language", "string", "Language of the text as a BCP 47 tag.", required=True,
                kind="language-tag", pattern="^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
                pattern_words="a BCP 47 language tag, such as en or en-GB"),
        f.Field("text_path", "string", "Path of the stored article text, relative to the package root.",
                kind="text-path", required=True, unique=True, pattern="^data/texts/[A-Za-z0-9_.-]+\\.txt$",
                pattern_words="a path data/texts/NAME.txt (letters, digits, '_', '.', '-')"),
        f.Field("text_sha256", "string", "SHA-256 of the stored text's bytes (fixity): the text must never change.",
                kind="text-sha256", required=True, pattern="^[0-9a-f]{64}$",
                pattern_words="64 lower-case hexadecimal digits"),
        f.Field("char_count", "integer", "Length of the stored text in Unicode code points (the upper bound for "
                "char_end).", kind="text-length", required=True, minimum=0),
        f.NOTES.but(description="Curator notes: boilerplate, sign-up blocks, stray prefixes, and the reasoning behind "
                    "publisher, origin and published."),
    ),
    ("source_id",), label="title",
    rules=(set_exactly_when("published-basis", "published", Equals("published_basis", "printed-dateline"),
                            "a date exactly when published_basis is printed-dateline"),),
)

SOURCE_CREDITS = Resource(
    "source_credits", "Source credits",
    "Every person credited on an article: byline, reporting, writing, editing, photo, or contributor note, with the "
    "span of the name in the credit line.",
    (
        f.SPAN_SOURCE.but(description="The article (sources.source_id)."),
        f.PERSON.but(description="The credited person (people.person_id).", required=True),
        f.choice("role", v.CREDIT_ROLE, "What the credit line says the person did."),
        f.PLACE.but(description="Where the credit line places the person ('… in Seoul'), places.place_id."),
        f.SPAN_START.but(description="Code point offset of the person's name in the credit line."),
        f.SPAN_END.but(description="End offset (exclusive) of the name in the credit line."),
        f.SPAN_TEXT.but(description="The name as printed in the credit line."),
    ),
    ("source_id", "person_id", "role"),
    span=Span(label="role"), rules=(SPAN_ORDER,),
)

PEOPLE = Resource(
    "people", "People", "Every named person in the articles, in any role.",
    (
        f.slug_id("person_id", "Identifier: the person's name as a slug."),
        f.NAME.but(description="Canonical name: the fullest form printed in the articles."),
        f.DESCRIPTION.but(description="The person's role as the articles state it, with source IDs in brackets."),
        f.COUNTRY.but(description="ISO 3166-1 alpha-2 code of the country the person is stated (or unambiguously "
                      "shown) to serve or belong to; empty otherwise."),
        f.WIKIDATA_QID,
        f.WIKIDATA_QID_CONFIDENCE,
    ),
    ("person_id",), unique_keys=(("wikidata_qid",),), entity="person", rules=(QID_RULE,), label="name",
)

ORGANIZATIONS = Resource(
    "organizations", "Organizations",
    "Every named organization: news agencies and outlets cited, state bodies, military units, international bodies, "
    "companies.",
    (
        f.slug_id("org_id", "Identifier: the organization's name as a slug."),
        f.NAME.but(description="Canonical name as printed in the articles."),
        f.choice("org_type", v.ORG_TYPE, "Kind of organization."),
        f.DESCRIPTION.but(description="What the articles say the organization is, with source IDs in brackets."),
        f.COUNTRY.but(description="ISO 3166-1 alpha-2 code of the country the organization belongs to, where stated or "
                      "unambiguous."),
        f.WIKIDATA_QID,
        f.WIKIDATA_QID_CONFIDENCE,
    ),
    ("org_id",), unique_keys=(("wikidata_qid",),), entity="organization", rules=(QID_RULE,), label="name",
)

PLACES = Resource(
    "places", "Places",
    "Every named place: facilities, towns, cities, regions, countries, seas and continents.",
    (
        f.slug_id("place_id", "Identifier: the place's name as a slug."),
        f.NAME,
        f.choice("place_type", v.PLACE_TYPE, "Kind of place."),
        f.DESCRIPTION.but(description="What the articles say about the place, with source IDs in brackets."),
        f.COUNTRY.but(description="ISO 3166-1 alpha-2 code of the country the place is in (the place itself for "
                      "countries), from the article text or the verified reference file."),
        f.Field("latitude", "number", "Latitude in decimal degrees (WGS84), only from the verified reference file; "
                "rough centroid for countries.", kind="latitude", minimum=-90, maximum=90,
                reference_column="latitude"),
        f.Field("longitude", "number", "Longitude in decimal degrees (WGS84), only from the verified reference file.",
                kind="longitude", minimum=-180, maximum=180, reference_column="longitude"),
        f.Field("geonames_id", "integer", "GeoNames identifier, only from the verified reference file; empty when not "
                "verified.", kind="geonames-id", minimum=1, reference_column="geonames_id"),
        f.WIKIDATA_QID,
        f.WIKIDATA_QID_CONFIDENCE,
    ),
    ("place_id",), unique_keys=(("wikidata_qid",), ("geonames_id",)), entity="place", label="name",
    rules=(QID_RULE, together("coordinates-pair", "latitude", "longitude", "both coordinates or neither")),
)

MENTIONS = Resource(
    "mentions", "Mentions",
    "Every occurrence of a name of a person, organization or place in every article (see CURATION.md §4). Exactly "
    "one of person_id, org_id, place_id is set.",
    (
        f.slug_id("mention_id", "Identifier: <source_id>-m<NNN>."),
        *SPAN_FIELDS,
        f.span_text("the name as printed (possessive suffix excluded)"),
        f.PERSON.but(description="The person named (people.person_id)."),
        f.ORG.but(description="The organization named (organizations.org_id)."),
        f.PLACE.but(description="The place named (places.place_id)."),
    ),
    ("mention_id",), unique_keys=(("source_id", "char_start", "char_end"),),
    span=Span(), rules=(SPAN_ORDER, exactly_one(*ENTITY_REFS)), names_entities=True,
)

EVENTS = Resource(
    "events", "Events",
    "Every event the articles mention, whether it happened, is ongoing, planned, proposed, alleged or hypothetical; "
    "parts nest under wholes via parent_event_id.",
    (
        f.slug_id("event_id", "Identifier: a slug naming the event."),
        f.EVENT.but(name="parent_event_id", description="The event this one is part of (events.event_id); empty for "
                    "top-level events. No cycles."),
        f.text("title", "Short neutral title.", required=True).but(searchable=True),
        f.text("summary", "One or two sentences with only what the articles say, citing source IDs in brackets.",
               required=True).but(searchable=True),
        f.choice("event_type", v.EVENT_TYPE, "Kind of event (this package's vocabulary; see plover_type for the PLOVER "
                 "mapping)."),
        f.choice("plover_type", v.PLOVER_TYPE, "PLOVER event category of event_type, where one fits (generated by build "
                 "from the x-plover mapping of event_type).", required=False)
        .but(derived={"rule": "plover", "from": ["event_type"]}),
        f.EDTF_DATE,
        f.DATE_EARLIEST,
        f.DATE_LATEST,
        f.DATE_BASIS,
        f.DATE_NOTE,
        f.PLACE.but(description="Where the event took place, if an article says so (places.place_id)."),
        f.choice("status", v.EVENT_STATUS, "Whether the event happened, according to the articles."),
    ),
    ("event_id",), label="title",
    rules=(
        set_exactly_when("date-basis", "date", Not(Equals("date_basis", "unknown")),
                         "'unknown' exactly when date is empty", field="date_basis"),
        before("date-order", "date_earliest", "date_latest", "date_earliest on or before date_latest", strict=False),
    ),
)

EVENT_PARTICIPANTS = Resource(
    "event_participants", "Event participants",
    "Who took part in an event and in what role. Exactly one of person_id, org_id, place_id (countries and cities "
    "acting as states).",
    (
        f.EVENT.but(required=True),
        f.PERSON.but(description="The participating person (people.person_id)."),
        f.ORG.but(description="The participating organization (organizations.org_id)."),
        f.PLACE.but(description="The participating country or city acting as a state (places.place_id)."),
        f.choice("role", v.PARTICIPANT_ROLE, "The participant's role."),
    ),
    ("event_id", "person_id", "org_id", "place_id", "role"),
    rules=(exactly_one(*ENTITY_REFS),),
)

EVENT_EVIDENCE = Resource(
    "event_evidence", "Event evidence", "The spans in the articles that refer to each event.",
    (f.EVENT.but(required=True), *SPAN_FIELDS, f.span_text("the clause that refers to the event")),
    ("event_id", "source_id", "char_start"),
    span=Span(), rules=(SPAN_ORDER,), evidence_of="events",
)

QUOTES = Resource(
    "quotes", "Quotes",
    "Every quotation (text inside quotation marks) in every article, one row per occurrence and speaker "
    "(CURATION.md §6).",
    (
        f.slug_id("quote_id", "Identifier: <source_id>-q<NN>."),
        *SPAN_FIELDS,
        f.span_text("the text inside the quotation marks, without the marks").but(searchable=True),
        f.PERSON.but(name="speaker_person_id", description="The person quoted (people.person_id)."),
        f.ORG.but(name="speaker_org_id", description="The organization quoted (organizations.org_id)."),
        f.text("speaker_description", "Who speaks, when the article names no one (e.g. 'a reporter')."),
        f.slug("utterance_id", "Groups renderings of the same remark across and within articles, even when wording or "
               "translation differs; one speaker per group. Empty for scare quotes."),
        f.EVENT.but(description="The event at which it was said, when the article makes that clear (events.event_id)."),
        f.choice("quote_kind", v.QUOTE_KIND, "What kind of quotation."),
        f.ORG.but(name="via_org_id", description="The outlet the article says relayed the quote (organizations.org_id)."),
        f.text("via_description", "An unnamed channel the article says relayed the quote (e.g. 'footage broadcast on "
               "Russian TV')."),
        f.NOTES.but(description="Curator notes on attribution."),
    ),
    ("quote_id",),
    span=Span(inside_quotation_marks=True, covers_sentences=True), relayed_by="via_org_id",
    utterance=("utterance_id", ("speaker_person_id", "speaker_org_id", "speaker_description")),
    said_at="event_id",
    rules=(
        SPAN_ORDER,
        exactly_one("speaker_person_id", "speaker_org_id",
                    unless=Any_((Equals("quote_kind", "scare-quote"), IsSet("speaker_description")))),
        RowRule("scare-quote-speaker", All((Equals("quote_kind", "scare-quote"),
                                            SetCountAbove(("speaker_person_id", "speaker_org_id"), 0))),
                "no speaker for a scare quote", "speaker_person_id"),
    ),
)

CLAIMS = Resource(
    "claims", "Claims",
    "Atomic propositions that together cover every factual or analytical statement in the articles (CURATION.md §7).",
    (
        f.slug_id("claim_id", "Identifier: a slug naming the proposition."),
        f.text("statement", "The proposition, in neutral words, without attribution.", required=True).but(searchable=True),
        f.choice("claim_type", v.CLAIM_TYPE, "Kind of proposition."),
        f.choice("topic", v.TOPIC, "Subject area."),
        f.EVENT.but(description="The event the claim is about, if any (events.event_id)."),
        f.choice("status", v.CLAIM_STATUS, "Derived by build from claim_evidence: contested (some evidence refutes and "
                 "some supports), corroborated (supports from two or more independence groups), else single-source.")
        .but(derived={"rule": "claim-status", "from": ["claim_evidence"]}),
        f.NOTES.but(description="Curator notes, e.g. how a disagreement was modelled."),
    ),
    ("claim_id",), label="statement",
)

CLAIM_EVIDENCE = Resource(
    "claim_evidence", "Claim evidence",
    "The spans that support, refute or qualify each claim, and who in the text asserts them.",
    (
        f.CLAIM.but(required=True),
        *SPAN_FIELDS,
        f.span_text("the clause or sentence that carries the claim").but(searchable=True),
        f.choice("stance", v.STANCE, "How the span bears on the claim.").but(kind="evidence-stance"),
        f.PERSON.but(name="attributed_person_id", description="The person the article says asserts it "
                     "(people.person_id); empty with the other attribution columns = the article's own voice."),
        f.ORG.but(name="attributed_org_id", description="The organization the article says asserts it "
                  "(organizations.org_id)."),
        f.text("attributed_description", "Unnamed source the article cites ('analysts', 'observers', 'US and South "
               "Korean officials')."),
    ),
    ("claim_id", "source_id", "char_start"),
    span=Span(covers_sentences=True, label="stance"),
    rules=(SPAN_ORDER, at_most_one("attributed_person_id", "attributed_org_id")),
    evidence_of="claims", relayed_by="attributed_org_id",
    attribution=Attribution("attributed_person_id", "attributed_org_id", "attributed_description"),
)

EXCLUDED_SPANS = Resource(
    "excluded_spans", "Excluded spans",
    "Sentences deliberately not covered by a claim or quote, with the reason (CURATION.md §8).",
    (*SPAN_FIELDS, f.span_text("the excluded sentence"), f.choice("reason", v.EXCLUSION_REASON,
                                                                   "Why the sentence carries no claim.")
                                             .but(kind="exclusion-reason")),
    ("source_id", "char_start"),
    span=Span(covers_sentences=True, label="reason"), rules=(SPAN_ORDER,),
)

RESOURCES: dict[str, Resource] = {r.name: r for r in (
    SOURCES, SOURCE_CREDITS, PEOPLE, ORGANIZATIONS, PLACES, MENTIONS, EVENTS, EVENT_PARTICIPANTS, EVENT_EVIDENCE,
    QUOTES, CLAIMS, CLAIM_EVIDENCE, EXCLUDED_SPANS)}
