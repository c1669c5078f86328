import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLog, type LogEntry } from '../../engine/record/agent-log.js';
import { readMemory } from '../../engine/record/agent-memory.js';
import { listTraceTurns } from '../../engine/record/call-trace.js';
import { orgStatus, type AgentStatus } from '../../engine/human/org-status.js';
import { requireAgent } from '../../org/must-exist.js';
import type { Audience, Org } from '../../org/org.js';
import { checkEdge, reachableFrom } from '../../org/permissions.js';
import type { LedgerTail } from './ledger-tail.js';

/** Everything the agent page shows. */
export interface AgentView {
  name: string;
  title: string;
  models: string[];
  isHuman: boolean;
  reportsTo: string | null;
  schedule: { every: number; offset: number };
  tools: string[];
  /** The resume file as a person wrote it, front matter and all. */
  resume: { file: string; text: string };
  /** As the chart says: `*` or the names listed. */
  sendTo: string[] | '*';
  readFrom: string[] | '*';
  /** Whom its mail really reaches, and who can really reach it (both ends agree). */
  reaches: string[];
  hears: string[];
  status?: AgentStatus;
  /** Balance after each turn it was charged in, oldest first. */
  credits: Array<{ turn: number; spent: number; balance: number }>;
  notes: Record<string, string>;
  /** The last entries of its activity log, oldest first. */
  log: LogEntry[];
  /** Turns that have a call trace, oldest first. */
  traces: number[];
}

function audience(value: Audience): string[] | '*' {
  return value === '*' ? '*' : [...value].sort();
}

/** The agent page's data; throws LemmingError for an unknown agent. */
export function agentView(org: Org, name: string, ledger: LedgerTail, logEntries = 200): AgentView {
  const agent = requireAgent(org, name);
  const status = orgStatus(org).agents.find((entry) => entry.name === name);
  let balance = agent.credits;
  const credits: AgentView['credits'] = [];
  const toppedUp = ledger.all().filter((entry) => entry.type === 'top-up' && entry.agent === name);
  // Top-ups carry no turn: they are counted in from the start, as the balance a person sees counts them.
  balance += toppedUp.reduce((sum, entry) => sum + entry.credits, 0);
  for (const spend of ledger.spendByTurn(name)) {
    balance -= spend.credits;
    credits.push({ turn: spend.turn, spent: spend.credits, balance: Math.round(balance * 1e9) / 1e9 });
  }
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
    reaches: reachableFrom(org, name),
    hears: [...org.agents.keys()].filter((other) => checkEdge(org, other, name).allowed),
    ...(status ? { status } : {}),
    credits,
    notes: Object.fromEntries(readMemory(org.root, name)),
    log: readLog(org.root, name, logEntries),
    traces: listTraceTurns(org.root, name),
  };
}
