import { describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org-once.js';
import { runBuiltinTool } from '../../src/tools/builtin-tools.js';
import { listProposals } from '../../src/tools/proposals/proposal-store.js';
import { lemming } from '../helpers/cli.js';
import { defaultFaultOrg, humanSends, readText, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';

/** A small deterministic generator (mulberry32): the same seed makes the same sequence of operations. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where an approval may be killed: its effects done but not recorded, or part-way through the ledger's transfer. */
const APPROVAL_CRASHES = ['after-carry-out:1', 'mid-ledger:1', undefined, undefined];
/** Where a turn may be killed (see crash-points.test.ts). */
const TURN_CRASHES = ['after-response:1', 'mid-ledger:1', 'after-ledger:1', 'before-commit:1', undefined, undefined, undefined];
/** Top-ups a person, a script or an adversary might try: only the finite, positive ones under the ceiling land. */
const TOP_UPS = ['0.05', '0.3', '1e308', '-1', 'NaN', '0', '2000000', '0.1234567891234'];

/**
 * Seeded sequences of proposals (hires from hr and the manager, retirements), approvals,
 * rejections, top-ups and turns, with SIGKILLs in approvals and turns, each ending with every
 * invariant, money conservation among them, after a run that finishes what the kills cut short.
 */
describe('money is conserved through any sequence of decisions and kills', () => {
  for (const seed of [7, 21, 42]) {
    test(`seed ${seed}`, () => {
      const next = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
      const root = defaultFaultOrg();
      writeFile(root, 'agents/hr/resume.md', '---\ntitle: People partner\nmodel: offline\ncredits: 0.6\ntools: [send_message, hire_agent]\n---\nHire.\n');
      writeFile(root, 'agents/manager/resume.md', readText(root, 'agents/manager/resume.md').replace(/tools: \[([^\]]*)\]/, 'tools: [$1, hire_agent, retire_agent]'));
      humanSends(root, 'manager', 'Plan the release and keep everyone busy.');
      let sequence = 0;
      for (let step = 0; step < 24; step += 1) {
        const action = pick(['hire', 'hire', 'retire', 'approve', 'approve', 'reject', 'top-up', 'turn']);
        const { org } = loadOrg(root);
        const agents = [...org.agents.values()].filter((agent) => !agent.isHuman);
        if (action === 'hire' || action === 'retire') {
          const proposer = org.agents.get(action === 'hire' ? pick(['hr', 'manager']) : 'manager');
          if (!proposer) continue;
          sequence += 1;
          const context = { root, org, agent: proposer, turn: 90, sequence, at: '2026-11-22T10:00:00.000Z', balance: 0.6, delivered: () => false };
          if (action === 'hire') {
            runBuiltinTool('hire_agent', { name: `hire_${sequence}`, title: 'Helper', instructions: 'Help.', reports_to: proposer.name, credits: pick([0.05, 0.2, 0.4]) }, context);
          } else {
            const target = pick(agents.filter((agent) => agent.name !== 'manager'));
            if (target) runBuiltinTool('retire_agent', { name: target.name, reason: 'reorganised' }, context);
          }
        } else if (action === 'approve' || action === 'reject') {
          const waiting = listProposals(root).proposals.filter((proposal) => proposal.status === 'pending' || proposal.status === 'approved');
          const proposal = waiting.length > 0 ? pick(waiting) : undefined;
          if (!proposal) continue;
          const crash = action === 'approve' ? pick(APPROVAL_CRASHES) : undefined;
          lemming(root, [action, proposal.id], crash ? { LEMMING_CRASH_AT: crash } : {});
        } else if (action === 'top-up') {
          const agent = pick(agents);
          if (agent) lemming(root, ['top-up', agent.name, pick(TOP_UPS)]);
        } else {
          const crash = pick(TURN_CRASHES);
          lemming(root, ['run-once'], crash ? { LEMMING_CRASH_AT: crash } : {});
        }
      }
      // Whatever a kill cut short is finished: approvals by approving again, turns by the next run.
      for (const proposal of listProposals(root).proposals.filter((item) => item.status === 'approved')) lemming(root, ['approve', proposal.id]);
      const finished = lemming(root, ['run', '--turns', '3']);
      expect(finished.stderr).toBe('');
      expect(lemming(root, ['validate']).status).toBe(0);
      expect(checkInvariants(root, { idle: false })).toEqual([]);
    });
  }
});
