import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import type { CallReason, EngineEvent } from '../engine/events.js';
import { removeTemporaryFolder, sweepTemporaryFolders, temporaryFolder } from '../storage/temporary-files.js';
import { dirname, join } from 'node:path';
import { copyOrgFiles } from '../archive/org-files.js';
import { OrgLoader } from '../org/load-org.js';
import { loadOrgFromFiles } from '../org/load-org-once.js';
import { INTERVENTIONS_FILE } from '../org/names.js';
import { listProposals } from '../tools/proposals/proposal-store.js';
import { readSettledOrg } from '../org/kept-org-with-edits.js';
import { parseResume } from '../org/parse-files.js';
import { DEFAULT_WORKSPACE_LIMITS, workspaceLimitsOf } from '../org/workspace-limits.js';
import type { WorkspaceLimits } from '../sandbox/workspace-bounds.js';
import { requireOrgRoot } from '../org/must-exist.js';
import type { ProviderFactory } from '../providers/create-provider.js';
import { estimateInputTokens } from '../providers/request-tokens.js';
import { OfflineProvider } from '../providers/offline/offline-provider.js';
import type { Provider } from '../providers/provider.js';
import { Engine } from '../engine/engine.js';
import { statePaths } from '../engine/record/state-paths.js';

/** One agent's call in a planned turn: who, on which model, the prompt's size and what it would be charged. */
export interface PlannedCallEstimate {
  agent: string;
  /** The registry key of the agent's first model, and its provider. */
  model: string;
  provider: string;
  reason: CallReason;
  /** Messages its prompt shows. */
  inbox: number;
  /** The first prompt as the engine builds it, in lemming's estimated tokens. */
  promptTokens: number;
  /** What the call's steps would be charged for, on the offline model's behaviour. */
  inputTokens: number;
  outputTokens: number;
  /** At the agent's own model's prices, by the engine's one charging rule. */
  credits: number;
}

/** One turn of the plan. */
export interface PlannedTurn {
  turn: number;
  calls: PlannedCallEstimate[];
  /** Agents passed over (out of credits, held), with why. */
  skipped: Array<{ agent: string; reason: string }>;
  credits: number;
}

/** What `lemming run --dry-run` found. */
export interface DryRunPlan {
  /** The last finished turn of the real org: the plan starts with the next. */
  fromTurn: number;
  turns: PlannedTurn[];
  /** Why the estimate stopped: the org would be idle, or the turns asked for ran out. */
  ended: Extract<EngineEvent, { type: 'run-finished' }>['reason'];
  totals: { calls: number; inputTokens: number; outputTokens: number; credits: number };
  /** Agents whose models are not the offline one: their costs assume answers as long as the offline model's. */
  estimatedModels: string[];
}

/**
 * Copy the org at `root` into `copy` through the one walk of an org (archive/org-files.ts): its
 * folders without secrets (offline needs none), the lock or the history (the scratch engine keeps
 * none: its turns are thrown away), and what agents wrote within their workspaces' bounds, no link,
 * pipe or device, holes kept. The bounds are the org's, read without writing to it: from the org as
 * its last load settled it, else lemming's defaults; an org whose files changed since is loaded
 * (from its own files, its caches kept in the copy), and copied again if its own bounds are not the
 * defaults. The journal of a turn a crash left unfinished is lemming's own, and carried, so the plan
 * starts where a run would.
 *
 * The resumes are not copied: a turn never writes one (only carrying out an approval or an
 * intervention does, and an org with proposals or interventions is copied whole), so the engine
 * reads them, with org.yaml and the chart, from the org itself (`orgFilesFrom`). At 2,000 agents of a
 * populated org they were nearly every file copied, and the folders made and removed for them most
 * of the dry run's time. Returns where the engine reads the org's files from.
 */
function copyForPlanning(root: string, copy: string): { orgFilesFrom?: string } {
  const whole = existsSync(join(root, INTERVENTIONS_FILE)) || hasProposals(root);
  const keep = whole ? undefined : (path: string): boolean => !isResume(path);
  const settled = readSettledOrg(root, () => parseResume);
  copyOrgFiles(root, copy, workspaceLimitsOf(settled?.org), undefined, keep);
  if (!settled) {
    const { org } = whole ? loadOrgFromFiles(copy) : new OrgLoader(copy, { filesFrom: root }).loadOrThrow();
    const limits = workspaceLimitsOf(org);
    if ([undefined, ...org.agents.keys()].some((agent) => !sameLimits(limits(agent), DEFAULT_WORKSPACE_LIMITS))) {
      rmSync(copy, { recursive: true, force: true });
      copyOrgFiles(root, copy, limits, undefined, keep);
    }
  }
  const journal = statePaths(root).journal;
  if (existsSync(journal)) {
    mkdirSync(dirname(statePaths(copy).journal), { recursive: true });
    copyFileSync(journal, statePaths(copy).journal);
  }
  if (whole) return {};
  // The parsed files are kept under the stamps of the org's own files, which the scratch engine reads: at 10,000 agents, no resume parsed again.
  const parsed = join(statePaths(root).cache, PARSE_CACHE);
  if (existsSync(parsed)) {
    mkdirSync(statePaths(copy).cache, { recursive: true });
    copyFileSync(parsed, join(statePaths(copy).cache, PARSE_CACHE));
  }
  return { orgFilesFrom: root };
}

/** The loader's cache of parsed org files, in the state's cache folder (org/load-org.ts). */
const PARSE_CACHE = 'parse-cache.json';

/** Whether the org holds a proposal, readable or not (the store's own listing): carrying one out writes resumes. */
function hasProposals(root: string): boolean {
  const { proposals, problems } = listProposals(root);
  return proposals.length + problems.length > 0;
}

/** `agents/<name>/resume.md`, as the walk names files (relative to the root, with `/`). */
const isResume = (path: string): boolean => /^agents\/[^/]+\/resume\.md$/.test(path);

const sameLimits = (left: WorkspaceLimits, right: WorkspaceLimits): boolean => left.disk_mb === right.disk_mb && left.max_files === right.max_files;

/** The purpose a dry run's scratch folders are named by (storage/temporary-files.ts): one a killed dry run left is swept by the next. */
const DRY_RUN = 'dry-run';

/**
 * Plan `turns` turns of the org at `root` without touching it or calling a model: the org is
 * copied to a scratch folder (its resumes apart, read where they are), and the real engine runs there with every model answered by the
 * offline model's behaviour. So who is called, each prompt and each charge come from the engine's
 * own planning, prompt building and charging rule; only the answers are the offline model's
 * (exact for agents on it, an estimate for the rest). The scratch folder is removed afterwards.
 */
export async function dryRun(root: string, turns: number): Promise<DryRunPlan> {
  requireOrgRoot(root);
  sweepTemporaryFolders(DRY_RUN);
  const scratch = temporaryFolder(DRY_RUN);
  const copy = join(scratch, 'org-root');
  try {
    const reading = copyForPlanning(root, copy);
    const firstPrompts = new Map<string, number>();
    const offline = new OfflineProvider();
    const provider: Provider = {
      generate: async (request) => {
        const key = `${request.turn}/${request.agent}`;
        if (!firstPrompts.has(key)) firstPrompts.set(key, estimateInputTokens(request));
        return offline.generate(request);
      },
    };
    const factory: ProviderFactory = () => provider;
    const engine = Engine.open({ root: copy, providerFactory: factory, command: 'run --dry-run', history: false, ...reading });
    const plan: DryRunPlan = { fromTurn: engine.lastTurn, turns: [], ended: 'idle', totals: { calls: 0, inputTokens: 0, outputTokens: 0, credits: 0 }, estimatedModels: [] };
    const providerOf = (model: string): string => engine.currentOrg.models[model]?.provider ?? 'unknown';
    try {
      let current: PlannedTurn | undefined;
      for await (const event of engine.run({ maxTurns: turns })) {
        if (event.type === 'turn-started') {
          current = { turn: event.turn, calls: [], skipped: [], credits: 0 };
          plan.turns.push(current);
        } else if (event.type === 'agent-called' && current) {
          current.calls.push({ agent: event.agent, model: event.model, provider: providerOf(event.model), reason: event.reason, inbox: event.inbox, promptTokens: 0, inputTokens: 0, outputTokens: 0, credits: 0 });
        } else if (event.type === 'agent-skipped' && current) {
          current.skipped.push({ agent: event.agent, reason: event.reason });
        } else if (event.type === 'credits-charged' && current) {
          const call = current.calls.find((entry) => entry.agent === event.agent);
          if (call) {
            call.inputTokens += event.inputTokens;
            call.outputTokens += event.outputTokens;
            call.credits = round(call.credits + event.credits);
          }
          current.credits = round(current.credits + event.credits);
        } else if (event.type === 'run-finished') {
          plan.ended = event.reason;
        }
      }
    } finally {
      await engine.close();
    }
    for (const turn of plan.turns) {
      for (const call of turn.calls) {
        call.promptTokens = firstPrompts.get(`${turn.turn}/${call.agent}`) ?? 0;
        plan.totals.calls += 1;
        plan.totals.inputTokens += call.inputTokens;
        plan.totals.outputTokens += call.outputTokens;
        plan.totals.credits = round(plan.totals.credits + call.credits);
        if (call.provider !== 'offline' && !plan.estimatedModels.includes(call.model)) plan.estimatedModels.push(call.model);
      }
    }
    return plan;
  } finally {
    removeTemporaryFolder(scratch);
  }
}

/** Sums of charges kept to a billionth of a credit, as the ledger keeps each. */
function round(credits: number): number {
  return Math.round(credits * 1e9) / 1e9;
}
