import type { Provider, ProviderRequest, ProviderResponse, ToolCall } from '../../providers/provider.js';
import type { ToolCallContext, ToolRun } from '../../tools/tool-runner.js';
import type { TurnTools } from './ask-with-tools.js';

// Every call of a turn, to a model or to a tool, carries the plan it was made for: the journal's plan `id`, kept while
// the turn is unfinished. Through a queue it is part of each job's id (queue/call-job.ts, queue/mcp-job.ts): an engine
// finishing its crashed turn reads the answers and results already given, and the same turn planned again (after
// `lemming reset`, or an org put back to an earlier turn) is asked again rather than answered from the jobs of a run
// whose record is gone. A plan without an id (a journal of an older version) leaves the calls as they were.

/** A turn's `providerFor` whose requests carry the plan (ProviderRequest.plan). */
export function callsOfPlan(providerFor: (modelKeys: readonly string[]) => Provider, planId: string | undefined): (modelKeys: readonly string[]) => Provider {
  if (planId === undefined) return providerFor;
  return (modelKeys) => new PlannedProvider(providerFor(modelKeys), planId);
}

/** A turn's tools whose calls carry the plan (ToolCallContext.plan). */
export function toolsOfPlan(tools: TurnTools | undefined, planId: string | undefined): TurnTools | undefined {
  if (tools === undefined || planId === undefined) return tools;
  return {
    offer: (agent) => tools.offer(agent),
    returnsResult: (name) => tools.returnsResult(name),
    run: (call: ToolCall, context: ToolCallContext): Promise<ToolRun> => tools.run(call, { ...context, plan: planId }),
    ...(tools.idempotent ? { idempotent: (name: string) => tools.idempotent?.(name) ?? true } : {}),
  };
}

class PlannedProvider implements Provider {
  constructor(
    private readonly inner: Provider,
    private readonly plan: string,
  ) {}

  generate(request: ProviderRequest): Promise<ProviderResponse> {
    return this.inner.generate({ ...request, plan: this.plan });
  }
}
