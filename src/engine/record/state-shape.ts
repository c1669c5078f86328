/**
 * What the engine's state must hold when it is read back (state-store.ts): each field of
 * `engine.json` and of its parts in `org/state/engine/`, by its type and range. The engine writes
 * nothing else, so a value outside these is a hand edit (or an adversary's), and the state is
 * refused with the field and a valid value rather than read: a turn held as the text "4" made
 * the next turn "41", a total spent held as text made a balance NaN, a negative one gave
 * credits, and a list held as an object dropped the mail waiting. Each check gives a problem, or
 * undefined; a record keyed by agent that holds is left a record without a prototype (org/names.ts:
 * its prototype is taken away, which copies nothing), so the reader takes it as it is (state-parts.ts
 * `partsFromJson`): at 100,000 agents a copy cost a cold `status` tens of milliseconds a record.
 */

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const wholeNumber = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const amount = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);
const count = (value: unknown): boolean => amount(value) && (value as number) >= 0;
const text = (value: unknown): boolean => typeof value === 'string';

/** A field's value as the problem shows it: JSON, cut short. */
function shown(value: unknown): string {
  const json = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

const wrong = (field: string, value: unknown, holds: string): string => `field "${field}" is ${shown(value)}; it holds ${holds}`;

/** The fields of `engine.json` besides its parts (and, for a state written whole, version 2, its parts too). */
export function headProblem(data: Fields): string | undefined {
  if (!wholeNumber(data.turn)) return wrong('turn', data.turn, 'the last finished turn, a whole number of 0 or more, such as 4');
  if (data.takenBytes !== undefined && !wholeNumber(data.takenBytes)) return wrong('takenBytes', data.takenBytes, 'the size of taken.jsonl in bytes, a whole number of 0 or more, such as 264');
  if (data.outOfCredits !== undefined && !(Array.isArray(data.outOfCredits) && data.outOfCredits.every(text))) return wrong('outOfCredits', data.outOfCredits, 'a list of agent names, such as ["coder_01"]');
  if (data.humanNotices !== undefined) {
    if (!Array.isArray(data.humanNotices)) return wrong('humanNotices', data.humanNotices, 'a list of notices, such as [{"id":"notice-4-1","turn":4,"subject":"Out of credits","body":"..."}]');
    const index = data.humanNotices.findIndex((notice) => !(isRecord(notice) && text(notice.id) && wholeNumber(notice.turn) && text(notice.subject) && text(notice.body)));
    if (index >= 0) return wrong(`humanNotices[${index}]`, data.humanNotices[index], 'a notice with a text id, subject and body and a whole turn, such as {"id":"notice-4-1","turn":4,"subject":"Out of credits","body":"..."}');
  }
  if (data.awaiting !== undefined) {
    if (!Array.isArray(data.awaiting)) return wrong('awaiting', data.awaiting, 'a list of messages waiting for an answer, such as [{"id":"000004-manager-001","from":"manager","to":"planner","turn":4}]');
    const index = data.awaiting.findIndex((item) => !(isRecord(item) && text(item.id) && text(item.from) && text(item.to) && wholeNumber(item.turn)));
    if (index >= 0) return wrong(`awaiting[${index}]`, data.awaiting[index], 'a message waiting for an answer, such as {"id":"000004-manager-001","from":"manager","to":"planner","turn":4}');
  }
  // A state written whole (version 2) by a lemming before the ledger's snapshot may have none: it counts the ledger from its start.
  if (data.ledger === undefined && data.version === 2) return partsProblem(data);
  if (!isRecord(data.ledger)) return wrong('ledger', data.ledger, 'where the ledger was read to, such as {"offset":687,"rule":2}');
  if (!wholeNumber(data.ledger.offset)) return wrong('ledger.offset', data.ledger.offset, 'a byte offset into ledger.jsonl, a whole number of 0 or more, such as 687');
  if (data.ledger.rule !== undefined && !wholeNumber(data.ledger.rule)) return wrong('ledger.rule', data.ledger.rule, 'the rule the ledger was counted by, such as 2');
  if (data.ledger.crc !== undefined && !(wholeNumber(data.ledger.crc) && (data.ledger.crc as number) <= 0xffffffff)) return wrong('ledger.crc', data.ledger.crc, 'the CRC-32 of the ledger bytes counted, a whole number from 0 to 4294967295, such as 3735928559');
  if (data.version === 2) return partsProblem({ ...data, totals: data.ledger.totals, lastCharged: data.ledger.lastCharged }, 'ledger.');
  return undefined;
}

/** A whole copy of the parts (`"kind": "base"`), or a state written whole (`ledgerPrefix`: where its totals are). */
export function partsProblem(data: Fields, ledgerPrefix = ''): string | undefined {
  if (data.members !== undefined && !(Array.isArray(data.members) && data.members.every(text))) return wrong('members', data.members, 'a list of agent names, such as ["coder_01","manager"]');
  return lettersProblem('pending', data.pending) ?? recordsProblem(data, ledgerPrefix);
}

/** What one commit changed in the parts (`"kind": "change"`). */
export function changeProblem(data: Fields): string | undefined {
  for (const field of ['joined', 'members'] as const) {
    const value = data[field];
    if (value !== undefined && !(Array.isArray(value) && value.every(text))) return wrong(field, value, 'a list of agent names, such as ["coder_01"]');
  }
  if (data.gone !== undefined && !(Array.isArray(data.gone) && data.gone.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every(text)))) {
    return wrong('gone', data.gone, 'a list of [message id, recipient] pairs, such as [["000004-planner-001","manager"]]');
  }
  if (data.added !== undefined) {
    const problem = lettersProblem('added', data.added);
    if (problem !== undefined) return problem;
  }
  return recordsProblem(data, '', true);
}

const LETTER_EXAMPLE = '{"kind":"message","id":"000004-planner-001","from":"planner","to":"manager","turn":4,"file":"agents/planner/outbox/000004-001-manager.md","priority":"normal"}';

function lettersProblem(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return wrong(field, value, `the mail waiting, a list of letters, such as [${LETTER_EXAMPLE}]`);
  const index = value.findIndex((item) => !letterHolds(item));
  return index < 0 ? undefined : wrong(`${field}[${index}]`, value[index], `a letter waiting, such as ${LETTER_EXAMPLE}`);
}

function letterHolds(item: unknown): boolean {
  if (!isRecord(item) || !text(item.id) || !text(item.from) || !text(item.to) || !wholeNumber(item.turn)) return false;
  if (item.kind === 'message') return text(item.file);
  return item.kind === 'notice' && text(item.subject) && text(item.body);
}

/** The records keyed by agent; in a change, an entry may be null (the agent's entry went). */
function recordsProblem(data: Fields, ledgerPrefix: string, inChange = false): string | undefined {
  const checks: Array<[string, string, (entry: unknown) => boolean, string, string]> = [
    ['activity', '', (entry) => isRecord(entry) && wholeNumber(entry.turn) && text(entry.summary), 'what the agent last did', '{"turn":4,"summary":"sent 1"}'],
    ['errors', '', (entry) => isRecord(entry) && wholeNumber(entry.turn) && text(entry.message), "the agent's last error", '{"turn":4,"message":"the model did not answer"}'],
    ['totals', ledgerPrefix, totalsHold, "the agent's totals from the ledger, each a number, spent and tokens 0 or more", '{"spent":0.0033475,"toppedUp":0,"inputTokens":827,"outputTokens":128,"calls":1}'],
    ['lastCharged', ledgerPrefix, wholeNumber, 'the last turn the agent was charged for, a whole number', '4'],
  ];
  for (const [field, prefix, holds, what, example] of checks) {
    const record = data[field];
    if (record === undefined) continue;
    if (!isRecord(record)) return wrong(`${prefix}${field}`, record, `an entry for each agent, such as {"manager":${example}}`);
    // A loop over the keys, not Object.entries, whose pairs cost more than the checks at 100,000 agents.
    const agents = Object.keys(record);
    for (let index = 0; index < agents.length; index += 1) {
      const agent = agents[index] as string;
      const entry = record[agent];
      if (!(inChange && entry === null) && !holds(entry)) return wrong(`${prefix}${field}.${agent}`, entry, `${what}, such as ${example}`);
    }
    Object.setPrototypeOf(record, null);
  }
  return undefined;
}

/** An agent's totals from the ledger: what it spent (0 or more), was given (less than 0 when it gave), its tokens and calls. */
function totalsHold(entry: unknown): boolean {
  if (!isRecord(entry)) return false;
  const { spent, toppedUp, inputTokens, outputTokens, calls, cachedInputTokens, cacheWriteTokens } = entry;
  return count(spent) && amount(toppedUp) && count(inputTokens) && count(outputTokens) && (calls === undefined || count(calls)) && (cachedInputTokens === undefined || count(cachedInputTokens)) && (cacheWriteTokens === undefined || count(cacheWriteTokens));
}
