import { nameRecord } from './names.js';
import type { Agent, Audience, Org } from './org.js';

/**
 * One field of every agent, kept as its values and, per agent, the index of its own (-1: the agent
 * has no such field). Most fields are alike across a big org (models, tools, schedule, the chart's
 * audiences), and each such value is kept once: at 100,000 agents the org keeps in some 60 bytes an
 * agent instead of 340, reads back five times faster, and the agents restored share one value each.
 * A column whose first agents each had their own value (names, titles) keeps the rest in order
 * without looking them up (OWN_VALUES_AFTER), so a value met again there is kept again.
 */
interface StoredColumn {
  distinct: unknown[];
  /**
   * Per agent, the index of its value; kept shorter when it can be: one number when every agent
   * has the same value, `"each"` when every agent has its own in order (names, titles).
   */
  index: number[] | number | 'each';
  /** Set instead of values for a resume file at its usual place, `agents/<name>/resume.md`: made again from the name. */
  fromName?: true;
}

/** The agents, in name order, column by column: every field an agent has, so a field added to Agent is kept without a change here. */
interface StoredAgents {
  count: number;
  columns: Record<string, StoredColumn>;
}

/** An org as JSON keeps it: every field but its root (a moved org keeps its files), audiences as lists, the agents by column. */
export type StoredOrg = Omit<Org, 'root' | 'agents'> & { agents: StoredAgents };

function storeAudience(audience: Audience): '*' | string[] {
  return audience === '*' ? '*' : [...audience];
}

/** The key a column knows a value by: a string itself, anything else its JSON behind a NUL (so the name `null` is not the value null). */
function valueKey(value: unknown): string {
  return typeof value === 'string' ? value : `\u0000${JSON.stringify(value)}`;
}

/** An array or a record: JSON writes what its keys hold (not a Date's or a Set's own way). */
function isPlain(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === Array.prototype || prototype === null;
}

/**
 * Whether two values have the same JSON for certain, looked at one level deep: the same value, or
 * arrays or objects of the same primitives (and keys, in the same order). Anything deeper: false,
 * and the caller compares their JSON.
 */
function sameShallow(left: unknown, right: unknown): boolean {
  if (left === right) return typeof left !== 'number' || !Number.isNaN(left);
  if (!isPlain(left) || !isPlain(right) || Array.isArray(left) !== Array.isArray(right)) return false;
  // A list item by item, with no list of its keys made (two an agent a column: most of what keeping 100,000 agents allocated).
  if (Array.isArray(left)) return sameItems(left, right as unknown[]);
  const leftFields = left as Record<string, unknown>;
  const rightFields = right as Record<string, unknown>;
  const leftKeys = Object.keys(leftFields);
  const rightKeys = Object.keys(rightFields);
  if (leftKeys.length !== rightKeys.length) return false;
  for (let index = 0; index < leftKeys.length; index += 1) {
    const key = leftKeys[index] as string;
    if (key !== rightKeys[index]) return false;
    const item = leftFields[key];
    if (item !== rightFields[key] || (item !== null && typeof item === 'object') || (typeof item === 'number' && !Number.isFinite(item))) return false;
  }
  return true;
}

/** Two lists of the same primitives, in order (holes and extra keys aside, which lemming's lists do not have); anything deeper: false. */
function sameItems(left: readonly unknown[], right: readonly unknown[]): boolean {
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index += 1) {
    const item = left[index];
    if (item !== right[index] || (item !== null && typeof item === 'object') || (typeof item === 'number' && !Number.isFinite(item))) return false;
  }
  return true;
}

/** The org as JSON can keep it. Pure. */
export function storeOrg(org: Org): StoredOrg {
  const { root: _root, agents, ...rest } = org;
  const rows = [...agents.values()] as unknown as Array<Record<string, unknown>>;
  // Every field an agent has, in the order the agents first have them; then each column on its own,
  // down the agents: at 100,000 agents a pass over the fields of each agent in turn took 0.3 s.
  const fields: string[] = [];
  const met = new Set<string>();
  for (const agent of rows) {
    for (const field in agent) {
      if (agent[field] === undefined || met.has(field)) continue;
      met.add(field);
      fields.push(field);
    }
  }
  const columns: Record<string, StoredColumn> = {};
  for (const field of fields) columns[field] = storeColumn(rows, field);
  const names = columns.name;
  for (const [field, column] of Object.entries(columns)) columns[field] = shorter(field, column, names);
  return { ...rest, agents: { count: rows.length, columns } };
}

/**
 * Past this many agents, each with a value of its own (names, titles, resume paths), a column stops
 * looking its values up: the rest is kept in order, a value like the one before still shared. At
 * 100,000 agents the look-ups of three such columns were a third of keeping the org.
 */
const OWN_VALUES_AFTER = 1_024;

/**
 * One field of every agent: its values in the order met, and each agent's (-1: it has none). Each
 * value is kept once, except in a column whose first OWN_VALUES_AFTER agents each had their own:
 * there a value met again is kept again (restored the same, shared with no other agent).
 */
function storeColumn(rows: ReadonlyArray<Record<string, unknown>>, field: string): StoredColumn {
  const audience = field === 'sendTo' || field === 'readFrom';
  const distinct: unknown[] = [];
  const index = new Array<number>(rows.length);
  let known: Map<string, number> | undefined = new Map<string, number>();
  let last: unknown;
  let lastAt = -1;
  for (let row = 0; row < rows.length; row += 1) {
    const raw = (rows[row] as Record<string, unknown>)[field];
    if (raw === undefined) {
      index[row] = -1;
      continue;
    }
    const value = audience ? storeAudience(raw as Audience) : raw;
    // Most agents have what the one before had (its model, tools, schedule): found without a key.
    if (lastAt >= 0 && sameShallow(value, last)) {
      index[row] = lastAt;
      continue;
    }
    let at: number | undefined;
    if (known) {
      const key = valueKey(value);
      at = known.get(key);
      if (at === undefined) {
        at = distinct.length;
        distinct.push(value);
        known.set(key, at);
      }
      if (row + 1 === OWN_VALUES_AFTER && distinct.length === OWN_VALUES_AFTER) known = undefined;
    } else at = distinct.push(value) - 1;
    index[row] = at;
    last = value;
    lastAt = at;
  }
  return { distinct, index };
}

/** `agents/<name>/resume.md`: where an agent's resume is. */
const resumeOf = (name: unknown): string => `agents/${String(name)}/resume.md`;

/** A column as `storeOrg` made it (an index per agent), kept shorter where it can be (see StoredColumn). */
function shorter(field: string, column: StoredColumn, names: StoredColumn | undefined): StoredColumn {
  const index = column.index as number[];
  if (field === 'resumeFile' && names && index.every((at, row) => at >= 0 && column.distinct[at] === resumeOf(names.distinct[(names.index as number[])[row] ?? -1]))) {
    return { distinct: [], index: 'each', fromName: true };
  }
  if (index.length > 0 && column.distinct.length === 1 && index.every((at) => at === 0)) return { distinct: column.distinct, index: 0 };
  if (column.distinct.length === index.length && index.every((at, row) => at === row)) return { distinct: column.distinct, index: 'each' };
  return column;
}

/** Each org's JSON, made once: the settled org (org/state/cache/settled-org.json) and the planned one (planned-org.json) keep the same org object. */
const texts = new WeakMap<Org, string>();

/** `storeOrg(org)` as JSON text, made once per org object. */
export function storedOrgText(org: Org): string {
  let text = texts.get(org);
  if (text === undefined) {
    text = JSON.stringify(storeOrg(org));
    texts.set(org, text);
  }
  return text;
}

/** Agents kept one object each, as columns. */
function byColumn(agents: Array<Record<string, unknown>>): StoredAgents {
  const columns: Record<string, StoredColumn> = {};
  agents.forEach((agent, row) => {
    for (const [field, value] of Object.entries(agent)) {
      columns[field] ??= { distinct: [], index: new Array<number>(agents.length).fill(-1) };
      const column = columns[field];
      (column.index as number[])[row] = column.distinct.push(value) - 1;
    }
  });
  return { count: agents.length, columns };
}

/** Say that `text` is `org`'s JSON (the org was just restored from it), so it is not made again to keep the same org elsewhere. */
export function knownStoredText(org: Org, text: string): void {
  texts.set(org, text);
}

/** What fetch_url may reach in an org kept before `web` existed: nothing. */
const NO_WEB: Org['web'] = { allow: [], max_bytes: 2 * 1024 * 1024, timeout_ms: 20_000 };

/** The org `storeOrg` kept, at `root`. Agents whose value of a field was kept once share it (an audience's Set included): nothing changes an agent in place. */
export function restoreOrg(stored: StoredOrg, root: string): Org {
  const { agents: kept, ...rest } = stored;
  // A planned org an older lemming kept (a turn it left unfinished): its agents one object each.
  const table = Array.isArray(kept) ? byColumn(kept as Array<Record<string, unknown>>) : kept;
  const columns = Object.entries(table.columns).map(([field, column]) => {
    const audience = field === 'sendTo' || field === 'readFrom';
    const distinct = audience ? column.distinct.map((value) => (value === '*' ? '*' : new Set(value as string[]))) : column.distinct;
    return { field, distinct, index: column.index, fromName: column.fromName === true };
  });
  // Every agent starts as a copy of one object holding the values all agents share (a copy of a
  // whole object is one fast step; a field set at a time was most of a 100,000-agent open), then
  // takes its own values. Fields in column order, so every agent has the same shape.
  const template: Record<string, unknown> = {};
  const own: typeof columns = [];
  for (const column of columns) {
    if (typeof column.index === 'number' && !column.fromName) template[column.field] = column.index >= 0 ? column.distinct[column.index] : undefined;
    else {
      template[column.field] = undefined;
      if (!column.fromName) own.push(column);
    }
  }
  const fromName = columns.filter((column) => column.fromName);
  const agents = new Map<string, Agent>();
  for (let row = 0; row < table.count; row += 1) {
    const agent: Record<string, unknown> = { ...template };
    for (const column of own) {
      const at = column.index === 'each' ? row : ((column.index as number[])[row] ?? -1);
      if (at >= 0) agent[column.field] = column.distinct[at];
      // The agent has no such field (rare: an optional one some agents leave out).
      else delete agent[column.field];
    }
    // Made from the name, which another column holds.
    for (const column of fromName) agent[column.field] = resumeOf(agent.name);
    agents.set(agent.name as string, agent as unknown as Agent);
  }
  return {
    ...rest,
    root,
    // Read back from JSON: records keyed by names get no prototype again (see names.ts).
    models: nameRecord(stored.models),
    agents,
    mcpServers: nameRecord(stored.mcpServers),
    needsApproval: stored.needsApproval ?? [],
    commandTools: nameRecord(stored.commandTools),
    web: stored.web ?? NO_WEB,
  };
}
