import type { Agent, Org } from '../org/org.js';
import type { BuiltinOutcome } from './builtin-tools.js';
import { commandToolDefinitions, NO_OFFER, sandboxedGrants, type OutsideCallContext, type OutsideTools, type ToolOffer } from './outside-tools.js';
import { offerProblem } from './mcp/offer-gate.js';
import { isToolResult, RESULT_RULE, toolError } from './tool-result.js';
import type { TapeReader, TapeWriter } from './tool-tape.js';

/** calculate is worked out again on replay, as the built-in file tools are: the same expression, the same answer. */
const recorded = (name: string): boolean => name !== 'calculate';
const runKey = (name: string, args: unknown): string => JSON.stringify([name, args ?? {}]);
const offerKey = (agent: Agent): string => agent.tools.join(',');

/** Live outside tools whose offers and results go to the tools tape, for `lemming run --record`. */
export class RecordingOutsideTools implements OutsideTools {
  constructor(
    private readonly inner: OutsideTools,
    private readonly tape: TapeWriter,
  ) {}

  async offer(org: Org, agent: Agent): Promise<ToolOffer> {
    const offer = await this.inner.offer(org, agent);
    if (offer !== NO_OFFER) this.tape.append({ kind: 'local-offer', key: offerKey(agent), offer });
    return offer;
  }

  async run(name: string, args: unknown, context: OutsideCallContext): Promise<BuiltinOutcome> {
    const run = await this.inner.run(name, args, context);
    // A command the stopping run killed is made again by the next run: that result is the one to keep.
    if (recorded(name) && !run.interrupted) this.tape.append({ kind: 'run', key: runKey(name, args), run });
    return run;
  }
}

/**
 * Outside tools answered from the tape, for `lemming run --replay`: no command runs, no sandbox is
 * looked for, nothing is fetched. What a command changed in a workspace is not made again: the
 * replay's messages are the recording's, its workspaces hold only what the file tools wrote.
 */
export class ReplayingOutsideTools implements OutsideTools {
  constructor(
    private readonly tape: TapeReader,
    private readonly live: OutsideTools,
  ) {}

  async offer(org: Org, agent: Agent): Promise<ToolOffer> {
    if (sandboxedGrants(org, agent).length === 0) return NO_OFFER;
    const entry = this.tape.take('local-offer', offerKey(agent), (taken) => {
      const withheld = (taken.offer as { withheld?: unknown } | null)?.withheld;
      const problem = offerProblem(taken.offer, () => true) ?? (Array.isArray(withheld) && withheld.every((name) => typeof name === 'string') ? undefined : 'it has no list of withheld tools');
      return problem === undefined ? undefined : `was refused: ${problem}`;
    });
    return entry ? (entry.offer as ToolOffer) : { ...NO_OFFER, definitions: commandToolDefinitions(org, agent) };
  }

  async run(name: string, args: unknown, context: OutsideCallContext): Promise<BuiltinOutcome> {
    if (!recorded(name)) return this.live.run(name, args, context);
    const entry = this.tape.take('run', runKey(name, args), (taken) => (isToolResult((taken.run as { result?: unknown } | null)?.result) ? undefined : RESULT_RULE));
    return entry ? (entry.run as BuiltinOutcome) : { result: toolError(`${name} with these arguments is not in the recording being replayed`) };
  }
}
