import type { PlantedAgent, PlantedStudy } from '../plan.js';

const agent = (name: string, title: string, department: string, reportsTo: string, sendTo: string[], credits = 100): PlantedAgent => ({ name, title, department, reportsTo, sendTo, credits });

/**
 * A clinic of eleven seats in three departments, over five turns, in which every form of mail and
 * every cause of refusal happens at a turn known in advance:
 * - turn 0: the human posts to the list `leads` (director, lead_ops, lead_lab): three list deliveries;
 * - turn 1: the director writes to both leads at once (a `to:` list); lead_ops writes to four people,
 *   one past the cap of 3 (the director's: refused, over the per-turn cap); lead_lab writes to lab1
 *   with lab2 and the intern copied;
 * - turn 2: lead_ops posts to the list `ops`; lab1 writes to ops1, whom the chart does not let it
 *   reach (refused: the chart); ops2 writes "Same again." to ops1; the intern spends its last credits;
 *   only one of the two clerks is drawn for each turn (activation: at most one Clerk a turn);
 * - turn 3: the director answers the human with lead_ops copied; ops2 writes "Same again." once more
 *   (the repeated-message breaker holds it from turn 4); tech posts to `leads`, whose `may_post` does
 *   not name it (refused: the chart); lead_lab writes to lab1 with ops1 copied, whom the chart does not
 *   let it reach (the copy refused: the chart, and lab1 is not sent it either); lab2's department (lab2
 *   and tech) has spent its ceiling;
 * - turn 4: the three heads meet (`huddle`, one round): each speech is heard by the two others; ops2
 *   (breaker), tech (ceiling) and the intern (out of credits) are held with mail waiting;
 * - turn 5: lead_ops writes to the director, after the meeting kept its mail waiting; the same three held.
 */
export const clinic: PlantedStudy = {
  name: 'clinic',
  agents: [
    agent('director', 'Director', 'exec', 'human', ['human', 'lead_ops', 'lead_lab', 'leads']),
    agent('lead_ops', 'Operations lead', 'ops', 'director', ['director', 'ops1', 'ops2', 'clerk_a', 'clerk_b', 'ops']),
    agent('ops1', 'Nurse', 'ops', 'lead_ops', ['lead_ops', 'ops2']),
    agent('ops2', 'Nurse', 'ops', 'lead_ops', ['lead_ops', 'ops1']),
    agent('clerk_a', 'Clerk', 'ops', 'lead_ops', ['lead_ops']),
    agent('clerk_b', 'Clerk', 'ops', 'lead_ops', ['lead_ops']),
    agent('lead_lab', 'Lab lead', 'lab', 'director', ['director', 'lab1', 'lab2', 'intern']),
    agent('lab1', 'Lab scientist', 'lab', 'lead_lab', ['lead_lab']),
    agent('lab2', 'Lab scientist', 'lab', 'lead_lab', ['lead_lab', 'tech']),
    agent('tech', 'Technician', 'lab', 'lab2', ['lab2', 'leads']),
    agent('intern', 'Intern', 'lab', 'lead_lab', ['lead_lab'], 0.25),
  ],
  lists: [
    { name: 'leads', members: ['director', 'lead_ops', 'lead_lab'], mayPost: ['human', 'director'] },
    { name: 'ops', members: ['lead_ops', 'ops1', 'ops2', 'clerk_a', 'clerk_b'], mayPost: ['lead_ops'] },
  ],
  meetings: [{ name: 'huddle', attendees: ['director', 'lead_ops', 'lead_lab'], turn: 4, agenda: 'Where the week stands' }],
  opening: [{ to: ['leads'], body: 'The inspection is on Friday: please get your departments ready.' }],
  cap: 3,
  pricePerCall: 0.25,
  // Counts a model would report for these prompts and answers: at or above the usage gate's floor (1 token for every 8 of lemming's estimate).
  usage: { input_tokens: 4000, output_tokens: 400 },
  activation: [{ title: 'Clerk', atMost: 1 }, { title: 'Lab scientist' }],
  ceilings: { lab2: 0.5 },
  repeatTimes: 2,
  turns: 5,
  script: {
    1: {
      director: { send: [{ to: ['lead_ops', 'lead_lab'] }] },
      lead_ops: { send: [{ to: ['ops1'] }, { to: ['ops2'] }, { to: ['clerk_a'] }, { to: ['director'] }] },
      lead_lab: { send: [{ to: ['lab1'], cc: ['lab2', 'intern'] }] },
    },
    2: {
      lead_ops: { send: [{ to: ['ops'] }] },
      lead_lab: { send: [{ to: ['director'] }] },
      ops1: { send: [{ to: ['lead_ops'] }] },
      ops2: { send: [{ to: ['ops1'], body: 'Same again.' }] },
      lab1: { send: [{ to: ['ops1'] }] },
      lab2: { send: [{ to: ['tech'] }] },
      intern: { send: [{ to: ['lead_lab'] }] },
    },
    3: {
      director: { send: [{ to: ['human'], cc: ['lead_ops'] }] },
      ops1: { send: [{ to: ['ops2'] }] },
      ops2: { send: [{ to: ['ops1'], body: 'Same again.' }] },
      tech: { send: [{ to: ['leads'] }] },
      lead_lab: { send: [{ to: ['intern'] }, { to: ['lab1'], cc: ['ops1'] }] },
    },
    4: {
      director: { speak: 'The inspection is Friday; ops and lab report here.' },
      lead_ops: { speak: 'Ops is ready but for the clerks.' },
      lead_lab: { speak: 'The lab has spent what it was given.' },
    },
    5: {
      lead_ops: { send: [{ to: ['director'] }] },
    },
  },
};
