import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { cutSecrets } from '../secrets/secrets.js';

/** What a span may say: numbers, booleans, texts and lists of them; undefined is left out. */
export type AttributeInput = Record<string, AttributeValue | undefined>;

/**
 * Attributes as they leave the process: every text with the org's secrets cut out (secrets/, the one
 * gate every writer uses), so a key in a subject, a tool's arguments or an error never reaches a span.
 */
export function spanAttributes(input: AttributeInput): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (typeof value === 'string') attributes[key] = cutSecrets(value);
    else if (Array.isArray(value)) attributes[key] = value.map((item) => (typeof item === 'string' ? cutSecrets(item) : item)) as AttributeValue;
    else attributes[key] = value;
  }
  return attributes;
}
