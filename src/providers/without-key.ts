import type { ClientSettings } from './client-settings.js';

/**
 * A vendor's answer with every copy of the API key cut out. A server or proxy that
 * repeats the key it was sent (in text, in a tool call's arguments, anywhere) must
 * not get it into a message, a log or a cassette. Pure.
 */
export function withoutKey<T>(answer: T, settings: Pick<ClientSettings, 'apiKey' | 'keyVariable'>): T {
  // Without a key variable the SDK was handed a placeholder, not a secret.
  if (settings.keyVariable === undefined || settings.apiKey.length < 4) return answer;
  return cut(answer, settings.apiKey) as T;
}

function cut(value: unknown, key: string): unknown {
  if (typeof value === 'string') return value.split(key).join('[api key]');
  if (Array.isArray(value)) return value.map((item) => cut(item, key));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, cut(inner, key)]));
  return value;
}
