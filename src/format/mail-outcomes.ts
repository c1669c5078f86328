/*
 * What became of mail, in one vocabulary for every output: the form a delivery took and the cause a
 * send was refused or an agent with work was not called for. The engine records them, the analysis,
 * the experiment and the dashboard count them, and the CLI, the terminal UI and the page say them in
 * these words. Imports nothing and touches no Node or DOM API: the browser app loads this very module
 * (served as /format/mail-outcomes.js), as it does format.ts.
 */

/**
 * How a delivery reached its reader: `direct`, a message to one name; `to`, one of several names of
 * `to:` (or the `to:` of a message with copies); `cc`, a copy; `list`, a member of a mailing list
 * posted to; `meeting`, an attendee hearing another's speech.
 */
export const DELIVERY_FORMS = ['direct', 'to', 'cc', 'list', 'meeting'] as const;

export type DeliveryForm = (typeof DELIVERY_FORMS)[number];

/** Counts by form. */
export type FormCounts = Record<DeliveryForm, number>;

/** Each form in words, for tables and lines. */
export const FORM_WORDS: Record<DeliveryForm, string> = {
  direct: 'one-to-one',
  to: 'to: list',
  cc: 'copy',
  list: 'mailing list',
  meeting: 'meeting',
};

/**
 * Why a send was refused (`chart`, `cap`: counted in sends) or an agent with work was not called
 * in a turn (`budget`, `ceiling`, `breaker`, `intervention`, `activation`: counted in agent-turns, its mail waiting):
 * - `chart`: the chart (send_to, read_from), a list's `may_post`, or a name that is no agent or list;
 * - `cap`: past org.yaml `engine.max_messages_per_turn` for one call;
 * - `budget`: the agent's own credits would not pay for the call;
 * - `ceiling`: a ceiling of org.yaml `budget:` (the org's or a department's) is reached;
 * - `breaker`: a loop breaker of org.yaml `engine.breakers` holds it;
 * - `intervention`: an intervention's `hold:` (org/interventions.yaml, an experiment's variant) holds it;
 * - `activation`: org.yaml `engine.activation` did not draw it this turn;
 * - `answer`: it was called, and lemming refused its model's answer unread, as too large (past 16 MiB);
 *   the call is charged at what it was reserved at (the prompt as lemming counts it, the output cap),
 *   the ledger's line saying so in its `note`, and the agent is held from the next turn (`lemming retry`).
 */
export const REFUSAL_CAUSES = ['chart', 'cap', 'budget', 'ceiling', 'breaker', 'intervention', 'activation', 'answer'] as const;

export type RefusalCause = (typeof REFUSAL_CAUSES)[number];

/** The causes that refuse a send (counted in sends); the others hold an agent (counted in agent-turns). */
export type SendCause = Extract<RefusalCause, 'chart' | 'cap'>;

export type HoldCause = Exclude<RefusalCause, SendCause>;

export const SEND_CAUSES: readonly SendCause[] = ['chart', 'cap'];

export const HOLD_CAUSES: readonly HoldCause[] = ['budget', 'ceiling', 'breaker', 'intervention', 'activation', 'answer'];

/** Counts by cause. */
export type RefusalCounts = Record<RefusalCause, number>;

/** Each cause in words: what a line or a table says of it. */
export const CAUSE_WORDS: Record<RefusalCause, string> = {
  chart: 'not on the chart',
  cap: 'over the per-turn cap',
  budget: 'out of credits',
  ceiling: 'at a budget ceiling',
  breaker: 'held by a loop breaker',
  intervention: 'held by an intervention',
  activation: 'not drawn by activation',
  answer: 'answer too large to read',
};

/** Who holds an agent until `lemming retry` (`lemming status`, `retry`, the dashboard): the two causes a hold in org/state/breakers.json has. */
export const HOLDER_WORDS: Record<Extract<HoldCause, 'breaker' | 'intervention'>, string> = {
  breaker: 'a circuit breaker',
  intervention: 'an intervention',
};

/** What each cause counts: sends refused, or agent-turns held with work (their mail waiting). */
export const CAUSE_UNITS: Record<RefusalCause, 'sends' | 'agent-turns'> = {
  chart: 'sends',
  cap: 'sends',
  budget: 'agent-turns',
  ceiling: 'agent-turns',
  breaker: 'agent-turns',
  intervention: 'agent-turns',
  activation: 'agent-turns',
  answer: 'agent-turns',
};

/** Where each cause is set, for a person who wants to change it. */
export const CAUSE_SETTINGS: Record<RefusalCause, string> = {
  chart: 'org/chart.yaml send_to and read_from, org/lists/<name>.yaml may_post',
  cap: 'org/org.yaml engine.max_messages_per_turn',
  budget: "the agent's resume credits (lemming top-up)",
  ceiling: 'org/org.yaml budget:',
  breaker: 'org/org.yaml engine.breakers (lemming retry <agent>)',
  intervention: 'org/interventions.yaml hold: (lemming retry <agent>)',
  activation: 'org/org.yaml engine.activation',
  answer: "none: lemming reads a model's answer within 16 MiB (the model's server; then lemming retry <agent>)",
};

/** No delivery yet. */
export function noForms(): FormCounts {
  return { direct: 0, to: 0, cc: 0, list: 0, meeting: 0 };
}

/** How many of `deliveries` each form reached: a message's readers, a meeting's hearers. */
export function countForms(deliveries: ReadonlyArray<{ form: DeliveryForm }>): FormCounts {
  const counts = noForms();
  for (const delivery of deliveries) counts[delivery.form] += 1;
  return counts;
}

/** No refusal yet. */
export function noRefusals(): RefusalCounts {
  return { chart: 0, cap: 0, budget: 0, ceiling: 0, breaker: 0, intervention: 0, activation: 0, answer: 0 };
}

/** `into` with `more` added, cause by cause (or form by form). */
export function addCounts<Counts extends Record<string, number>>(into: Counts, more: Partial<Counts>): Counts {
  for (const key of Object.keys(more) as Array<keyof Counts>) (into[key] as number) += (more[key] as number | undefined) ?? 0;
  return into;
}

/** Sends refused: the chart's and the cap's. */
export function sendsRefused(counts: RefusalCounts): number {
  return counts.chart + counts.cap;
}

/** Causes that happened, each as `2 not on the chart`, in the order of REFUSAL_CAUSES. */
function named(counts: RefusalCounts, causes: readonly RefusalCause[]): string[] {
  return causes.filter((cause) => counts[cause] > 0).map((cause) => `${counts[cause]} ${CAUSE_WORDS[cause]}`);
}

/** Sends refused, with each cause that refused some: `3 refused (2 not on the chart, 1 over the per-turn cap)`, or `0 refused`. */
export function refusedText(counts: RefusalCounts): string {
  const sends = named(counts, SEND_CAUSES);
  return `${sendsRefused(counts)} refused${sends.length > 0 ? ` (${sends.join(', ')})` : ''}`;
}

/** Agents with work not called, by cause: `held with work: 1 out of credits, 2 not drawn by activation`; '' when none was. */
export function heldText(counts: RefusalCounts): string {
  const held = named(counts, HOLD_CAUSES);
  return held.length > 0 ? `held with work: ${held.join(', ')}` : '';
}

/** Causes that happened, each as its name and count (`cap 3`), the most first (a tie in the order of REFUSAL_CAUSES). */
function short(counts: RefusalCounts, causes: readonly RefusalCause[]): string {
  return causes
    .filter((cause) => counts[cause] > 0)
    .sort((left, right) => counts[right] - counts[left] || REFUSAL_CAUSES.indexOf(left) - REFUSAL_CAUSES.indexOf(right))
    .map((cause) => `${cause} ${counts[cause]}`)
    .join(', ');
}

/**
 * Sends refused and agents held with work, each with its causes by name, for a line with little room
 * (the live screen's totals): `5 refused (cap 3, chart 2)` (`0 refused`), and `4 held (activation 3,
 * budget 1)`, '' when none was held. The names are the causes' own, as the CSVs' `refusals_<cause>`.
 */
export function compactRefusals(counts: RefusalCounts): { refused: string; held: string } {
  const sends = short(counts, SEND_CAUSES);
  const heldCount = HOLD_CAUSES.reduce((sum, cause) => sum + counts[cause], 0);
  return {
    refused: `${sendsRefused(counts)} refused${sends === '' ? '' : ` (${sends})`}`,
    held: heldCount === 0 ? '' : `${heldCount} held (${short(counts, HOLD_CAUSES)})`,
  };
}

/** Readers reached, by form: `reached 9: 4 one-to-one, 2 to: list, 3 mailing list`; '' when none was. */
export function formsText(counts: FormCounts): string {
  const total = DELIVERY_FORMS.reduce((sum, form) => sum + counts[form], 0);
  if (total === 0) return '';
  return `reached ${total}: ${DELIVERY_FORMS.filter((form) => counts[form] > 0)
    .map((form) => `${counts[form]} ${FORM_WORDS[form]}`)
    .join(', ')}`;
}

/**
 * What a run (or an experiment's runs) whose sends the per-turn cap cut says once: how many, and where
 * to change it. A study of reach or of the speed of diffusion measures this setting as much as the org.
 */
export function capCutText(sends: number, where = 'this run'): string {
  return `The per-turn cap cut ${sends} send(s) of ${where} (refused: over the cap of messages one call may send): reach and the speed of diffusion depend on it; change engine.max_messages_per_turn in org/org.yaml.`;
}
