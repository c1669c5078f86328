import { stableHash, stripDelegation, wholeTask, words } from './compose.js';
import type { PromptView } from './read-prompt.js';
import { stem } from './route-task.js';

/** A kind of role, known by words of its title, and the steps such a person reports. `{task}` is the task's subject. */
interface RoleSteps {
  signs: string[];
  /** Not five, nor ten: a report picks three steps five apart, which must differ. */
  steps: string[];
}

const ROLES: RoleSteps[] = [
  {
    signs: ['people', 'hiring', 'onboarding', 'recruiter', 'talent'],
    steps: [
      'Wrote the role description for "{task}": the skills it needs and the level',
      'Proposed an interview loop: a screening call, a technical interview, a conversation with the team',
      'Drafted an onboarding checklist for the first two weeks',
      'Listed who on the team can interview, and when',
      'Set out a timeline: about six weeks from posting to a start date',
      'Noted the budget question for the person to decide',
    ],
  },
  {
    signs: ['software', 'engineer', 'developer', 'code', 'programmer'],
    steps: [
      'Wrote down what "{task}" must do before writing any code',
      'Made the change in small steps, each with a test',
      'Ran the whole test suite; it passes',
      'Tried the edge cases: empty input, very large input, bad input',
      'Read my own diff once more before reporting',
      'Left a comment where a later decision is needed',
    ],
  },
  {
    signs: ['planner', 'planning', 'tasks', 'project', 'schedule'],
    steps: [
      'Split "{task}" into tasks, each with what "done" means',
      'Ordered the tasks so that each one unblocks the next',
      'Named the risks, and what would warn us of each early',
      'Checked each finished task against its definition of done',
    ],
  },
  {
    signs: ['reviewer', 'checker', 'checks', 'reviews', 'fact'],
    steps: [
      'Checked each claim in "{task}" against the evidence given for it',
      'Checked the names, figures and sources one by one',
      'Marked what holds and what is overstated',
      'Listed what must change before it goes out',
      'Noted what could be better later but need not hold it up',
      'Asked for a source wherever a figure stood without one',
    ],
  },
  {
    signs: ['researcher', 'research', 'researches', 'findings', 'evidence', 'studies'],
    steps: [
      'Gathered what is known about "{task}", each source with what it claims',
      'Wrote each finding with its evidence beside it',
      'Said how sure we can be of each finding, and why',
      'Marked where the sources disagree, and what might explain it',
      'Listed what I could not settle, and what data would settle it',
      'Compared how the studies were done before comparing their numbers',
    ],
  },
  {
    signs: ['janitor', 'tidy', 'workspace', 'clean', 'housekeeping'],
    steps: [
      'Looked through the workspace for what "{task}" touches',
      'Removed stale files and kept a list of what went',
      'Wrote a short note of the state of the workspace',
    ],
  },
];

const ANY_ROLE = [
  'Read the request and listed what it needs',
  'Broke it into small steps and did them in order',
  'Checked the result against what was asked',
  'Wrote down the open questions',
  'Kept a note of what changed and why',
  'Compared two ways of doing it and took the simpler one',
];

/** The steps of the role whose signs the title shares most, or the general ones. */
function stepsFor(title: string): string[] {
  const titleStems = [...words(title)].map(stem);
  let best: { steps: string[]; score: number } = { steps: ANY_ROLE, score: 0 };
  for (const role of ROLES) {
    const score = role.signs.filter((sign) => titleStems.includes(stem(sign))).length;
    if (score > best.score) best = { steps: role.steps, score };
  }
  return best.steps;
}

/**
 * The report an agent that does the work itself sends back: the task in its own words, whole;
 * three steps of the kind its role does, chosen by the task, naming the task where a step is
 * about it; what a tool the task named returned (`said`), when one did; and the words the task
 * touched on (the names of colleagues left out); with `longer` (a repeat's seeded variation),
 * every step of its kind. Deterministic in its inputs.
 */
export function composeWorkReport(view: Pick<PromptView, 'self' | 'title' | 'sendTo' | 'team' | 'manager'>, subject: string, body: string, said?: string, longer = false): string {
  const task = wholeTask(subject, body).replace(/[.!?…]+$/, '');
  const steps = stepsFor(view.title);
  const seed = stableHash(`${view.self}\n${subject}\n${body}`);
  const picks = (longer ? steps.map((_, index) => index) : [0, 1, 2]).map((offset) => steps[(seed + offset * 5) % steps.length] ?? '');
  const unique = [...new Set(picks)].map((step) => step.replace('{task}', task));
  // A colleague's name is looked up where it is kept, not copied into a set: a chart of `"*"` gives
  // every agent the org's whole list, and copying it for each call made a turn grow with N².
  const colleague = (word: string) => word === view.self || word === view.manager || view.sendTo.has(word) || view.team.some((member) => member.name === word);
  const focus = [...words(stripDelegation(body))].filter((word) => !colleague(word)).slice(0, 4).join(', ');
  return [
    `Done: ${task}.`,
    '',
    `What I did, as ${(view.title.split(':')[0] ?? view.title).trim()}:`,
    ...unique.map((step) => `- ${step}`),
    '',
    ...(said !== undefined ? [said, ''] : []),
    focus ? `It touched on: ${focus}.` : 'Nothing else is needed from me on this.',
  ].join('\n');
}
