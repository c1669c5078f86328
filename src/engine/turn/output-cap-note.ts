import type { Org } from '../../org/org.js';
import type { ProviderResponse } from '../../providers/provider.js';

/**
 * The note for an answer the output cap stopped, or undefined for one it did not. It
 * names the calls the cap stopped inside (`cut`), which are not carried out; an answer
 * stopped in its prose is said to be cut and nothing more, since no action was lost that
 * anyone can see. One note, so a cut call is not also reported as an invalid one. Pure.
 */
export function outputCapNote(response: ProviderResponse, org: Org): string | undefined {
  if (!response.truncated) return undefined;
  const setting = `org.yaml models.${response.modelKey}.max_output_tokens`;
  const cap = org.models[response.modelKey]?.max_output_tokens;
  const note = `the answer was cut at the output cap (${cap === undefined ? `${setting} is not set, so a default applied` : `${setting}: ${cap}`})`;
  const cut = response.toolCalls.filter((call) => call.cut).map((call) => String(call.name).slice(0, 64));
  if (cut.length === 0) return note;
  if (cut.length === 1) return `${note}; the ${cut[0]} call it cut short was not carried out`;
  return `${note}; the calls it cut short (${cut.join(', ')}) were not carried out`;
}
