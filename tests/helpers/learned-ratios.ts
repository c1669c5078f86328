import type { EndpointCounts } from '../../src/engine/record/token-ratios-file.js';
import { endpointOf } from '../../src/engine/record/token-ratios-file.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { read } from './org-files.js';

/** What org/state/token-ratios.json keeps of a registry entry's server (by its endpoint, as lemming keys it). */
export function learnedFor(root: string, modelKey: string): EndpointCounts | undefined {
  const entry = loadOrg(root).org.models[modelKey];
  const file = JSON.parse(read(root, 'org/state/token-ratios.json')) as { endpoints: Record<string, EndpointCounts> };
  return entry ? file.endpoints[endpointOf(entry)] : undefined;
}
