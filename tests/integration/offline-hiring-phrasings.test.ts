import { describe, expect, test } from 'vitest';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { listProposals } from '../../src/tools/proposals/proposal-store.js';
import { defaultOrg, listOutbox, ofType, runEngine } from '../helpers/temp-org.js';

/**
 * Hiring as a person asks for it, in the default org on the offline model: the human writes to the
 * manager in their own words, the manager hands the request to hr (who may hire), and hr proposes a
 * colleague of the role named, from the org's agent template for it (org/templates/: tester, qa,
 * technical-writer, analyst, reviewer) when there is one. The phrasings were written the way people
 * write, before the recogniser was changed to meet them.
 */
/** [what the person writes, the name hr proposes, the agent template it proposes from (none: a role no template covers)]. */
const PHRASINGS: Array<[string, string, string | undefined]> = [
  ['Could we get a tester on the team?', 'tester_01', 'tester'],
  ['We need someone to write docs', 'technical_writer_01', 'technical-writer'],
  ['please bring in a QA engineer', 'qa_engineer_01', 'qa'],
  ["I'd like another developer", 'developer_01', undefined],
  ['hire a designer', 'designer_01', undefined],
  ['Can you find us someone who can test the release before Friday?', 'tester_01', 'tester'],
  ["Let's get a data analyst on board.", 'data_analyst_01', 'analyst'],
  ['We are short of a reviewer for pull requests, can you find one?', 'reviewer_01', 'reviewer'],
  ['Could you look for a technical writer?', 'technical_writer_01', 'technical-writer'],
  ['Please take on a tester for the next release.', 'tester_01', 'tester'],
  ['Time to grow the team: we want a QA engineer.', 'qa_engineer_01', 'qa'],
  ['We could use a hand with testing, please hire someone.', 'tester_01', 'tester'],
  ['Get me somebody to review the code.', 'reviewer_01', 'reviewer'],
  ['Can we add an analyst to the team?', 'analyst_01', 'analyst'],
  ['I want to hire a documentation writer.', 'documentation_writer_01', 'technical-writer'],
  ['Please open a position for a tester.', 'tester_01', 'tester'],
  ['We should employ a code reviewer.', 'code_reviewer_01', 'reviewer'],
  ['Our docs are a mess. We need a writer.', 'writer_01', 'technical-writer'],
  ['Please find a person who can crunch the numbers for us.', 'analyst_01', 'analyst'],
  ['Any chance we could get a QA person?', 'qa_person_01', 'qa'],
  ['Recruit a QA lead, please.', 'qa_lead_01', 'qa'],
  ['Can you onboard a new tester?', 'tester_01', 'tester'],
  ["Let's hire somebody to write the user guide.", 'technical_writer_01', 'technical-writer'],
  ['Please hire someone for quality assurance.', 'qa_01', 'qa'],
  ["I'd love to have a data person on the team.", 'data_person_01', 'analyst'],
  ['Bring a reviewer on board, please.', 'reviewer_01', 'reviewer'],
  ['Could you hire us a couple of testers?', 'tester_01', 'tester'],
  ['Find us a UX designer.', 'ux_designer_01', undefined],
  ['Add a QA engineer to the team.', 'qa_engineer_01', 'qa'],
  ['We need a second coder.', 'coder_02', undefined],
  ['Can we get another pair of hands to test the app?', 'tester_01', 'tester'],
  ['Please look for a writer who knows our API.', 'writer_01', 'technical-writer'],
  ['We need somebody who understands statistics.', 'analyst_01', 'analyst'],
  ['Could you bring on a frontend developer?', 'frontend_developer_01', undefined],
];

/** Requests that mention people or work alike but ask for no hire: they go to the team as work or questions. */
const NOT_HIRES = [
  'Please test the login form before Friday.',
  'Could you write docs for the API?',
  'We need a plan for the release.',
  'Please bring in the release notes by Friday.',
  'Find the bug the tester reported yesterday.',
];

/** The default org after the human wrote `wording` to the manager and the org ran until idle on the offline model. */
async function afterAsking(wording: string): Promise<string> {
  const root = defaultOrg();
  sendAsHuman(root, loadOrg(root).org, { to: 'manager', body: wording });
  const events = await runEngine(root);
  expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'idle' });
  return root;
}

describe('the offline model hires when asked in the words people use', () => {
  test.each(PHRASINGS)('%s → hr proposes %s (template %s)', async (wording, name, agentTemplate) => {
    const root = await afterAsking(wording);
    const { proposals } = listProposals(root);
    expect(proposals, 'one proposal').toHaveLength(1);
    expect(proposals[0]?.proposed_by).toBe('hr');
    expect(proposals[0]?.hire?.name).toBe(name);
    expect(proposals[0]?.hire?.template).toBe(agentTemplate);
  });

  test.each(NOT_HIRES)('%s → no hire is proposed, and the team gets the work', async (wording) => {
    const root = await afterAsking(wording);
    expect(listProposals(root).proposals).toEqual([]);
    expect(listOutbox(root, 'hr')).toEqual([]);
  });
});
