import { historyBehind } from '../../history/history-behind.js';
import { existsSync } from 'node:fs';
import { HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { type EngineState } from '../record/engine-state.js';
import { loadState } from '../record/state-store.js';
import { balanceOf, caughtUp, type AgentTotals } from '../money/ledger.js';
import { lockHolder } from '../record/lock.js';
import { mailByAgent } from '../turn/plan-turn.js';
import { statePaths } from '../record/state-paths.js';
import { FailingAgents } from '../turn/failing-agents.js';
import { readHumanInbox } from './human-inbox.js';
import { budgetStatus } from '../budget/budget-status.js';
import { breakerHolds } from '../breakers/hold-by-breakers.js';
import { listsOfOnePlan, type ListsNow } from '../../org/lists/recipients.js';
import { refusedWhenRead } from './refused-when-read.js';

export type { AgentStatus, OrgStatus } from './status-types.js';
import type { AgentStatus, OrgStatus } from './status-types.js';

/**
 * The org at a glance, from the engine's state and the ledger. Reads no message files but the person's mail.
 * With `leaveOutQuiet`, an agent with nothing to show (no unread mail, no error, not held, not out of
 * credits, not called in the last turn; never the person) is counted in `quiet` instead of listed:
 * a big org's overview, which at 100,000 agents costs a tenth of a status of every agent.
 */
export function orgStatus(org: Org, options: { leaveOutQuiet?: boolean } = {}): OrgStatus {
  const paths = statePaths(org.root);
  const state: EngineState = loadState(paths.state);
  const { totals } = caughtUp(paths.ledger, state.ledger);
  const mail = mailByAgent(state.pending);
  const failing = FailingAgents.load(org.root);
  let humanUnreadCount: number | undefined;
  const humanUnread = (): number => {
    if (humanUnreadCount === undefined) {
      const inbox = readHumanInbox(org.root, org);
      humanUnreadCount = [...inbox.messages, ...inbox.notices].filter((item) => item.unread).length;
    }
    return humanUnreadCount;
  };
  const outOfCredits = new Set(state.outOfCredits);
  let lists: ListsNow | undefined;
  // Agents share their models' list (the kept org keeps each distinct value once): joined once each.
  const modelNames = new Map<readonly string[], string>();
  const agents: AgentStatus[] = [];
  let quiet = 0;
  for (const agent of org.agents.values()) {
    const waiting = agent.name === HUMAN ? undefined : mail.get(agent.name);
    // Mail its turn will refuse as it reads it is not promised as unread: counted apart.
    const refused = waiting === undefined ? 0 : refusedWhenRead(org.root, org, agent.name, waiting, (lists ??= listsOfOnePlan(org)));
    const unread = agent.name === HUMAN ? humanUnread() : (waiting?.length ?? 0) - refused;
    const activity = state.activity[agent.name];
    const error = state.errors[agent.name];
    const streak = failing.isHeld(org, agent.name) ? failing.streak(agent.name) : undefined;
    if (options.leaveOutQuiet && !agent.isHuman && unread === 0 && refused === 0 && !error && !streak && !outOfCredits.has(agent.name) && activity?.turn !== state.turn) {
      quiet += 1;
      continue;
    }
    let model = modelNames.get(agent.models);
    if (model === undefined) {
      model = agent.models.join(' -> ');
      modelNames.set(agent.models, model);
    }
    const agentTotals: AgentTotals | undefined = totals[agent.name];
    const status: AgentStatus = {
      name: agent.name,
      title: agent.title,
      model,
      isHuman: agent.isHuman,
      budget: agent.credits,
      toppedUp: agentTotals?.toppedUp ?? 0,
      spent: agentTotals?.spent ?? 0,
      balance: balanceOf(agent.credits, agentTotals),
      inputTokens: agentTotals?.inputTokens ?? 0,
      outputTokens: agentTotals?.outputTokens ?? 0,
      ...(agentTotals?.cachedInputTokens ? { cachedInputTokens: agentTotals.cachedInputTokens } : {}),
      ...(agentTotals?.cacheWriteTokens ? { cacheWriteTokens: agentTotals.cacheWriteTokens } : {}),
      unread,
      ...(refused > 0 ? { refusedWhenRead: refused } : {}),
    };
    if (activity) {
      status.lastRan = activity.turn;
      status.lastActivity = activity;
    }
    if (outOfCredits.has(agent.name)) status.outOfCredits = true;
    if (error) status.lastError = error;
    if (streak) status.held = { model: streak.model, failedTurns: streak.turns, cause: streak.cause };
    agents.push(status);
  }
  const holder = lockHolder(org.root);
  const running = holder ? { pid: holder.pid, command: holder.command, started: holder.started } : undefined;
  const unfinishedTurn = existsSync(paths.journal);
  const awaiting = state.awaiting !== undefined && state.awaiting.length > 0 ? { awaiting: state.awaiting } : {};
  const behind = historyBehind(org.root);
  const budget = budgetStatus(org, totals);
  const breakerHeld = breakerHolds(org);
  return {
    org: org.name,
    root: org.root,
    turn: state.turn,
    ...(running ? { running } : {}),
    unfinishedTurn,
    agents,
    ...(options.leaveOutQuiet ? { quiet } : {}),
    ...awaiting,
    ...(budget ? { budget } : {}),
    ...(breakerHeld.length > 0 ? { breakerHeld } : {}),
    ...(behind ? { historyBehind: behind } : {}),
  };
}
