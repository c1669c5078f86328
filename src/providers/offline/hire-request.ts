/**
 * Whether a message asks for someone to be hired, and for what role, read the way a person
 * words it: "hire a designer", "Could we get a tester on the team?", "We need someone to write
 * docs", "please bring in a QA engineer", "I'd like another developer". Work about people ("a
 * hiring plan", "find the bug the tester reported") asks for no hire. Pure and deterministic.
 */

/** What a request to hire asks for. */
export interface HireRequest {
  /** The role in the request's own words, its last word singular ("qa engineer", "data person"); undefined when it names none ("someone to write docs"). */
  role?: string;
  /** The words said of the work when the role is a person rather than a trade ("to write docs" → write, docs): what picks a template. */
  about: string[];
}

/** Verbs that ask for a hire whatever follows: "hire", "recruit", "onboard", "employ". */
const HIRE_VERBS = new Set(['hire', 'recruit', 'onboard', 'employ', 'headhunt']);
/** Verbs that ask for a hire when a person follows: "get a tester", "need someone", "bring in a QA engineer". */
const GETTING_VERBS = new Set(['get', 'find', 'bring', 'add', 'need', 'want', 'like', 'love', 'use', 'seek', 'short', 'take', 'look', 'have', 'for']);
/** What a getting verb needs after it to mean getting a person: "take on", "look for", a position "for". */
const PARTICLE_NEEDED: ReadonlyMap<string, RegExp> = new Map([
  ['take', /^(on)$/],
  ['look', /^(for)$/],
]);
/** Little words between a verb and its object: "bring in", "find us", "short of". */
const PARTICLES = new Set(['in', 'on', 'aboard', 'of', 'for', 'us', 'me', 'them', 'up']);
/** Words that say how many or what kind of opening, not the role. */
const QUANTITIES = new Set(['a', 'an', 'another', 'one', 'two', 'three', 'some', 'more', 'new', 'extra', 'additional', 'second', 'third', 'several', 'few', 'couple', 'of', 'good', 'full-time', 'part-time', 'senior', 'junior']);
/** Words for a person, not a trade: the role is then what the sentence says they will do. */
const PERSONS = new Set(['someone', 'somebody', 'person', 'people', 'hand', 'hands', 'colleague', 'member', 'teammate', 'hire', 'helper']);
/** Words that name a trade, as teams and job boards use them. */
const TRADES = new Set(
  ('engineer developer programmer coder dev tester qa writer analyst scientist designer reviewer recruiter manager lead support ' +
    'assistant intern architect researcher editor reporter marketer accountant administrator admin specialist consultant expert ' +
    'officer technician operator agent partner planner janitor checker translator illustrator copywriter salesperson rep').split(' '),
);
/** Words that end a role: what follows says why, where or when. */
const ENDS = new Set('to for who that so and but before after on in at by from this next team because since when if as asap soon now with which whose'.split(' '));
/** Words before "hire" that make it a noun ("the hire", "a new hire"), not a request. */
const ARTICLES = new Set(['the', 'a', 'an', 'this', 'that', 'our', 'new', 'your', 'my', 'his', 'her', 'their']);
/** Where a "have" asks for a colleague rather than for work done: "have a data person on the team". */
const ON_THE_TEAM = /\b(on|to|onto|join|joins|joining) (the|our|my) team\b|\bon board\b|\baboard\b/;
/** Where "for" asks for a colleague: "open a position for a tester". */
const OPENINGS = new Set(['position', 'opening', 'vacancy', 'role', 'seat', 'headcount', 'req']);

/** The role's last word in the singular: "engineers" is an "engineer". */
export function singular(word: string): string {
  if (/ies$/.test(word) && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/[^s]s$/.test(word) && word.length > 3) return word.slice(0, -1);
  return word;
}

/** The sentences of a text, each as its lower-case words and commas, the phrases people use as one word made one. */
function sentences(text: string): string[][] {
  const plain = text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/\bpair of hands\b/g, 'hands')
    .replace(/\ba couple of\b/g, 'two')
    .replace(/\ba few\b/g, 'some');
  return plain
    .split(/[.!?;:\n]+/)
    .map((sentence) => sentence.match(/[a-z][a-z'-]*|,/g) ?? [])
    .filter((tokens) => tokens.length > 0);
}

/** Read from `start`: the role a person phrase names, or undefined when what follows is no person ("a plan", "the bug"). */
function personAt(tokens: readonly string[], start: number, strong: boolean): HireRequest | undefined {
  let index = start;
  let counted = false;
  while (index < tokens.length && (QUANTITIES.has(tokens[index] ?? '') || (strong && tokens[index] === 'the'))) {
    counted = true;
    index += 1;
  }
  const words: string[] = [];
  for (; index < tokens.length && words.length < 4; index += 1) {
    const word = tokens[index] ?? '';
    if (word === ',' || ENDS.has(word) || ARTICLES.has(word)) break;
    words.push(word);
    const head = singular(word);
    const isRole = (token: string): boolean => TRADES.has(singular(token)) || PERSONS.has(singular(token)) || PERSONS.has(token);
    // "a QA engineer", "a QA person": the role ends at its last trade word.
    if (isRole(word) && isRole(tokens[index + 1] ?? '') && words.length < 4) continue;
    if (isRole(word)) {
      const about = tokens.slice(index + 1).filter((token) => token !== ',');
      const modifiers = words.slice(0, -1);
      // "someone", "a hand": a person, not a trade; "a QA person" keeps its trade word.
      if (PERSONS.has(word) || PERSONS.has(head)) return modifiers.length > 0 ? { role: [...modifiers, head].join(' '), about } : { about };
      // A bare plural names a trade too ("we need testers"); a bare singular needs its article ("we need tester" is not English).
      if (!counted && !strong && head === word) return undefined;
      return { role: [...modifiers, head].join(' '), about };
    }
  }
  // After "hire" anything is the role, as asked ("hire a wizard"); after "get" it must be a person.
  if (!strong) return undefined;
  if (words.length === 0) return { about: tokens.slice(index).filter((token) => token !== ',') };
  const role = words.slice(0, 3);
  return { role: [...role.slice(0, -1), singular(role[role.length - 1] ?? '')].join(' '), about: [] };
}

/** The role a sentence asks to hire from the verb at `index`, or undefined when it asks for none there. */
function hireAt(tokens: readonly string[], index: number, sentence: string): HireRequest | undefined {
  const verb = tokens[index] ?? '';
  const previous = tokens[index - 1] ?? '';
  let next = index + 1;
  if (verb === 'staff' && tokens[next] === 'up') return personAt(tokens, next + 1, true);
  if (HIRE_VERBS.has(verb)) {
    if (ARTICLES.has(previous)) return undefined;
    while (PARTICLES.has(tokens[next] ?? '')) next += 1;
    return personAt(tokens, next, true);
  }
  if (!GETTING_VERBS.has(verb)) return undefined;
  const needed = PARTICLE_NEEDED.get(verb);
  if (needed && !needed.test(tokens[next] ?? '')) return undefined;
  if (verb === 'for' && !OPENINGS.has(previous)) return undefined;
  if (verb === 'have' && !ON_THE_TEAM.test(sentence)) return undefined;
  while (PARTICLES.has(tokens[next] ?? '')) next += 1;
  return personAt(tokens, next, false);
}

/** What a message asks to hire, or undefined when it asks for no hire. */
export function readHireRequest(text: string): HireRequest | undefined {
  for (const tokens of sentences(text)) {
    const sentence = tokens.join(' ');
    for (let index = 0; index < tokens.length; index += 1) {
      const found = hireAt(tokens, index, sentence);
      if (found) return found;
    }
  }
  return undefined;
}
