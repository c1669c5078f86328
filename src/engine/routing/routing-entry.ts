import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTING_FILE } from '../../org/names.js';
import type { EngineState } from '../record/engine-state.js';

type Routing = typeof import('./routing.js');

let loaded: Routing | undefined;

/**
 * Whether the engine needs its routing at all: the org has `org/routing.yaml`, or mail still awaits
 * an answer under rules it had. Otherwise a run loads none of it (a stat per turn).
 */
export function routingWanted(root: string, state: Pick<EngineState, 'awaiting'>): boolean {
  return (state.awaiting !== undefined && state.awaiting.length > 0) || existsSync(join(root, ROUTING_FILE));
}

/** The routing module, imported the first time it is wanted. */
export async function importRouting(): Promise<Routing> {
  return (loaded ??= await import('./routing.js'));
}

/** The routing module if it has been imported (what a synchronous question can use), else undefined. */
export function loadedRouting(): Routing | undefined {
  return loaded;
}
