"""Every error code `validate` can report, once: its layer, a title, how to fix it, and (rarely) why no planted-defect
test covers it. docs/error-codes.md is generated from this list (scripts/defect_matrix.py); a test requires each code
to have a planted-defect test in tests/test_defects.py or a waiver here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """One error code: its layer, what it means, and how to fix it."""

    code: str
    layer: str
    title: str
    fix: str
    waiver: str = ""  # why no planted-defect test exists, when none can


_ = Code
CODES: dict[str, Code] = {c.code: c for c in [
    # descriptor
    _("descriptor-unreadable", "descriptor", "datapackage.json cannot be read as JSON", "Fix the JSON syntax or encoding of datapackage.json."),
    _("descriptor-profile", "descriptor", "the descriptor does not declare the Data Package v2 profile", "Set `$schema` to the Data Package 2.0 profile URL."),
    _("descriptor-version", "descriptor", "the version is missing or not a semantic version", "Run `vostochny-summit build`, which writes the version from `__init__.py`."),
    _("profile-error", "descriptor", "the descriptor or a Table Schema breaks its Data Package profile", "Correct the property named in the message."),
    _("no-resources", "descriptor", "the descriptor lists no resources", "List every table as a resource."),
    _("duplicate-resource", "descriptor", "two resources share a name", "Give every resource its own name."),
    _("unsafe-path", "descriptor", "a resource path leaves the package, is absolute or hidden", "Use a relative path inside the package."),
    _("missing-file", "descriptor", "a resource path names no existing file", "Add the file or correct the path."),
    _("resource-type", "descriptor", "a resource is not of type table", "Set `type` to `table`.",
      waiver="the vendored profile already rejects every other type at its own code (profile-error) for these resources"),
    _("schema-stale", "descriptor", "a Table Schema is not the one the model generates", "Edit the model (src/vostochny_summit/model/), then run `vostochny-summit build`."),
    _("schema-unreadable", "descriptor", "a Table Schema file cannot be read as JSON", "Fix the schema file's JSON."),
    _("hash-algorithm", "descriptor", "a resource hash names an unknown algorithm", "Run `vostochny-summit build` (sha256)."),
    _("stale-bytes", "descriptor", "a resource's recorded size is not the file's", "Run `vostochny-summit build`."),
    _("stale-hash", "descriptor", "a resource's recorded hash is not the file's", "Run `vostochny-summit build`."),
    _("missing-dependency", "descriptor", "a library validate needs is not installed", "Install the package with its dependencies.",
      waiver="an environment problem, not a data defect: the test environment has every dependency installed"),
    # files
    _("unreadable-file", "files", "a CSV file cannot be opened", "Check the file's permissions.",
      waiver="an operating-system condition (permissions, I/O error) that a copied package cannot portably plant"),
    _("bom", "files", "the file starts with a byte order mark", "Save as UTF-8 without BOM (`vostochny-summit fmt`)."),
    _("line-ending", "files", "the file has CR line endings", "Use LF line endings (`vostochny-summit fmt`)."),
    _("encoding", "files", "the file is not valid UTF-8", "Re-save the file as UTF-8."),
    _("parse-error", "files", "the file cannot be parsed as CSV", "Fix the CSV quoting at the place named.",
      waiver="pyarrow's parser reads every malformed line we could plant as a ragged row (tested) or bad UTF-8 (tested); "
             "this code reports an error it raises all the same"),
    _("header", "files", "the header is not the schema's fields in order", "Make the header the schema's field names, in order."),
    _("ragged-row", "files", "a row has the wrong number of cells", "Give the row one cell per field."),
    _("not-canonical", "files", "the file is not in canonical form", "Run `vostochny-summit fmt`."),
    # schema
    _("type", "schema", "a cell is not of its field's type", "Write the value in the field's type."),
    _("required", "schema", "a required cell is empty", "Fill in the value."),
    _("pattern", "schema", "a cell does not match its field's pattern", "Correct the value to match the pattern."),
    _("enum", "schema", "a cell is not in its field's vocabulary", "Use one of the listed values."),
    _("categories", "schema", "a cell is not in its field's categories", "Use one of the categories."),
    _("minimum", "schema", "a number is below its field's minimum", "Correct the value."),
    _("maximum", "schema", "a number is above its field's maximum", "Correct the value."),
    _("minLength", "schema", "a string is shorter than its field's minLength", "Correct the value."),
    _("maxLength", "schema", "a string is longer than its field's maxLength", "Correct the value."),
    _("primary-key", "schema", "two rows share a primary key", "Remove the duplicate or give it its own key."),
    _("unique", "schema", "two rows share a value of a unique field", "Give each row its own value."),
    _("unique-key", "schema", "two rows share a unique key", "Remove the duplicate row."),
    _("foreign-key", "schema", "a reference names no row of the referenced table", "Correct the id or add the referenced row."),
    # domain: cells
    _("empty-string", "domain", "a cell holds an empty quoted string", "Leave the cell empty (null) or give a value."),
    _("whitespace", "domain", "a value starts or ends with whitespace", "Remove the padding."),
    _("formula-cell", "domain", "a value starts like a spreadsheet formula", "Rephrase; a spreadsheet would run it."),
    _("invisible-character", "domain", "a cell holds a control or invisible character", "Remove the character (only a span's verbatim text may hold one, when the article does)."),
    # domain: texts and spans
    _("text-missing", "domain", "an article's text file is missing", "Add the file or correct `text_path`."),
    _("text-encoding", "domain", "an article's text file is not UTF-8", "Store the article as UTF-8."),
    _("fixity", "domain", "an article's text is not the one recorded", "Restore the original text; texts never change."),
    _("char-count", "domain", "an article's length is not the recorded one", "Record the text's length in code points."),
    _("span-order", "domain", "a span ends before it starts", "Use `vostochny-summit locate` for the offsets."),
    _("span-bounds", "domain", "a span ends past the article's end", "Use `vostochny-summit locate` for the offsets."),
    _("span-text", "domain", "a span's text is not the article's characters at its offsets", "Copy the text verbatim, or use `vostochny-summit locate`."),
    _("span-cuts-word", "domain", "a span boundary cuts a word", "Move the boundary to the word's edge."),
    _("span-quote-pair", "domain", "a span holds one quotation mark of a pair", "Take both quotation marks into the span or neither."),
    _("quote-marks", "domain", "a quotation does not sit directly inside quotation marks", "Span exactly the words inside the marks."),
    _("quote-event", "domain", "a quote's event is not an event its sentence is evidence of", "Set the quote's event_id to the event that event_evidence ties its sentence to (CURATION.md §6)."),
    _("uncovered-sentence", "domain", "an article sentence is covered by no claim evidence, quote or excluded span", "Cover it, or list it in excluded_spans with a reason."),
    # domain: rows
    _("exactly-one", "domain", "a row names no entity or more than one", "Set exactly one of the entity columns."),
    _("at-most-one", "domain", "a row names more than one entity", "Set at most one of the columns."),
    _("scare-quote-speaker", "domain", "a scare quote has a speaker", "Leave the speaker of a scare quote empty."),
    _("utterance-speakers", "domain", "an utterance group has more than one speaker", "Give the group one speaker, or split it."),
    _("published-basis", "domain", "a publication date is given where its basis rejects it, or missing", "Give `published` exactly when the basis is printed-dateline."),
    _("country-code", "domain", "a country code is not a real ISO 3166-1 code", "Use an ISO 3166-1 alpha-2 code."),
    _("qid-confidence", "domain", "a QID without a confidence, or a confidence without a QID", "Give both or neither."),
    _("coordinates-pair", "domain", "one coordinate without the other", "Give latitude and longitude, or neither."),
    _("qid-shared", "domain", "two entities share a QID", "Keep the QID on the one entity it identifies."),
    _("unverified-identifier", "domain", "an identifier not in the frozen reference list", "Use the reference list's values, else leave empty."),
    _("reference-missing", "domain", "the frozen reference list is missing", "Restore data/reference/entity-identifiers.csv."),
    _("unmentioned-entity", "domain", "an entity is never mentioned", "Add a mention, or remove the entity."),
    _("no-evidence", "domain", "a claim or event has no evidence", "Add evidence, or remove the row."),
    _("date-order", "domain", "date_earliest is after date_latest", "Run `vostochny-summit build`: the bounds are derived from `date`."),
    _("date-basis", "domain", "date_basis is unknown for a dated event, or set for an undated one", "Use `unknown` exactly when there is no date."),
    _("edtf", "domain", "a date is not a valid EDTF level 0 date", "Write YYYY, YYYY-MM, YYYY-MM-DD or an interval."),
    _("derived-date-bounds", "domain", "date_earliest/date_latest are not the date's bounds", "Run `vostochny-summit build`."),
    _("derived-plover", "domain", "plover_type is not the one event_type maps to", "Run `vostochny-summit build`."),
    _("reporter-voice", "domain", "evidence of a speech act (a statement or denial claim) is attributed to someone other than the reporter or the outlet it relays", "Empty attributed_person_id and attributed_description; keep attributed_org_id only for the relaying outlet (CURATION.md §7)."),
    _("derived-claim-status", "domain", "a claim's status is not the one its evidence gives", "Run `vostochny-summit build`."),
    _("event-cycle", "domain", "an event's parent chain loops", "Break the cycle in parent_event_id."),
    _("sub-event-dates", "domain", "a sub-event is dated outside its parent event", "Correct either date, or do not nest the event."),
    # parquet
    _("parquet-missing", "parquet", "a Parquet file is missing", "Run `vostochny-summit build`."),
    _("parquet-unreadable", "parquet", "a Parquet file cannot be read", "Run `vostochny-summit build`."),
    _("parquet-schema", "parquet", "a Parquet file's schema or version is not the table's", "Run `vostochny-summit build`."),
    _("parquet-stale", "parquet", "a Parquet file's rows are not the CSV's", "Run `vostochny-summit build`."),
]}


def layer(code: str) -> str:
    return CODES[code].layer
