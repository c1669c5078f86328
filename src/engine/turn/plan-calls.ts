import type { Provider, ProviderRequest, ProviderResponse } from '../../providers/provider.js';

/**
 * A turn's `providerFor` whose every call carries the plan it was made for (ProviderRequest.plan): the
 * journal's plan `id`, kept while the turn is unfinished. Through a queue it is part of each job's id
 * (queue/call-job.ts): an engine finishing its crashed turn reads the answers already given, and the
 * same turn planned again (after `lemming reset`, or an org put back to an earlier turn) is asked again
 * rather than answered from the jobs of a run whose record is gone. A plan without an id (a journal of
 * an older version) leaves the calls as they were.
 */
export function callsOfPlan(providerFor: (modelKeys: readonly string[]) => Provider, planId: string | undefined): (modelKeys: readonly string[]) => Provider {
  if (planId === undefined) return providerFor;
  return (modelKeys) => new PlannedProvider(providerFor(modelKeys), planId);
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
