import { EXIT, LemmingError } from '../errors.js';
import { HUMAN } from '../org/names.js';
import type { Org } from '../org/org.js';

/**
 * The seat an outside program takes: the human's when it names none, or a person's seat that
 * org.yaml `outside_seats` grants to outside programs (and that is still a person's, `model: human`).
 * Asked again at each call: a seat taken away in the org's files is closed at once.
 */
export function checkSeat(org: Org, seat: string | undefined): string {
  const name = seat ?? HUMAN;
  if (name === HUMAN) {
    if (!org.agents.has(HUMAN)) throw new LemmingError('no-human', 'this org has no human agent: add agents/human/resume.md with `model: human` and a place in org/chart.yaml');
    return name;
  }
  const granted = org.outsideSeats ?? [];
  if (!granted.includes(name)) {
    throw new LemmingError(
      'seat-not-granted',
      `${JSON.stringify(name)} is not a seat org/org.yaml grants to outside programs (outside_seats: [${granted.join(', ')}]); add it, for example \`outside_seats: [${name}]\`, with agents/${name}/resume.md saying \`model: human\``,
      { exitCode: EXIT.usage },
    );
  }
  const agent = org.agents.get(name);
  if (!agent?.isHuman) throw new LemmingError('seat-not-granted', `${name} is not a person's seat (its resume must say \`model: human\`)`, { exitCode: EXIT.usage });
  return name;
}
