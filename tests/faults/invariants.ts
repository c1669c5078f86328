import { basename } from 'node:path';
import { FailingAgents } from '../../src/engine/turn/failing-agents.js';
import { isTemporaryName } from '../../src/storage/temporary-files.js';
import { OrgLoader } from '../../src/org/load-org.js';
import { HUMAN } from '../../src/org/names.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { deliveryViolations, promptViolations } from './delivery-invariants.js';
import { balances, ledgerViolations } from './ledger-invariants.js';
import { moneyViolations } from './money-invariants.js';
import { readOrgRecord, type OrgRecord } from './org-record.js';
import { environmentSecrets, orgSecrets, secretViolations } from './secret-invariants.js';
import { stepViolations } from './step-invariants.js';

/** What a scenario tells the checker about itself. */
export interface InvariantOptions {
  /** Files the scenario broke on purpose (relative to the root): they need not parse and are never delivered. */
  broken?: string[];
  /** Files the scenario dropped into an outbox by hand: their `from:` and `usage:` may lie. */
  handDropped?: string[];
  /** Keys the run was given; the environment's key-like values are always searched for too. */
  secrets?: string[];
  /**
   * The environment the run was given (default: this process's): the values of the variables the
   * org names (model keys, MCP `env:` and `headers:`) are taken from it, else from the root's `.env`,
   * and searched for with every value of that `.env`.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Files outside the root to search for secrets (a cassette; the tool tape beside it is searched too). */
  alsoSearch?: string[];
  /** Every request a scripted model received: what each agent was shown is checked against the files. */
  requests?: readonly ProviderRequest[];
  /** The run reached idle and ended: no journal, no lock, no mail waiting for an agent that can pay. Default true. */
  idle?: boolean;
}

/** The org's own files, whole: no temporary files, every log and ledger line whole, every message file readable. */
function fileViolations(record: OrgRecord, broken: ReadonlySet<string>, handDropped: ReadonlySet<string>, idle: boolean): string[] {
  const violations = [...record.problems];
  for (const file of record.files) {
    // lemming's own temporaries anywhere; any other `.tmp` outside the workspaces, where models name files as they like.
    const temporary = isTemporaryName(basename(file)) || (file.endsWith('.tmp') && !/^(workspace|agents\/[^/]+\/workspace)\//.test(file));
    if (temporary) violations.push(`${file}: a temporary file was left behind`);
  }
  if (idle && record.files.includes('org/state/journal.jsonl')) violations.push('org/state/journal.jsonl: a turn is unfinished');
  if (idle && record.files.includes('org/state/lock')) violations.push('org/state/lock: the lock was not released');
  const ids = new Map<string, string>();
  for (const message of record.messages) {
    if (broken.has(message.file)) continue;
    if ('error' in message.read) {
      violations.push(`${message.file}: ${message.read.error}`);
      continue;
    }
    if (!handDropped.has(message.file) && message.claimedFrom !== message.sender) {
      violations.push(`${message.file}: says it is from ${String(message.claimedFrom)} but sits in ${message.sender}'s outbox`);
    }
    const id = message.read.message.id;
    const other = ids.get(id);
    if (other) violations.push(`${message.file}: has the id ${id}, as ${other} does`);
    ids.set(id, message.file);
  }
  return violations;
}

/**
 * Every promise lemming makes about an org's files, checked after a scenario:
 * returns one line per broken promise, so a scenario asserts `toEqual([])`.
 */
export function checkInvariants(root: string, options: InvariantOptions = {}): string[] {
  const record = readOrgRecord(root);
  const broken = new Set(options.broken ?? []);
  const handDropped = new Set(options.handDropped ?? []);
  const idle = options.idle ?? true;
  const violations = fileViolations(record, broken, handDropped, idle);
  const loaded = new OrgLoader(root).load();
  if (!loaded.org) return [...violations, `the org does not load: ${loaded.problems.map((problem) => problem.message).join('; ')}`];
  const org = loaded.org;
  violations.push(...deliveryViolations(record, org, broken));
  violations.push(...ledgerViolations(record, org, handDropped));
  violations.push(...moneyViolations(record, org));
  violations.push(...stepViolations(record));
  if (options.requests) violations.push(...promptViolations(record, options.requests));
  if (idle) {
    const balance = balances(record, org);
    const failing = FailingAgents.load(root);
    for (const item of record.state.pending) {
      const agent = org.agents.get(item.to);
      const short = record.state.outOfCredits.includes(item.to); // found short of its next call's estimate
      const held = failing.isHeld(org, item.to); // its model kept failing: its mail waits for a person
      if (agent && !agent.isHuman && item.to !== HUMAN && (balance.get(item.to) ?? 0) > 0 && !short && !held) {
        violations.push(`${item.id}: still waits for ${item.to}, who has credits, though the run is idle`);
      }
    }
  }
  const secrets = [...new Set([...(options.secrets ?? []), ...environmentSecrets(), ...orgSecrets(root, org, options.env)])];
  violations.push(...secretViolations(root, record.files, secrets, options.alsoSearch ?? []));
  return violations;
}
