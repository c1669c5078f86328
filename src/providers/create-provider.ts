import { LemmingError } from '../errors.js';
import type { ModelEntry } from '../org/schema.js';
import { OfflineProvider } from './offline/offline-provider.js';
import type { Provider } from './provider.js';

/** Builds the provider for one registry entry. Injected into the engine, so tests and benchmarks can swap it. */
export type ProviderFactory = (modelKey: string, entry: ModelEntry) => Provider;

/** The factory `lemming` uses: one provider per registry entry. */
export const createProvider: ProviderFactory = (modelKey, entry) => {
  switch (entry.provider) {
    case 'offline':
      return new OfflineProvider();
    default:
      throw new LemmingError(
        'provider-unavailable',
        `org/org.yaml models.${modelKey}.provider: "${entry.provider}" is not available in this build; use provider: offline`,
      );
  }
};
