import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { editedResume, editedYaml, isFields, type Fields } from '../../editable/edit-org-file.js';
import { formatProblem, LemmingError } from '../../errors.js';
import { listMessageFiles, readMessageFile } from '../../mailbox/message-file.js';
import { candidateProblems } from '../../org/check-candidate.js';
import { CHART_FILE, HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { createProposal, PROPOSALS_DIRECTORY, readProposal } from '../../tools/proposals/proposal-store.js';
import { readBreakerState, writeBreakerState } from '../breakers/breaker-state.js';
import { sendFromSeat } from '../human/send-as-human.js';
import { readLedgerFrom } from '../money/ledger.js';
import { topUp } from '../money/top-up.js';
import { statePaths } from '../record/state-paths.js';
import type { Edge, Intervention } from './intervention.js';

/**
 * Why an intervention cannot be carried out on this org, naming a valid value, or nothing. The
 * experiment checks a variant's interventions with it against the run's org before any run starts;
 * the engine again before carrying one out (the org may have changed meanwhile).
 */
export function interventionProblem(org: Org, intervention: Intervention): string | undefined {
  const names = [...org.agents.keys()];
  const agents = names.filter((name) => !org.agents.get(name)?.isHuman);
  const unknown = (field: string, name: string, among: string[]): string | undefined =>
    among.includes(name) ? undefined : `${field}: ${JSON.stringify(name)} is not ${among === agents ? 'an agent' : 'a member'} of the org; use one of ${among.join(', ')}`;
  if ('send' in intervention) return unknown('send.from', intervention.send.from, names) ?? unknown('send.to', intervention.send.to, names);
  if ('resume' in intervention) return unknown('resume.agent', intervention.resume.agent, agents);
  if ('credits' in intervention) return unknown('credits.agent', intervention.credits.agent, agents);
  if ('chart' in intervention) {
    const edge = (intervention.chart.add ?? intervention.chart.remove) as Edge;
    const which = intervention.chart.add ? 'add' : 'remove';
    return unknown(`chart.${which}.from`, edge.from, names) ?? unknown(`chart.${which}.to`, edge.to, names) ?? (edge.from === edge.to ? `chart.${which}: an edge joins two members; "from" and "to" are both ${edge.from}` : undefined);
  }
  if ('hold' in intervention) return unknown('hold', intervention.hold, agents);
  const problem = unknown('retire', intervention.retire, agents);
  if (problem) return problem;
  const manager = org.agents.get(intervention.retire)?.reportsTo;
  if (!manager || !org.agents.has(manager) || manager === HUMAN) return `retire: ${intervention.retire} has no manager among the agents to take back its credits (reports_to: ${manager ?? 'null'}); retire an agent that reports to another agent`;
  return undefined;
}

/** Where one run of an intervention is: the turn it joins, its place in the file, and when it was started (its effects carry this time). */
export interface InterventionRun {
  turn: number;
  index: number;
  at: string;
}

/**
 * Carry out an intervention, by the mechanisms a person's own actions use: a send from the person's
 * seat (or from an agent's outbox, checked against the same edges at delivery), a top-up line, an
 * edit of the resume or the chart checked as `lemming validate` would before it is written, a hold
 * kept where a circuit breaker's is, saying it is an intervention's (released by `lemming retry`), and a retirement as an approved proposal the
 * engine then carries out. A run started before a crash is finished, never doubled: an effect that
 * is already there (found by its time stamp) is not made again. Throws LemmingError with the reason
 * when it cannot be carried out.
 */
export function applyIntervention(org: Org, intervention: Intervention, run: InterventionRun): void {
  const problem = interventionProblem(org, intervention);
  if (problem) throw new LemmingError('intervention-failed', problem);
  const root = org.root;
  if ('send' in intervention) {
    const { from, to, body, subject } = intervention.send;
    if (sentAlready(org, from, run.at)) return;
    sendFromSeat(root, org, from, { to, body, ...(subject ? { subject } : {}) }, { anyAgent: true }, new Date(run.at));
    return;
  }
  if ('credits' in intervention) {
    const { agent, top_up: credits, set } = intervention.credits;
    if (credits !== undefined) {
      if (!toppedUpAlready(root, agent, run.at)) topUp(org, agent, credits, new Date(run.at));
      return;
    }
    editChecked(org, `agents/${agent}/resume.md`, editedResume(root, `agents/${agent}/resume.md`, (front, body) => ({ front: { ...front, credits: set }, body })));
    return;
  }
  if ('resume' in intervention) {
    const { agent, set, body } = intervention.resume;
    const file = `agents/${agent}/resume.md`;
    editChecked(org, file, editedResume(root, file, (front, old) => ({ front: { ...front, ...(set ?? {}) }, body: body === undefined ? old : `\n${body.trim()}\n` })));
    return;
  }
  if ('chart' in intervention) {
    const { add, remove } = intervention.chart;
    editChecked(org, CHART_FILE, editedYaml(root, CHART_FILE, (value) => editEdge(value, (add ?? remove) as Edge, add !== undefined, [...org.agents.keys()])));
    return;
  }
  if ('hold' in intervention) {
    const path = statePaths(root).breakers;
    const state = readBreakerState(path);
    if (state.held[intervention.hold]) return;
    state.held[intervention.hold] = { turn: run.turn, reason: `held by an intervention before turn ${run.turn}`, by: 'intervention' };
    writeBreakerState(path, state);
    return;
  }
  retireByProposal(org, intervention.retire, run);
}

/** Write an edit of an org file only if the org it makes passes `lemming validate`'s checks. */
function editChecked(org: Org, file: string, text: string | undefined): void {
  if (text === undefined) throw new LemmingError('intervention-failed', `${file} has no front matter to edit`);
  const problems = candidateProblems(org.root, new Map([[file, text]]));
  if (problems.length > 0) throw new LemmingError('intervention-failed', `it would leave the org invalid: ${problems.slice(0, 3).map(formatProblem).join('; ')}`);
  writeFileAtomic(join(org.root, file), text);
}

/** A list of names with `name` added or taken out; `"*"` (everyone) is spelled out before one is taken out of it. */
function editList(list: unknown, name: string, add: boolean, everyone: string[], self: string): string[] {
  const names = Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
  if (add) return names.includes(name) || names.includes('*') ? names : [...names, name];
  const spelled = names.includes('*') ? everyone.filter((member) => member !== self) : names;
  return spelled.filter((member) => member !== name);
}

/** The chart with the edge added (both ends: `send_to` and `read_from`) or removed (the sender's side, which stops it). */
function editEdge(chart: Fields, edge: Edge, add: boolean, everyone: string[]): Fields {
  const agents: Fields = isFields(chart.agents) ? { ...chart.agents } : {};
  const entry = (name: string): Fields => (isFields(agents[name]) ? { ...(agents[name] as Fields) } : {});
  const sender = entry(edge.from);
  sender.send_to = editList(sender.send_to, edge.to, add, everyone, edge.from);
  agents[edge.from] = sender;
  if (add) {
    const reader = entry(edge.to);
    reader.read_from = editList(reader.read_from, edge.from, true, everyone, edge.to);
    agents[edge.to] = reader;
  }
  return { ...chart, agents };
}

/** Whether the seat's outbox holds a message written at `at` (a send a crash cut off before its journal line). */
function sentAlready(org: Org, seat: string, at: string): boolean {
  for (const name of listMessageFiles(org.root, seat)) {
    const read = readMessageFile(org.root, seat, name, 0, org.settings.max_body_chars);
    if ('message' in read && read.message.created === at) return true;
  }
  return false;
}

/** Whether the ledger holds this top-up already (its time stamp is the intervention's). */
function toppedUpAlready(root: string, agent: string, at: string): boolean {
  return readLedgerFrom(statePaths(root).ledger, 0).entries.some((entry) => entry.type === 'top-up' && entry.agent === agent && entry.at === at);
}

/**
 * A retirement as an approved proposal of the agent's manager (who takes back its credits): the
 * engine carries it out as it carries out any approval, just before the turn.
 */
function retireByProposal(org: Org, name: string, run: InterventionRun): void {
  const manager = org.agents.get(name)?.reportsTo as string;
  const id = `${String(run.turn - 1).padStart(6, '0')}-${manager}-${900 + run.index}`;
  if (existsSync(join(org.root, PROPOSALS_DIRECTORY, `${id}.md`)) && readProposal(org.root, id).status !== 'pending') return;
  createProposal(org.root, {
    id,
    kind: 'retire',
    status: 'approved',
    proposed_by: manager,
    turn: run.turn - 1,
    created: run.at,
    retire: { name, reason: `an intervention before turn ${run.turn}` },
    decided_at: run.at,
  });
}
