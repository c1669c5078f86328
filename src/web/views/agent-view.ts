import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLog } from '../../engine/record/agent-log.js';
import { readMemory } from '../../engine/record/agent-memory.js';
import { listTraceTurns } from '../../engine/record/call-trace.js';
import { orgStatus } from '../../engine/human/org-status.js';
import { requireAgent } from '../../org/must-exist.js';
import type { Audience, Org } from '../../org/org.js';
import { writableFrom } from '../../org/lists/recipients.js';
import { checkEdge } from '../../org/permissions.js';
import type { AgentView } from '../api-types.js';
import { agentCredits } from './agent-credits.js';
import type { LedgerTail } from './ledger-tail.js';

export type { AgentView };

function audience(value: Audience): string[] | '*' {
  return value === '*' ? '*' : [...value].sort();
}

/** The agent page's data; throws LemmingError for an unknown agent. */
export function agentView(org: Org, name: string, ledger: LedgerTail, logEntries = 200): AgentView {
  const agent = requireAgent(org, name);
  const status = orgStatus(org).agents.find((entry) => entry.name === name);
  let resumeText = '';
  try {
    resumeText = readFileSync(join(org.root, agent.resumeFile), 'utf8');
  } catch {
    resumeText = '';
  }
  return {
    name,
    title: agent.title,
    models: agent.models,
    isHuman: agent.isHuman,
    reportsTo: agent.reportsTo,
    schedule: agent.schedule,
    tools: agent.tools,
    resume: { file: agent.resumeFile, text: resumeText },
    sendTo: audience(agent.sendTo),
    readFrom: audience(agent.readFrom),
    reaches: writableFrom(org, name),
    hears: [...org.agents.keys()].filter((other) => checkEdge(org, other, name).allowed),
    ...(status ? { status } : {}),
    credits: agentCredits(org, name, ledger).turns,
    notes: Object.fromEntries(readMemory(org.root, name)),
    log: readLog(org.root, name, logEntries),
    traces: listTraceTurns(org.root, name),
  };
}
