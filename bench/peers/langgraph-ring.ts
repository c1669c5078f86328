import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { ChatOpenAI } from '@langchain/openai';
import { fileURLToPath } from 'node:url';
import { ringAgents, ringStepOf } from './ring.js';

/**
 * The ring on LangGraph.js, as its documentation has a user build it for durable runs: a
 * StateGraph with one node per agent, the SQLite checkpointer, `durability: "sync"` (every
 * node's writes saved before the step goes on) and `maxConcurrency: 8`. Each node reads the mail
 * addressed to it from the graph's state, asks the stand-in model (ring-server.ts) through
 * `@langchain/openai`'s ChatOpenAI (as a LangGraph.js user calls a model; it calls the Chat
 * Completions API through the `openai` package, as lemming does), offering one `send_message` tool
 * bound with `bindTools`, and writes the message it was told to send; its edge leads to the next
 * agent, so every node runs every step, until the step asked for. Run in a process of its own by the peers section (bench/sections/peers.ts):
 * it prints a JSON line as each step ends, and when it is done the messages every step left (from
 * the checkpointer's history) and its peak RSS.
 */
export interface LangGraphJob {
  /** `run`: from the first step; `resume`: go on from the thread's last checkpoint (after a kill);
   * `fork`: from the checkpoint after step `forkAt`, with one message's body changed. */
  mode: 'run' | 'resume' | 'fork';
  database: string;
  thread: string;
  agents: number;
  /** The step to stop after. */
  steps: number;
  url: string;
  concurrency: number;
  forkAt?: number;
  /** The new body of the first agent's message of step `forkAt`, for a fork. */
  changedBody?: string;
}

/** A message in the graph's state. */
export interface RingMail {
  from: string;
  to: string;
  step: number;
  body: string;
}

/** Mail of a later step replaces the state's mail (the step before it has been read); mail of the same step joins it. */
function deliver(current: RingMail[], update: RingMail[] | { replace: RingMail[] }): RingMail[] {
  if (!Array.isArray(update)) return update.replace;
  const newest = (mail: RingMail[]) => mail.reduce((highest, message) => Math.max(highest, message.step), -1);
  return newest(update) > newest(current) ? update : current.concat(update);
}

const RingState = Annotation.Root({
  mail: Annotation<RingMail[], RingMail[] | { replace: RingMail[] }>({ reducer: deliver, default: () => [] }),
  until: Annotation<number>(),
});

const sendMessage = {
  type: 'function' as const,
  function: {
    name: 'send_message',
    description: 'Send a message to another agent.',
    parameters: { type: 'object', properties: { to: { type: 'string' }, subject: { type: 'string' }, body: { type: 'string' } }, required: ['to', 'body'] },
  },
};

function ringGraph(names: readonly string[], url: string) {
  // One model for the graph, as a user builds it: the stand-in server at `url`, its defaults otherwise.
  const model = new ChatOpenAI({ model: 'ring', apiKey: 'ring', configuration: { baseURL: url } }).bindTools([sendMessage]);
  const graph = new StateGraph(RingState);
  names.forEach((name, index) => {
    const next = names[(index + 1) % names.length] as string;
    graph.addNode(name, async (state: typeof RingState.State) => {
      const inbox = state.mail.filter((message) => message.to === name);
      const answer = await model.invoke([
        new SystemMessage(`You are ${name}, an agent in a ring. Read your mail and pass the work on to the next agent with send_message.`),
        new HumanMessage(inbox.map((message) => `From ${message.from}: ${message.body}`).join('\n')),
      ]);
      const call = answer.tool_calls?.find((each) => each.name === 'send_message');
      if (!call) return {};
      const args = call.args as { to: string; body: string };
      return { mail: [{ from: name, to: args.to, step: ringStepOf(args.body), body: args.body }] };
    });
    graph.addEdge(START, name as never);
    graph.addConditionalEdges(name as never, (state: typeof RingState.State) => (state.mail.some((message) => message.step >= state.until) ? END : next), [next, END] as never);
  });
  return graph;
}

const line = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

export async function runLangGraphRing(job: LangGraphJob): Promise<void> {
  const names = ringAgents(job.agents);
  const saver = SqliteSaver.fromConnString(job.database);
  const app = ringGraph(names, job.url).compile({ checkpointer: saver });
  let config: { configurable: Record<string, string> } = { configurable: { thread_id: job.thread } };
  let input: unknown = null;
  if (job.mode === 'run') input = { mail: names.map((name) => ({ from: 'human', to: name, step: 0, body: 'Ring step 0 from human.' })), until: job.steps };
  if (job.mode === 'fork') {
    // The checkpoint the step after `forkAt` starts from: the newest whose mail is that step's.
    let at: (typeof config & { configurable: Record<string, string> }) | undefined;
    let mail: RingMail[] = [];
    for await (const snapshot of app.getStateHistory(config)) {
      const values = snapshot.values as typeof RingState.State;
      if (snapshot.next.length === names.length && values.mail.length > 0 && values.mail.every((message) => message.step === job.forkAt)) {
        at = snapshot.config as typeof config;
        mail = values.mail;
        break;
      }
    }
    if (!at) throw new Error(`no checkpoint after step ${job.forkAt}`);
    const changed = mail.map((message) => (message.from === names[0] ? { ...message, body: job.changedBody ?? message.body } : message));
    // The edit as one more write of the step it changes, by every node of it: `updateState` as one node
    // would schedule only that node's successor, where the step it edits had scheduled every agent.
    const updates = names.map((name, index) => ({ values: index === 0 ? { mail: { replace: changed } } : {}, asNode: name }));
    config = (await app.bulkUpdateState(at, [{ updates }])) as typeof config;
    const forked = await app.getState(config);
    if (forked.next.length !== names.length) throw new Error(`the fork would run ${forked.next.length} agents, not ${names.length}`);
  }
  const stream = await app.stream(input as never, { ...config, durability: 'sync', maxConcurrency: job.concurrency, recursionLimit: job.steps + 10, streamMode: 'values' });
  for await (const values of stream) {
    const mail = (values as typeof RingState.State).mail;
    line({ type: 'step', step: mail.reduce((highest, message) => Math.max(highest, message.step), 0) });
  }
  // What each step left: the newest checkpoint holding that step's mail (the one the next step read).
  const byStep = new Map<number, RingMail[]>();
  for await (const snapshot of app.getStateHistory({ configurable: { thread_id: job.thread } })) {
    const mail = (snapshot.values as typeof RingState.State).mail ?? [];
    const step = mail[0]?.step;
    if (step !== undefined && step > 0 && !byStep.has(step) && mail.every((message) => message.step === step)) byStep.set(step, mail);
  }
  const messages = [...byStep.values()].flat().map((message) => ({ agent: message.from, step: message.step }));
  line({ type: 'done', messages, peakRssMb: process.resourceUsage().maxRSS / 1024 });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runLangGraphRing(JSON.parse(process.argv[2] as string) as LangGraphJob).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
