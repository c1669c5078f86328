import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { copyOrgFiles } from '../archive/org-files.js';
import { Engine } from '../engine/engine.js';
import { sumCredits } from '../engine/money/credit-sum.js';
import { ledgerEnd, readLedgerFrom } from '../engine/money/ledger.js';
import { statePaths } from '../engine/record/state-paths.js';
import { editResumeFile, editYamlFile, isFields, type Fields } from '../editable/edit-org-file.js';
import { carryOutInterventions } from '../engine/interventions/carry-out-interventions.js';
import { forkOrg } from '../history/fork-org.js';
import { loadOrg } from '../org/load-org-once.js';
import { INTERVENTIONS_FILE, nameRecord } from '../org/names.js';
import { takesSeed } from '../org/model-entry-schema.js';
import { workspaceLimitsOf } from '../org/workspace-limits.js';
import type { ProviderFactory } from '../providers/create-provider.js';
import type { CandidateStep } from './candidate-steps.js';

/** The registry key a fork's changed call runs on: the step's model (or the repair model) with the fork's seed. */
export function blameModelKey(model: string): string {
  return `${model}-blame`;
}

/**
 * One fork to make: the step, the seed its call runs with, and the model (a registry key; the agent's own
 * unless a repair model is named). A control is made the same way, on the agent's own model and the
 * original's seed (none if it had none), so that it differs from a changed fork only by the change.
 */
export interface ForkChange {
  step: CandidateStep;
  /** The seed the call runs with; absent for a control of a call that ran with none. */
  seed?: number;
  model: string;
  /** The model's provider takes a seed: the call runs on a copy of its entry with `seed`; else on the entry as it is. */
  seeded: boolean;
}

/** What a fork's own turns did. */
export interface ForkSpend {
  /**
   * The registry key the fork's ledger charged its step's call to: the model that call ran on
   * (`<model>-blame`, a copy with the fork's seed). Absent for a probe's fork, and where the call was not made.
   */
  called?: string;
  calls: number;
  credits: number;
  /** Calls charged for turns before the step's (the fork copies those: 0 unless something is wrong). */
  sharedCalls: number;
  lastTurn: number;
}

/** How blame runs a fork's engine: the models (built for the original's keys), and the last turn it may run. */
export interface ForkRunning {
  providerFactory: ProviderFactory;
  /**
   * The last turn the fork may run: the bound of the run it forks (experiment/run-bounds.ts), so it ends
   * as that run would have, idle or at that turn, never at the org's `engine.max_turns` after its step.
   */
  lastTurn: number;
}

/**
 * The original as it was before `turn`, as a fork (`lemming fork --at turn−1`) that keeps no history of
 * its own (org.yaml `history.keep: false`, said in the file): a fork's turns cost a fifth of what they
 * cost with one (a git commit each), and blame makes many forks that nobody forks again.
 */
export async function forkBefore(original: string, turn: number, folder: string): Promise<void> {
  await forkOrg(original, turn - 1, folder, () => new Date(), { history: false });
  editYamlFile(folder, 'org/org.yaml', (value) => ({ ...value, history: { ...(isFields(value.history) ? value.history : {}), keep: false } }));
}

/**
 * What a fork's ledger charged from `turn`, its step's, on: its own calls (the lines before are the
 * original's, copied with the fork). Read by the one ledger reader, whatever a saved result says.
 */
export function forkCharges(root: string, turn: number): { calls: number; credits: number } {
  const ledger = statePaths(root).ledger;
  const own = readLedgerFrom(ledger, 0).entries.filter((entry) => entry.type === 'charge' && entry.turn >= turn);
  return { calls: own.length, credits: sumCredits(own.map((charge) => charge.credits)) };
}

async function runTo(engine: Engine, run: { untilTurn: number }): Promise<number> {
  let lastTurn = 0;
  for await (const event of engine.run(run)) if (event.type === 'run-finished') lastTurn = event.lastTurn;
  return lastTurn;
}

/**
 * The fork of one step, made and run: the original as it was before the step's turn (a `fork --at
 * turn−1`, or a copy of one made for an earlier step of the same turn), the interventions that join the
 * step's turn carried out, the step's agent set to the changed model (a control's: its own model with its own seed) for that one turn (a registry entry `<model>-blame` with the fork's seed, written into
 * org.yaml where a person sees it), the turn run, the agent's own model put back, and the fork run on
 * until idle or its last turn (the run's bound), whichever comes first, as the run it forks would have. Every edit is one a person could make by hand between turns, so the fork is an ordinary
 * org: `lemming status`, `diff` and `run` work on it.
 */
export async function runBlameFork(original: string, folder: string, change: ForkChange, running: ForkRunning, template?: string): Promise<ForkSpend> {
  const { step } = change;
  // A copy of the turn's pristine fork goes through the one walk of an org, as every copy of what agents wrote does.
  if (template && existsSync(template)) copyOrgFiles(template, folder, workspaceLimitsOf(loadOrg(template).org));
  else await forkBefore(original, step.turn, folder);
  const ledger = statePaths(folder).ledger;
  const copied = ledgerEnd(ledger);
  // What joins the step's turn is carried out first, as the engine would before it (journaled, so the engine does not
  // carry it out again): an intervention that sets the agent's model would otherwise undo the change (lemming issue 74), and the
  // model put back after the turn is the one the run's agent had from then on.
  carryOutInterventions(loadOrg(folder).org, step.turn, new Date());
  const resume = `agents/${step.agent}/resume.md`;
  let ownModel: unknown;
  let key = change.model;
  if (change.seeded) {
    key = blameModelKey(change.model);
    editYamlFile(folder, 'org/org.yaml', (value) => {
      const models: Fields = nameRecord(isFields(value.models) ? value.models : {});
      const entry = models[change.model];
      models[key] = { ...(isFields(entry) ? entry : {}), ...(change.seed === undefined ? {} : { seed: change.seed }) };
      return { ...value, models };
    });
  }
  editResumeFile(folder, resume, (front, body) => {
    ownModel = front.model;
    return { front: { ...front, model: key }, body };
  });
  // One engine for both runs: the resume put back between them is a hand edit its next turn reads, as a person's would be.
  const engine = Engine.open({ root: folder, providerFactory: running.providerFactory, command: 'lemming blame' });
  let lastTurn: number;
  try {
    await runTo(engine, { untilTurn: step.turn });
    editResumeFile(folder, resume, (front, body) => ({ front: { ...front, model: ownModel }, body }));
    lastTurn = await runTo(engine, { untilTurn: running.lastTurn });
  } finally {
    await engine.close();
  }
  const own = readLedgerFrom(ledger, copied).entries.filter((entry) => entry.type === 'charge');
  const called = own.find((charge) => charge.turn === step.turn && charge.agent === step.agent)?.model;
  return {
    ...(called === undefined ? {} : { called }),
    calls: own.filter((charge) => charge.turn >= step.turn).length,
    credits: sumCredits(own.filter((charge) => charge.turn >= step.turn).map((charge) => charge.credits)),
    sharedCalls: own.filter((charge) => charge.turn < step.turn).length,
    lastTurn: Math.max(lastTurn, step.turn),
  };
}

/**
 * A bisection probe's fork: the original as it was before `turn`, every agent whose model takes a seed
 * set to a copy of its model with `seed` (`<model>-blame` in org.yaml, as a step's fork has; fallbacks
 * kept after it) for every turn from `turn` on, and every intervention from then on that moves an agent
 * to such a model moving it to the copy, so every call from there is changed; agents on a model that
 * takes no seed draw afresh anyway. Run until idle or its last turn, as a step's fork is.
 */
export async function runFromTurnFork(original: string, folder: string, turn: number, seed: number, running: ForkRunning, template?: string): Promise<ForkSpend> {
  if (template && existsSync(template)) copyOrgFiles(template, folder, workspaceLimitsOf(loadOrg(template).org));
  else await forkBefore(original, turn, folder);
  const ledger = statePaths(folder).ledger;
  const copied = ledgerEnd(ledger);
  const org = loadOrg(folder).org;
  const takes = (model: unknown): model is string => typeof model === 'string' && org.models[model] !== undefined && takesSeed(org.models[model]!.provider);
  const seeded = new Set([...org.agents.values()].filter((agent) => !agent.isHuman).flatMap((agent) => agent.models.slice(0, 1)).filter(takes));
  // An intervention from `turn` on that moves an agent to a model that takes a seed moves it to that model's copy with the
  // probe's seed instead: else the calls after it would run on the run's own seed, unchanged (lemming issue 74).
  if (existsSync(join(folder, INTERVENTIONS_FILE))) {
    editYamlFile(folder, INTERVENTIONS_FILE, (value) => {
      if (!Array.isArray(value.interventions)) return value;
      const interventions = value.interventions.map((each: unknown) => {
        if (!isFields(each) || typeof each.turn !== 'number' || each.turn < turn || !isFields(each.resume) || !isFields(each.resume.set)) return each;
        const { model } = each.resume.set;
        const first = Array.isArray(model) ? model[0] : model;
        if (!takes(first)) return each;
        seeded.add(first);
        return { ...each, resume: { ...each.resume, set: { ...each.resume.set, model: Array.isArray(model) ? [blameModelKey(first), ...model.slice(1)] : blameModelKey(first) } } };
      });
      return { ...value, interventions };
    });
  }
  editYamlFile(folder, 'org/org.yaml', (value) => {
    const models: Fields = nameRecord(isFields(value.models) ? value.models : {});
    for (const model of seeded) {
      const entry = models[model];
      models[blameModelKey(model)] = { ...(isFields(entry) ? entry : {}), seed };
    }
    return { ...value, models };
  });
  for (const agent of org.agents.values()) {
    const own = agent.models[0];
    if (agent.isHuman || own === undefined || !seeded.has(own)) continue;
    editResumeFile(folder, `agents/${agent.name}/resume.md`, (front, body) => ({ front: { ...front, model: Array.isArray(front.model) ? [blameModelKey(own), ...front.model.slice(1)] : blameModelKey(own) }, body }));
  }
  const engine = Engine.open({ root: folder, providerFactory: running.providerFactory, command: 'lemming blame' });
  let lastTurn: number;
  try {
    lastTurn = await runTo(engine, { untilTurn: running.lastTurn });
  } finally {
    await engine.close();
  }
  const own = readLedgerFrom(ledger, copied).entries.filter((entry) => entry.type === 'charge');
  return {
    calls: own.filter((charge) => charge.turn >= turn).length,
    credits: sumCredits(own.filter((charge) => charge.turn >= turn).map((charge) => charge.credits)),
    sharedCalls: own.filter((charge) => charge.turn < turn).length,
    lastTurn: Math.max(lastTurn, turn),
  };
}
