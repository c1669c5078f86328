import { renderPersonaMarkup } from '../mailbox/persona-markup.js';
import type { ModelEntry } from '../org/schema.js';
import type { ProviderRequest } from '../providers/provider.js';
import type { Position } from './arrange-people.js';
import { fillTemplate } from './persona-text.js';
import type { PopulationSpec } from './population-types.js';

/**
 * The request `lemming populate --enrich` makes for one agent's biography: its persona as markup,
 * no tools, a few hundred tokens at most. Apart from enrich.ts so the spec's checks (spec-bounds.ts)
 * can measure the widest prompt a spec makes without loading the ledger and the providers. Pure.
 */

/** The longest biography asked for, in tokens: a few sentences. */
export const BIOGRAPHY_TOKENS = 300;

const SYSTEM =
  'You write short biographies of the people of a simulated organisation, from their attributes. Write three or four plain sentences in the third person: ' +
  'who they are and what they do, and what their attributes suggest of how they work. Use only what the attributes say or plainly imply; invent no names of places, employers or people.';

/** The request for one agent's biography. */
export function biographyRequest(spec: Pick<PopulationSpec, 'roles' | 'attributes'>, position: Position, modelKey: string, entry: Pick<ModelEntry, 'model'>): ProviderRequest {
  const role = spec.roles[position.role];
  const title = role ? fillTemplate(role.title, { ...position.person, name: position.name, role: position.role, team: position.team ?? '', manager: position.reportsTo }) : position.role;
  const attributes = spec.attributes.map((attribute): [string, string | number | boolean] => [attribute.name, position.person[attribute.name] ?? '']);
  return {
    modelKey,
    model: entry.model,
    system: SYSTEM,
    messages: [{ role: 'user', content: `Write the biography of this person.\n\n${renderPersonaMarkup({ name: position.name, title, attributes })}` }],
    tools: [],
    maxOutputTokens: BIOGRAPHY_TOKENS,
    agent: position.name,
    turn: 0,
  };
}
