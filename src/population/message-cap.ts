import { parseDocument } from 'yaml';
import { engineDefaults } from '../org/schema.js';
import type { Arrangement } from './arrange-people.js';

/**
 * The per-turn cap (org.yaml `engine.max_messages_per_turn`) of an org lemming writes from a
 * structure (`populate`, `import-network`, an experiment's `population:`): at least the most people
 * one agent of its chart may write to, so a head hands a task to each of its leads, and a lead to
 * each member, in one turn. The template's default (5) would refuse the rest of a cascade's
 * hand-offs in a turn by a setting nobody chose, and a study of reach would measure it. One rule
 * for every writer of such an org.
 */

/** The most names one agent of the arrangement may write to (its `send_to`, manager included). Pure. */
export function largestFanOut(arrangement: Pick<Arrangement, 'positions'>): number {
  let most = 0;
  for (const position of arrangement.positions) most = Math.max(most, position.contacts.length);
  return most;
}

/** What the cap of a written org is, and what the template's org.yaml said (absent: it said nothing, so the schema's default). */
export interface MessageCap {
  cap: number;
  /** The template's own value; equal to `cap` when it was high enough already. */
  template: number;
}

/** `max_messages_per_turn: N` on a line of its own under `engine:`, as the templates write it. */
const CAP_LINE = /^( +max_messages_per_turn:[ \t]*)(\d+)/m;

/**
 * org.yaml's text with `engine.max_messages_per_turn` at least `cap`, the rest as it was written: the
 * templates' line edited in place (its comment kept), any other form through the YAML document
 * (comments kept). A cap set higher already is kept. Pure.
 */
export function withMessageCap(orgYaml: string, cap: number): { text: string } & MessageCap {
  const line = CAP_LINE.exec(orgYaml);
  if (line) {
    const given = Number(line[2]);
    return given >= cap ? { text: orgYaml, cap: given, template: given } : { text: orgYaml.replace(line[0], `${line[1]}${cap}`), cap, template: given };
  }
  const document = parseDocument(orgYaml);
  const set = document.getIn(['engine', 'max_messages_per_turn']);
  const given = typeof set === 'number' ? set : engineDefaults().max_messages_per_turn;
  if (given >= cap) return { text: orgYaml, cap: given, template: given };
  document.setIn(['engine', 'max_messages_per_turn'], cap);
  return { text: document.toString(), cap, template: given };
}

/** An arrangement's org.yaml: the cap raised to its largest fan-out (withMessageCap). Pure. */
export function populationMessageCap(orgYaml: string, arrangement: Pick<Arrangement, 'positions'>): { text: string } & MessageCap {
  return withMessageCap(orgYaml, largestFanOut(arrangement));
}
