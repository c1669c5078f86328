/*
 * The shape of a planted-truth study (docs/validation.md, "Studies whose answer is planted"): an org
 * written by hand, seats whose every act is scripted, and the rules of the org that decide who is
 * refused and why. write-study.ts writes it as the files a user writes; seats/scripted-seat.mjs plays
 * the script; truths.ts computes from it, and from nothing of lemming's, every figure the outputs must
 * give.
 */

/** One agent of the study (the human is implied: it is never called). */
export interface PlantedAgent {
  name: string;
  title: string;
  /** Its resume's `role:` (head, lead or member, as `populate` writes it); none in a hand-written org. */
  role?: string;
  department: string;
  /** Whom it reports to: `human` or another agent. */
  reportsTo: string;
  /** Agents and lists it may write to; it reads from everyone who may write to it (read_from is the mirror of send_to). */
  sendTo: string[];
  /** Its budget, in credits. */
  credits: number;
}

/** A mailing list, `org/lists/<name>.yaml`. */
export interface PlantedList {
  name: string;
  members: string[];
  mayPost: string[];
}

/** A meeting, `org/meetings/<name>.yaml`, held once. */
export interface PlantedMeeting {
  name: string;
  /** The chair first. */
  attendees: string[];
  turn: number;
  agenda: string;
}

/** One send_message of the script: one name, a `to:` list, copies, or a list's name. */
export interface PlantedSend {
  to: string[];
  cc?: string[];
  /** The body; absent: one the seat makes that names the sender, the turn and the send (never repeated). */
  body?: string;
}

/** What an agent does when called in a turn: its sends, or its speech in the turn's meeting. */
export interface PlantedAct {
  send?: PlantedSend[];
  speak?: string;
}

/**
 * An `engine.activation` rule (probability 1): the agents whose title, role and department are each
 * what it names (those it names), at most `atMost` of them acting a turn. Written to org.yaml in the
 * order title, role, department (ACTIVATION_FIELDS), as `match: { role: member, department: lab }`.
 */
export interface PlantedActivationRule {
  title?: string;
  role?: string;
  department?: string;
  atMost?: number;
}

/** The fields a planted rule matches, in the order org.yaml writes them (and `analyze` says them back). */
export const ACTIVATION_FIELDS = ['title', 'role', 'department'] as const;

/** A rule's `match` as `analyze` says it: `title: Clerk`, `role: member, department: lab`. */
export function matchText(rule: PlantedActivationRule): string {
  return ACTIVATION_FIELDS.flatMap((field) => (rule[field] === undefined ? [] : [`${field}: ${rule[field]}`])).join(', ');
}

/** A whole study. */
export interface PlantedStudy {
  name: string;
  agents: PlantedAgent[];
  lists: PlantedList[];
  meetings: PlantedMeeting[];
  /** What the human posts or sends before turn 1 (turn 0). */
  opening: PlantedSend[];
  /** org.yaml `engine.max_messages_per_turn`. */
  cap: number;
  /** What every call costs (`price_per_call`; its tokens are priced at 0). */
  pricePerCall: number;
  /** The usage each seat reports for each call. */
  usage: { input_tokens: number; output_tokens: number };
  activation: PlantedActivationRule[];
  /** org.yaml `budget.departments`: by the department's lead, its ceiling in credits. */
  ceilings: Record<string, number>;
  /** org.yaml `engine.breakers.repeated_messages.times` (`pause`, within 10 turns); none: no breaker (the default). */
  repeatTimes?: number;
  /** The turns run. */
  turns: number;
  /** By turn, by agent: what it does when called. An agent called with nothing scripted keeps a note. */
  script: Record<number, Record<string, PlantedAct>>;
}
