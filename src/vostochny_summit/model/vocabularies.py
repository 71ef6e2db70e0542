"""Every vocabulary of the package, defined once: its values, their labels and, for event types, the PLOVER category.

The schemas' `enum` and `categories`, the pandera checks, the data dictionary, the timeline legend and the
vocabulary tables in CURATION.md are all generated from these.
"""

from .classes import Term, vocabulary

STANCE = vocabulary(
    'stance',
    ('supports', 'Asserts the claim.'),
    ('refutes', 'States the opposite or an incompatible value.'),
    ('qualifies', 'Agrees in part, hedges, or gives a less precise value.'),
)

CLAIM_TYPE = vocabulary(
    'claim_type',
    ('fact', 'A checkable event or state of affairs.'),
    ('quantity', 'A number, count, duration or measure.'),
    ('assessment', 'An analytical judgement or interpretation.'),
    ('prediction', 'A statement about the future.'),
    ('intention', 'What someone wants, seeks or plans.'),
    Term('denial', 'Someone denies something.', speech_act=True),
    ('allegation', 'An unproven accusation or rumour.'),
    Term('statement', 'That someone said something, where the saying is the news.', speech_act=True),
    ('norm', 'A legal or normative judgement.'),
)

TOPIC = vocabulary(
    'topic',
    ('summit-logistics', 'Where, when, who and how of the meeting: travel, tour, meals.'),
    ('space-cooperation', 'Space, rockets, satellites as cooperation.'),
    ('military-cooperation', 'Defence cooperation between the two states.'),
    ('arms-trade', 'Supply or trade of weapons and ammunition.'),
    ('nk-weapons', "North Korea's missile, nuclear and military satellite programmes."),
    ('sanctions-and-law', 'Sanctions, UN resolutions, legality.'),
    ('diplomacy', 'Relations, alliances, isolation, trips.'),
    ('ukraine-war', "Russia's war in Ukraine."),
    ('history', 'Past events invoked as context.'),
    ('russia-domestic', 'Russian domestic affairs.'),
    ('economy-and-aid', 'Economy, food, oil, medicine, humanitarian issues.'),
    ('rhetoric', 'What was said: toasts, praise, slogans.'),
)

CLAIM_STATUS = vocabulary(
    'claim_status',
    ('contested', 'At least one refuting and one supporting evidence row.'),
    ('corroborated', 'Supported by two or more independent sources (different independence_group), none refuting.'),
    ('single-source', 'Neither contested nor corroborated.'),
)

PARTICIPANT_ROLE = vocabulary(
    'participant_role',
    ('host', 'Hosts the event.'),
    ('guest', 'The visiting side.'),
    ('attendee', 'Takes part.'),
    ('delegation-member', "Member of a leader's delegation."),
    ('actor', 'Carries out the action.'),
    ('target', 'The action is done to or against it.'),
    ('party', 'A side in a war, agreement or proposal.'),
    ('victim', 'Harmed or killed.'),
    ('speaker', 'Speaks at the event.'),
    ('supporter', 'Backs one side.'),
)

EVENT_TYPE = vocabulary(
    'event_type',
    ('summit', 'A meeting of leaders that an article calls a summit.', 'CONSULT'),
    ('meeting', 'A meeting no article calls a summit.', 'CONSULT'),
    ('talks', 'Negotiations or discussions within a meeting.', 'CONSULT'),
    ('visit', 'A trip to a place or country.', 'CONSULT'),
    ('tour', 'A guided tour of a site.', 'CONSULT'),
    ('travel', 'A journey.'),
    ('arrival', 'Arriving somewhere.'),
    ('departure', 'Leaving somewhere.'),
    ('meal', 'A lunch, dinner or banquet.', 'CONSULT'),
    ('toast', 'A toast raised at a meal.'),
    ('press-remarks', 'Answers to reporters or remarks to the press.'),
    ('ceremony', 'A formal act such as signing a visitor book.'),
    ('conference', 'A forum or conference.', 'CONSULT'),
    ('weapons-test', 'A missile launch or weapons test.', 'MOBILIZE'),
    ('launch-attempt', 'An attempt to launch a satellite or rocket.'),
    ('armed-conflict', 'A war or invasion.', 'ASSAULT'),
    ('rebellion', 'An armed rebellion or mutiny.', 'COERCE'),
    ('accident', 'A crash or accident.'),
    ('sanctions', 'Sanctions imposed.', 'SANCTION'),
    ('diplomatic-action', 'Blocking, vetoing or opposing a diplomatic measure.', 'REJECT'),
    ('recognition', 'Diplomatic recognition of a state.', 'AGREE'),
    ('founding', 'Establishment of a state or body.'),
    ('accession', 'Taking office.'),
    ('construction', 'Building of a facility.'),
    ('proposal', 'A proposal or expressed interest in a new arrangement.', 'COOPERATE'),
    ('arms-transfer', 'Supply or trade of weapons or ammunition.', 'AID'),
    ('military-support', 'Military or political support in a war.', 'AID'),
    ('pandemic', 'A pandemic.'),
    ('border-crossing', 'Crossing a border on foot or otherwise, as a political act.'),
    ('broadcast', 'A broadcast or publication of footage.'),
    ('statement', 'A public statement, denial or announcement.'),
)

PLOVER_TYPE = vocabulary(
    'plover_type',
    ('AGREE', 'PLOVER AGREE.'),
    ('AID', 'PLOVER AID.'),
    ('ASSAULT', 'PLOVER ASSAULT.'),
    ('COERCE', 'PLOVER COERCE.'),
    ('CONSULT', 'PLOVER CONSULT.'),
    ('COOPERATE', 'PLOVER COOPERATE.'),
    ('MOBILIZE', 'PLOVER MOBILIZE.'),
    ('REJECT', 'PLOVER REJECT.'),
    ('SANCTION', 'PLOVER SANCTION.'),
)

DATE_BASIS = vocabulary(
    'date_basis',
    ('stated', "An article gives the date at this precision (weekdays resolved against the same article's dateline)."),
    ('derived', 'Computed from a relative expression; the rule and the words are in date_note.'),
    ('unknown', 'No article dates the event; date is empty.'),
)

EVENT_STATUS = vocabulary(
    'event_status',
    ('occurred', 'Reported as having happened.'),
    ('ongoing', 'Reported as still going on.'),
    ('planned', 'Announced as planned.'),
    ('proposed', 'Proposed or wished for, not agreed.'),
    ('alleged', 'Reported as rumour or allegation, or denied.'),
    ('hypothetical', 'Discussed only as a possibility.'),
)

EXCLUSION_REASON = vocabulary(
    'exclusion_reason',
    ('boilerplate', 'Sign-up blocks, promos, site furniture.'),
    ('dateline', 'A date prefix or banner (recorded in sources.date_printed).'),
    ('headline', "A headline whose content the body's claims cover."),
    ('credit-line', 'A byline or credit (recorded in source_credits).'),
    ('photo-caption-credit', 'A photo credit.'),
    ('rhetorical-question', 'A question with no proposition.'),
    ('section-heading', 'A section heading.'),
    ('transition', 'A connective sentence with no proposition of its own.'),
)

ORG_TYPE = vocabulary(
    'org_type',
    ('news-agency', 'A wire service (Reuters, AFP, KCNA).'),
    ('news-outlet', 'A newspaper, channel, or news site.'),
    ('state-body', 'A government or state institution.'),
    ('armed-forces', "A country's armed forces as a whole."),
    ('military-unit', 'A unit or fleet of armed forces.'),
    ('international-body', 'An intergovernmental organization or organ.'),
    ('mercenary-group', 'A private military company.'),
    ('company', 'A commercial company.'),
)

QID_CONFIDENCE = vocabulary(
    'qid_confidence',
    ('two-independent-sources', 'The QID was checked against two independent public sources (reference file).'),
    ('one-source', 'The QID was checked against one public source (reference file).'),
)

PLACE_TYPE = vocabulary(
    'place_type',
    ('facility', 'A built site, e.g. a cosmodrome.'),
    ('town', 'A town.'),
    ('city', 'A city.'),
    ('region', 'A region or federal subject.'),
    ('country', 'A present-day country.'),
    ('historical-country', 'A state that no longer exists.'),
    ('sea', 'A sea.'),
    ('peninsula', 'A peninsula.'),
    ('continent', 'A continent.'),
)

QUOTE_KIND = vocabulary(
    'quote_kind',
    ('full-sentence', 'One or more complete sentences.'),
    ('fragment', 'A phrase from a longer remark.'),
    ('scare-quote', 'Marks around a word that is not attributed speech (speaker empty).'),
)

CREDIT_ROLE = vocabulary(
    'credit_role',
    ('byline', "Named in a 'By …' line."),
    ('reporting', "Named after 'Reporting by'."),
    ('writing', "Named after 'Writing by'."),
    ('editing', "Named after 'Editing by'."),
    ('photo', "Credited for a photo ('Photo: …')."),
    ('contributor-note', 'Named in a note about a contributor that does not state the role on this article.'),
)

PUBLISHED_BASIS = vocabulary(
    'published_basis',
    ('printed-dateline', "A printed date consistent with the article's content is taken as the publication date."),
    ('printed-date-rejected-banner', 'The printed date looks like a site banner, not a dateline: published is empty.'),
    ('printed-date-rejected-inconsistent', 'The printed date disagrees with what the article reports: published is empty.'),
    ('no-date-printed', 'The text prints no date: published is empty.'),
)

