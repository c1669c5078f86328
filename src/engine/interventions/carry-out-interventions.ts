import { join } from 'node:path';
import { loadEditedFile, MAX_ORG_YAML_BYTES } from '../../editable/edited-file.js';
import { parseYamlSource } from '../../editable/yaml-source.js';
import { EXIT, LemmingError, problemPlace, problemSaid, type Problem } from '../../errors.js';
import { zod } from '../../lazy-modules.js';
import type { Org } from '../../org/org.js';
import { schemaProblems } from '../../org/schema-problems.js';
import { appendText } from '../../storage/write-bytes.js';
import { cutTornTail, wholeRecords, type DamagedLine } from '../../storage/whole-records.js';
import type { EngineEvent } from '../events.js';
import { appendLog } from '../record/agent-log.js';
import { statePaths } from '../record/state-paths.js';
import { applyIntervention, interventionProblem } from './apply-intervention.js';
import { INTERVENTIONS_FILE } from '../../org/names.js';
import { agentOf, describeIntervention, interventionSchema, kindOf, normaliseIntervention, type Intervention } from './intervention.js';
import { readOwnFile } from '../../storage/read-own-file.js';


/** One line of `org/state/interventions.jsonl`: an intervention started, then done or refused. */
export interface InterventionRecord {
  index: number;
  turn: number;
  status: 'started' | 'done' | 'failed';
  at: string;
  summary: string;
  reason?: string;
}

let schema: ReturnType<typeof buildSchema> | undefined;
function buildSchema() {
  const { z } = zod();
  return z.strictObject({ interventions: z.array(interventionSchema(z)) });
}

/**
 * The org's interventions, read through the one loader of editable files; none when the file is
 * missing. A file with errors carries none of them, and says what is wrong with each.
 */
export function readInterventions(root: string): { interventions: Intervention[]; problems: Problem[] } {
  const loaded = loadEditedFile(join(root, INTERVENTIONS_FILE), INTERVENTIONS_FILE, MAX_ORG_YAML_BYTES, (text) => parseYamlSource(text, INTERVENTIONS_FILE), root);
  if ('missing' in loaded) return { interventions: [], problems: [] };
  const source = 'source' in loaded ? loaded.source : undefined;
  if (!source) return { interventions: [], problems: loaded.problems };
  schema ??= buildSchema();
  const parsed = schema.safeParse(source.value ?? { interventions: [] });
  if (!parsed.success) return { interventions: [], problems: schemaProblems(parsed.error, INTERVENTIONS_FILE, source, schema) };
  return { interventions: parsed.data.interventions.map(normaliseIntervention), problems: [] };
}

/**
 * What `lemming validate` says of `org/interventions.yaml`: the file's own problems, then each
 * intervention that names no member of the org as it is now (field `interventions.N.…`), as the
 * engine would refuse it at its turn.
 */
export function interventionsFileProblems(org: Org): Problem[] {
  const read = readInterventions(org.root);
  if (read.problems.length > 0) return read.problems;
  return read.interventions.flatMap((intervention, index): Problem[] => {
    const problem = interventionProblem(org, intervention);
    return problem === undefined ? [] : [{ file: INTERVENTIONS_FILE, field: `interventions.${index}`, message: `${problem} (turn ${intervention.turn})`, severity: 'error' }];
  });
}

/** The journal of interventions, line by line, by the rule of every record lemming appends to (storage/whole-records.ts). */
export function readInterventionRecords(root: string): InterventionRecord[] {
  return readRecordsFile(root).records;
}

const RECORDS_FILE = 'org/state/interventions.jsonl';

/**
 * The records, and how many bytes of the file they and the lines before them take: a last line a crash
 * cut short lies past that, its intervention started again (its effects are found if they were made). A
 * line that is no record with records after it stops the run naming it: skipped, the intervention it
 * said was done would be told and logged as carried out again.
 */
function readRecordsFile(root: string): { records: InterventionRecord[]; wholeBytes: number; size: number } {
  const path = statePaths(root).interventions;
  const read = readOwnFile(path);
  if ('absent' in read) return { records: [], wholeBytes: 0, size: 0 };
  // Taken for none, each intervention would be carried out again.
  if ('problem' in read) throw new LemmingError('corrupt-state', `${path} ${read.problem}, where lemming keeps the record of the interventions carried out (a file): put the file back or move this away, then run again`, { exitCode: EXIT.record });
  const { records, wholeBytes } = wholeRecords(read.bytes, parseRecord, DAMAGED_LINE);
  return { records, wholeBytes, size: read.bytes.length };
}

function parseRecord(text: string): InterventionRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const record = data as Partial<InterventionRecord> | null;
  return typeof record === 'object' && record !== null && !Array.isArray(record) && typeof record.index === 'number' && typeof record.status === 'string' ? (record as InterventionRecord) : undefined;
}

const DAMAGED_LINE: DamagedLine = {
  code: 'interventions-line',
  file: RECORDS_FILE,
  holds:
    'a record of an intervention carried out (a JSON object on one line, such as ' +
    '{"index":0,"turn":2,"status":"done","at":"2026-11-21T09:14:03.120Z","summary":"coder_01 is topped up by 0.5000 credits"})',
  then: '; read past it, an intervention it said was done would be carried out again. Mend or delete that one line and run again.',
};

function journal(root: string, record: InterventionRecord): void {
  appendText(statePaths(root).interventions, `${JSON.stringify(record)}\n`);
}

/** Whether an intervention is still to come after turn `lastTurn` (so an idle org runs on to it). */
export function interventionsAhead(root: string, lastTurn: number): boolean {
  const { interventions } = readInterventions(root);
  if (interventions.length === 0) return false;
  const finished = new Set(readInterventionRecords(root).filter((record) => record.status !== 'started').map((record) => record.index));
  return interventions.some((intervention, index) => intervention.turn > lastTurn && !finished.has(index));
}

/**
 * Before turn `turn` (after the org's hand edits are taken up, before approvals are carried out):
 * carry out every intervention due by then and not yet journaled as done, in the file's order.
 * Each is journaled `started` (with its time, which its effects carry) before its effect and
 * `done` (or `failed`, with why) after, in `org/state/interventions.jsonl`; logged in the log of the
 * agent it changes (`lemming logs`) with the last finished turn, as the person's own sends are;
 * and told as an `intervention` event. A broken file is a warning, once a turn, and carries nothing.
 */
export function carryOutInterventions(org: Org, turn: number, now: Date): EngineEvent[] {
  const { interventions, problems } = readInterventions(org.root);
  const events: EngineEvent[] = problems.map((problem) => ({ type: 'warning', turn, file: problemPlace(problem), message: problemSaid(problem) }));
  if (interventions.length === 0) return events;
  const { records, wholeBytes, size } = readRecordsFile(org.root);
  // Cut a last line a crash left short, so the next record starts on a line of its own.
  if (wholeBytes < size) cutTornTail(statePaths(org.root).interventions, wholeBytes);
  const finished = new Set(records.filter((record) => record.status !== 'started').map((record) => record.index));
  interventions.forEach((intervention, index) => {
    if (intervention.turn > turn || finished.has(index)) return;
    const summary = describeIntervention(intervention);
    const started = records.find((record) => record.index === index && record.status === 'started');
    const at = started?.at ?? now.toISOString();
    if (!started) journal(org.root, { index, turn, status: 'started', at, summary });
    let reason: string | undefined;
    try {
      applyIntervention(org, intervention, { turn, index, at });
    } catch (error) {
      if (!(error instanceof LemmingError)) throw error;
      reason = error.message;
    }
    journal(org.root, { index, turn, status: reason === undefined ? 'done' : 'failed', at, summary, ...(reason === undefined ? {} : { reason }) });
    const agent = agentOf(intervention);
    const kind = kindOf(intervention);
    if (org.agents.has(agent)) appendLog(org.root, agent, [{ turn: turn - 1, at, event: 'intervention', kind, joins_turn: turn, summary, ...(reason === undefined ? {} : { failed: reason }) }]);
    events.push({ type: 'intervention', turn, index, kind, agent, summary, ...(reason === undefined ? {} : { failed: reason }) });
  });
  return events;
}
