"""The README's three questions, as SQL that runs unchanged in DuckDB (`vostochny-summit sql`) and SQLite (the export
and Datasette's canned queries). This is the one place they are written: a test holds the README to it."""

from __future__ import annotations

QUERIES = {
    "kim-quotes": {
        "title": "What did Kim say, in each article, and where?",
        "description": "Every quotation of Kim Jong Un, grouped by utterance (the same remark rendered in several "
                       "articles), with the event it was said at.",
        "sql": """SELECT q.source_id, q.utterance_id, e.title AS said_at, q.text
FROM quotes q LEFT JOIN events e USING (event_id)
WHERE q.speaker_person_id = 'kim-jong-un'
ORDER BY q.utterance_id, q.source_id;""",
    },
    "contested-claims": {
        "title": "Which claims are contested, and what does each side say?",
        "description": "Claims with at least one supporting and one refuting piece of evidence, with every piece of "
                       "evidence and the article it is in. The package records the disagreement; it does not decide it.",
        "sql": """SELECT c.claim_id, c.statement, ce.stance, ce.source_id, ce.text
FROM claims c JOIN claim_evidence ce USING (claim_id)
WHERE c.status = 'contested'
ORDER BY c.claim_id, ce.stance, ce.source_id;""",
    },
    "who-was-where": {
        "title": "Who was where, when?",
        "description": "Participants of every dated event, with the event's place and the participant's role.",
        "sql": """SELECT e.date, e.title, p.name AS place, coalesce(pe.name, o.name, pl.name) AS participant, ep.role
FROM events e
JOIN event_participants ep USING (event_id)
LEFT JOIN places p ON p.place_id = e.place_id
LEFT JOIN people pe ON pe.person_id = ep.person_id
LEFT JOIN organizations o ON o.org_id = ep.org_id
LEFT JOIN places pl ON pl.place_id = ep.place_id
WHERE e.date_earliest IS NOT NULL
ORDER BY e.date_earliest, e.title;""",
    },
}
