import { ACTIVATION_FIELDS, type PlantedActivationRule, type PlantedAgent, type PlantedSend, type PlantedStudy } from './plan.js';

/*
 * The figures a planted study must give, computed from its plan alone: no lemming code is imported,
 * so a figure that agrees with these agrees with a second reckoning, not with itself. The rules played
 * here are the ones the docs state, each in a line or two:
 * - an agent with mail written in an earlier turn (a message or a notice), or attending a meeting due
 *   this turn, has work;
 * - of those, an activation rule (the first whose title, role and department match those it names) lets at most `atMost` act; the rest
 *   keep their mail. The engine draws which ones by a seeded hash; the plan gives those of a rule the
 *   same script (none), so which ones it draws changes no figure compared, and here they are taken in
 *   name order;
 * - an agent whose balance is at or below zero is not called (out of credits); one a loop breaker
 *   holds, or under a department whose spending has reached its ceiling, is not called either; none of
 *   the plan's agents meets two of these at once, so their order does not matter;
 * - a call costs the study's price per call; a call that leaves its agent at or below zero tells its
 *   manager once (a notice, read the next turn);
 * - a send reaches all its names or none: an agent named must be in the sender's send_to (read_from is
 *   its mirror in these orgs); a list named must be in send_to and its may_post must name the sender;
 *   each name refused is one refusal (the chart); past `cap` accepted sends in a call, a send is refused
 *   (the cap); a call with any refusal gets one notice, read the next turn;
 * - a delivered message reaches each agent named (`direct` when it names one, else `to` or `cc`) and
 *   each member of a list named (`list`), the sender never, each reader once by its first form;
 * - an attendee in a meeting speaks once (one round) and spends its turn there: its mail waits; each
 *   speech reaches every other attendee present (`meeting`);
 * - a sender whose same text went out in `repeatTimes` turns is held from the next turn on (the
 *   repeated-message breaker; the seats' own texts never repeat);
 * - the human's opening is turn 0; the human is never called and is no agent of reach or of the
 *   network measures.
 */

export type Form = 'direct' | 'to' | 'cc' | 'list' | 'meeting';
export type Cause = 'chart' | 'cap' | 'budget' | 'ceiling' | 'breaker' | 'intervention' | 'activation' | 'answer';
export const FORMS: readonly Form[] = ['direct', 'to', 'cc', 'list', 'meeting'];
export const CAUSES: readonly Cause[] = ['chart', 'cap', 'budget', 'ceiling', 'breaker', 'intervention', 'activation', 'answer'];
/**
 * The causes a study of scripted seats plants. An answer too large to read (`answer`) takes a server
 * sending 16 MiB: tests/faults/refused-answer.test.ts plants it, through `run` and `analyze`; here it is 0.
 * An agent held by hand (`intervention`, org/interventions.yaml `hold:`) is planted by
 * tests/experiment/intervention-hold-said.test.ts, through `run`, `analyze` and an experiment; here it is 0.
 */
export const SEAT_CAUSES: readonly Cause[] = CAUSES.filter((cause) => cause !== 'answer' && cause !== 'intervention');

/** One reader reached. */
export interface PlantedDelivery {
  from: string;
  to: string;
  turn: number;
  form: Form;
}

/** Every figure the outputs give, as planted. */
export interface Truths {
  /** Message files delivered: the human's and the agents'. */
  messages: number;
  /** Messages the agents wrote and the engine delivered (the run's `delivered`), and by turn (index 0: turn 1). */
  delivered: number;
  deliveredByTurn: number[];
  fromHuman: number;
  deliveries: Record<Form, number>;
  /** Every reader reached, in the order reached. */
  readers: PlantedDelivery[];
  /** By edge `from to`: deliveries, and by form. */
  edges: Map<string, { messages: number; forms: Record<Form, number> }>;
  refusals: Record<Cause, number>;
  /** Turns with a refusal, each cause. */
  refusalsByTurn: Array<{ turn: number } & Record<Cause, number>>;
  /** Each activation rule that governed someone, summed over the turns (`rule` from 1). */
  draws: Array<{ rule: number; governed: number; drawn: number }>;
  /** Agents reached by the end of each turn, from the first delivery's turn to the last turn. */
  reach: Array<{ turn: number; reached: number }>;
  calls: number;
  callsByTurn: number[];
  /** Tokens the seats reported, every call alike. */
  tokens: number;
  credits: number;
  creditsByAgent: Record<string, number>;
  /** Among the agents (the human left out): the share of directed pairs whose reverse is a pair too, and of pairs inside a department. */
  reciprocity: number;
  insideDepartments: number;
  /** Distinct directed pairs among the agents. */
  pairs: number;
}

interface Waiting {
  turn: number;
}

function zeros<Key extends string>(keys: readonly Key[]): Record<Key, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<Key, number>;
}

/** Whether a rule governs an agent: each field it names is the agent's. */
function governs(rule: PlantedActivationRule, agent: PlantedAgent): boolean {
  return ACTIVATION_FIELDS.every((field) => rule[field] === undefined || rule[field] === agent[field]);
}

/** The body a seat writes for a send (seats/scripted-seat.mjs): the plan's, or one that names the sender, the turn and the send. */
export function bodyOf(send: PlantedSend, agent: string, turn: number, index: number): string {
  return send.body ?? `${agent} writes in turn ${turn} (send ${index + 1}).`;
}

/** The figures of `study` by construction. */
export function plantedTruths(study: PlantedStudy): Truths {
  const agents = new Map(study.agents.map((agent) => [agent.name, agent]));
  const lists = new Map(study.lists.map((list) => [list.name, list]));
  const humanSendsTo = new Set(study.opening.flatMap((send) => [...send.to, ...(send.cc ?? [])]));
  const inbox = new Map<string, Waiting[]>(study.agents.map((agent) => [agent.name, []]));
  const balance = new Map(study.agents.map((agent) => [agent.name, agent.credits]));
  const spent = new Map<string, number>(study.agents.map((agent) => [agent.name, 0]));
  const told = new Set<string>();
  const held = new Set<string>();
  const bodies = new Map<string, Map<string, Set<number>>>();
  const deliveries: PlantedDelivery[] = [];
  const refusals = zeros(CAUSES);
  const byTurn = new Map<number, Record<Cause, number>>();
  const draws = new Map<number, { rule: number; governed: number; drawn: number }>();
  const callsByTurn: number[] = [];
  let messages = 0;
  let delivered = 0;
  let fromHuman = 0;
  const deliveredByTurn: number[] = Array.from({ length: study.turns }, () => 0);
  const refuse = (turn: number, cause: Cause, count = 1): void => {
    refusals[cause] += count;
    const counts = byTurn.get(turn) ?? zeros(CAUSES);
    counts[cause] += count;
    byTurn.set(turn, counts);
  };
  const notify = (agent: string, turn: number): void => void inbox.get(agent)?.push({ turn });
  const mayReach = (sender: string, name: string): boolean => {
    if (sender === 'human') return humanSendsTo.has(name) && (agents.has(name) || (lists.get(name)?.mayPost.includes('human') ?? false));
    const from = agents.get(sender) as PlantedAgent;
    if (!from.sendTo.includes(name)) return false;
    if (agents.has(name) || name === 'human') return true;
    return lists.get(name)?.mayPost.includes(sender) ?? false;
  };
  /** Deliver one send, or refuse it; true when delivered. */
  const send = (sender: string, turn: number, planned: PlantedSend, accepted: number): 'delivered' | 'chart' | 'cap' => {
    const names = [...new Set([...planned.to, ...(planned.cc ?? [])])];
    const refused = names.filter((name) => !mayReach(sender, name));
    if (refused.length > 0) {
      refuse(turn, 'chart', refused.length);
      return 'chart';
    }
    if (accepted >= study.cap) {
      refuse(turn, 'cap');
      return 'cap';
    }
    const alone = names.length === 1;
    const seen = new Set<string>();
    const reach = (name: string, form: Form): void => {
      if (agents.has(name) || name === 'human') {
        if (seen.has(name) || name === sender) return;
        seen.add(name);
        deliveries.push({ from: sender, to: name, turn, form });
        if (name !== 'human') notify(name, turn);
        return;
      }
      for (const member of lists.get(name)?.members ?? []) reach(member, 'list');
    };
    // One name that is someone (an agent or the human), not a list, is a one-to-one message.
    for (const name of planned.to) reach(name, alone && (agents.has(name) || name === 'human') ? 'direct' : 'to');
    for (const name of planned.cc ?? []) if (!planned.to.includes(name)) reach(name, 'cc');
    messages += 1;
    if (sender === 'human') fromHuman += 1;
    else {
      delivered += 1;
      deliveredByTurn[turn - 1] = (deliveredByTurn[turn - 1] ?? 0) + 1;
    }
    return 'delivered';
  };
  for (const planned of study.opening) send('human', 0, planned, 0);

  const departmentOf = (lead: string): Set<string> => {
    const members = new Set([lead]);
    for (let grown = true; grown; ) {
      grown = false;
      for (const agent of study.agents) if (!members.has(agent.name) && members.has(agent.reportsTo)) members.add(agent.name), (grown = true);
    }
    return members;
  };
  const ceilings = Object.entries(study.ceilings).map(([lead, credits]) => ({ members: departmentOf(lead), credits }));

  for (let turn = 1; turn <= study.turns; turn += 1) {
    // The repeated-message breaker counts the mail written last turn.
    for (const [sender, texts] of bodies) for (const turns of texts.values()) if (study.repeatTimes !== undefined && [...turns].filter((at) => at >= turn - 10).length >= study.repeatTimes) held.add(sender);
    const meeting = study.meetings.find((each) => each.turn === turn);
    const attending = new Set(meeting?.attendees ?? []);
    const withWork = study.agents.map((agent) => agent.name).filter((name) => (inbox.get(name)?.length ?? 0) > 0 || attending.has(name));
    // Activation: the first rule a title matches governs; at most `atMost` of its agents act.
    const acting: string[] = [];
    const governedBy = new Map<number, string[]>();
    for (const name of withWork) {
      const rule = study.activation.findIndex((each) => governs(each, agents.get(name) as PlantedAgent));
      if (rule < 0) acting.push(name);
      else governedBy.set(rule, [...(governedBy.get(rule) ?? []), name]);
    }
    for (const [rule, names] of governedBy) {
      const limit = study.activation[rule]?.atMost ?? names.length;
      const drawn = names.slice(0, limit);
      acting.push(...drawn);
      refuse(turn, 'activation', names.length - drawn.length);
      const sum = draws.get(rule + 1) ?? { rule: rule + 1, governed: 0, drawn: 0 };
      sum.governed += names.length;
      sum.drawn += drawn.length;
      draws.set(rule + 1, sum);
    }
    const called: string[] = [];
    for (const name of acting.sort()) {
      const agent = agents.get(name) as PlantedAgent;
      const left = balance.get(name) ?? 0;
      const tellManager = (): void => {
        if (told.has(name)) return;
        told.add(name);
        if (agents.has(agent.reportsTo)) notify(agent.reportsTo, turn);
      };
      if (left <= 0 || left < study.pricePerCall) {
        refuse(turn, 'budget');
        tellManager();
        continue;
      }
      if (held.has(name)) {
        refuse(turn, 'breaker');
        continue;
      }
      if (ceilings.some((ceiling) => ceiling.members.has(name) && [...ceiling.members].reduce((sum, member) => sum + (spent.get(member) ?? 0), 0) >= ceiling.credits)) {
        refuse(turn, 'ceiling');
        continue;
      }
      called.push(name);
    }
    // Each call is charged; one that leaves its agent dry tells its manager (once).
    for (const name of called) {
      balance.set(name, (balance.get(name) ?? 0) - study.pricePerCall);
      spent.set(name, (spent.get(name) ?? 0) + study.pricePerCall);
      const agent = agents.get(name) as PlantedAgent;
      if ((balance.get(name) ?? 0) <= 0 && !told.has(name)) {
        told.add(name);
        if (agents.has(agent.reportsTo)) notify(agent.reportsTo, turn);
      }
    }
    callsByTurn.push(called.length);
    // What each called agent does, in name order: the meeting's speakers speak, the others read their mail and act.
    const speakers = called.filter((name) => attending.has(name));
    for (const name of called) {
      const act = study.script[turn]?.[name];
      if (attending.has(name)) {
        for (const other of speakers) if (other !== name) deliveries.push({ from: name, to: other, turn, form: 'meeting' });
        continue;
      }
      inbox.set(name, (inbox.get(name) ?? []).filter((item) => item.turn >= turn));
      let accepted = 0;
      let noticed = false;
      (act?.send ?? []).forEach((planned, index) => {
        const outcome = send(name, turn, planned, accepted);
        if (outcome === 'delivered') {
          accepted += 1;
          const text = bodyOf(planned, name, turn, index).toLowerCase().replace(/\s+/g, ' ').trim();
          const texts = bodies.get(name) ?? new Map<string, Set<number>>();
          texts.set(text, (texts.get(text) ?? new Set()).add(turn));
          bodies.set(name, texts);
        } else noticed = true;
      });
      if (noticed) notify(name, turn);
    }
    for (const [name, act] of Object.entries(study.script[turn] ?? {})) {
      if (!called.includes(name) && (act.send !== undefined || act.speak !== undefined)) throw new Error(`plan ${study.name}: ${name} has a script in turn ${turn} but is not called then`);
    }
  }

  const edges = new Map<string, { messages: number; forms: Record<Form, number> }>();
  for (const delivery of deliveries) {
    const key = `${delivery.from} ${delivery.to}`;
    const edge = edges.get(key) ?? { messages: 0, forms: zeros(FORMS) };
    edge.messages += 1;
    edge.forms[delivery.form] += 1;
    edges.set(key, edge);
  }
  const firstReached = new Map<string, number>();
  for (const delivery of deliveries) if (delivery.to !== 'human' && !firstReached.has(delivery.to)) firstReached.set(delivery.to, delivery.turn);
  const start = Math.min(...firstReached.values());
  const reach = Array.from({ length: study.turns - start + 1 }, (_, index) => start + index).map((turn) => ({ turn, reached: [...firstReached.values()].filter((at) => at <= turn).length }));
  const pairs = new Set([...edges.keys()].filter((key) => !key.split(' ').includes('human')));
  const departments = new Map(study.agents.map((agent) => [agent.name, agent.department]));
  const mutual = [...pairs].filter((key) => pairs.has(key.split(' ').reverse().join(' '))).length;
  const inside = [...pairs].filter((key) => {
    const [from, to] = key.split(' ') as [string, string];
    return departments.get(from) === departments.get(to);
  }).length;
  const creditsByAgent = Object.fromEntries(study.agents.map((agent) => [agent.name, spent.get(agent.name) ?? 0]));
  const calls = callsByTurn.reduce((sum, count) => sum + count, 0);
  return {
    messages,
    delivered,
    deliveredByTurn,
    fromHuman,
    deliveries: countBy(deliveries),
    readers: deliveries,
    edges,
    refusals,
    refusalsByTurn: [...byTurn.entries()].filter(([, counts]) => CAUSES.some((cause) => counts[cause] > 0)).sort(([left], [right]) => left - right).map(([turn, counts]) => ({ turn, ...counts })),
    draws: [...draws.values()].sort((left, right) => left.rule - right.rule),
    reach,
    calls,
    callsByTurn,
    tokens: calls * (study.usage.input_tokens + study.usage.output_tokens),
    credits: calls * study.pricePerCall,
    creditsByAgent,
    reciprocity: pairs.size === 0 ? 0 : mutual / pairs.size,
    insideDepartments: pairs.size === 0 ? 0 : inside / pairs.size,
    pairs: pairs.size,
  };
}

/** Readers reached, by form. */
export function countBy(deliveries: readonly PlantedDelivery[]): Record<Form, number> {
  const counts = zeros(FORMS);
  for (const delivery of deliveries) counts[delivery.form] += 1;
  return counts;
}
