import { existsSync } from 'node:fs';
import { HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { loadState, type EngineState } from '../record/engine-state.js';
import { balanceOf, caughtUp, type AgentTotals } from '../money/ledger.js';
import { lockHolder } from '../record/lock.js';
import { mailByAgent } from '../turn/plan-turn.js';
import { statePaths } from '../record/state-paths.js';
import { FailingAgents } from '../turn/failing-agents.js';
import { readHumanInbox } from './human-inbox.js';

export type { AgentStatus, OrgStatus } from './status-types.js';
import type { AgentStatus, OrgStatus } from './status-types.js';

/** The org at a glance, from the engine's state and the ledger. Reads no message files but the person's mail. */
export function orgStatus(org: Org): OrgStatus {
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
  const agents = [...org.agents.values()].map((agent): AgentStatus => {
    const agentTotals: AgentTotals | undefined = totals[agent.name];
    const status: AgentStatus = {
      name: agent.name,
      title: agent.title,
      model: agent.models.join(' -> '),
      isHuman: agent.isHuman,
      budget: agent.credits,
      toppedUp: agentTotals?.toppedUp ?? 0,
      spent: agentTotals?.spent ?? 0,
      balance: balanceOf(agent.credits, agentTotals),
      inputTokens: agentTotals?.inputTokens ?? 0,
      outputTokens: agentTotals?.outputTokens ?? 0,
      ...(agentTotals?.cachedInputTokens ? { cachedInputTokens: agentTotals.cachedInputTokens } : {}),
      ...(agentTotals?.cacheWriteTokens ? { cacheWriteTokens: agentTotals.cacheWriteTokens } : {}),
      unread: agent.name === HUMAN ? humanUnread() : (mail.get(agent.name)?.length ?? 0),
    };
    const activity = state.activity[agent.name];
    if (activity) {
      status.lastRan = activity.turn;
      status.lastActivity = activity;
    }
    if (state.outOfCredits.includes(agent.name)) status.outOfCredits = true;
    const error = state.errors[agent.name];
    if (error) status.lastError = error;
    const streak = failing.isHeld(org, agent.name) ? failing.streak(agent.name) : undefined;
    if (streak) status.held = { model: streak.model, failedTurns: streak.turns, cause: streak.cause };
    return status;
  });
  const holder = lockHolder(org.root);
  const running = holder ? { pid: holder.pid, command: holder.command, started: holder.started } : undefined;
  const unfinishedTurn = existsSync(paths.journal);
  const awaiting = state.awaiting !== undefined && state.awaiting.length > 0 ? { awaiting: state.awaiting } : {};
  return { org: org.name, root: org.root, turn: state.turn, ...(running ? { running } : {}), unfinishedTurn, agents, ...awaiting };
}
