import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { embeddingsServer } from '../helpers/embeddings-server.js';
import { humanSendsAll, memoryOrg, recalledFiles, streamFiles } from '../helpers/memory-org.js';
import { defaultOrg, humanSends, runEngine, write } from '../helpers/temp-org.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { queryVectorFile } from '../../src/memory/memory-vectors.js';

/** org.yaml with the stand-in `/v1/embeddings` at `url` as its embedding model, and memory settings `memory`. */
function withEmbedder(root: string, url: string, memory: string): string {
  const path = join(root, 'org/org.yaml');
  const embedder = `  embedder: { provider: openai-compatible, model: toy-embed, base_url: ${url}/v1, input_price: 20, output_price: 0, context_window: 8192 }\n`;
  writeFileSync(path, `${readFileSync(path, 'utf8').replace('history: { keep: true }', 'history: { keep: false }').replace('models:\n', `models:\n${embedder}`)}\nmemory: ${memory}\n`);
  return root;
}

/** The id of the agent's memory of reading the fact. */
function factId(root: string, agent: string): string {
  const name = Object.entries(streamFiles(root, agent)).find(([, text]) => text.includes('The auditor we hired is Brandt and Sons.') && text.includes('wrote to me'))?.[0] ?? '';
  return name.replace(/-observation\.md$/, '');
}

describe('a query for each thing to answer, by embeddings, in a run (issue 75)', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer(embeddingsServer);
  });
  afterAll(() => server.close());

  test("the mail of a turn embedded as one query a message, in the plan's one request; the question worded differently finds its fact beside the chores", async () => {
    const root = withEmbedder(memoryOrg(), server.url, '{ keep: true, budget_tokens: 300, reflect: { every: 0, importance: 0 }, embeddings: { model: embedder } }');
    // The fact, then chores a turn each: the question comes with two more, four turns on.
    for (const message of [{ subject: 'Auditor', body: 'The auditor we hired is Brandt and Sons.' }, ...['three', 'four', 'five'].map((shelf) => ({ subject: `Chore ${shelf}`, body: `Tidy the storeroom shelf ${shelf} and write down the name on each box you move, please.` }))]) {
      humanSendsAll(root, [message]);
      await runEngine(root, { maxTurns: 1 });
    }
    const before = server.requests.length;
    const [question] = humanSendsAll(root, [
      { subject: 'Chore 1', body: 'Tidy the storeroom shelf one and write down the name on each box you move, please.' },
      { subject: 'Question', body: 'Which accountant did we engage?' },
      { subject: 'Chore 2', body: 'Tidy the storeroom shelf two and write down the name on each box you move, please.' },
    ]).slice(1);
    await runEngine(root, { maxTurns: 1 });
    const asked = server.requests.slice(before).map((request) => request.body.input as string[]);
    // One request: a query for each message shown, in the order shown, then the memories new since the last turn.
    expect(asked).toHaveLength(1);
    expect(asked[0]?.slice(0, 3)).toEqual(['Chore 1\nTidy the storeroom shelf one and write down the name on each box you move, please.', 'Question\nWhich accountant did we engage?', 'Chore 2\nTidy the storeroom shelf two and write down the name on each box you move, please.']);
    expect((JSON.parse(readFileSync(queryVectorFile(root, 'keeper'), 'utf8')) as { vectors: unknown[] }).vectors).toHaveLength(3);
    // The question's best memory is among each item's best (the first three recalled): the fact, by meaning (accountant is auditor, engage is hire).
    const fact = factId(root, 'keeper');
    expect(recalledFiles(root, 'keeper')['000005.md']?.split('\n').slice(0, 3)).toContain(fact);
    expect(question).toBeDefined();
  });

  test("a meeting's attendee is embedded its agenda when the turn is planned, and its speeches recall by that vector what the words cannot find", async () => {
    /** The manager told the fact, given two chores, then chairing a meeting whose agenda asks for the fact in other words. Its first memory recalled there, and the fact's id. */
    const meeting = async (embeddings: boolean): Promise<{ first: string; fact: string; asked: string[][] }> => {
      const root = withEmbedder(defaultOrg(), server.url, `{ keep: true, reflect: { every: 0, importance: 0 }${embeddings ? ', embeddings: { model: embedder }' : ''} }`);
      write(root, 'org/meetings/audit.yaml', ['attendees: [manager, planner, hr]', 'rounds: 2', 'agenda: Which accountant did we engage, and when do they start?', 'turn: 4', ''].join('\n'));
      humanSends(root, 'manager', 'The auditor we hired is Brandt and Sons.', 'Auditor');
      await runEngine(root, { maxTurns: 1, stopWhenIdle: false });
      for (const shelf of ['one', 'two']) {
        humanSends(root, 'manager', `Please tidy the storeroom shelf ${shelf} and list the boxes on it.`, `Shelf ${shelf}`);
        await runEngine(root, { maxTurns: 1, stopWhenIdle: false });
      }
      const before = server.requests.length;
      await runEngine(root, { maxTurns: 1, stopWhenIdle: false });
      return { first: recalledFiles(root, 'manager')['000004.md']?.split('\n')[0] ?? '', fact: factId(root, 'manager'), asked: server.requests.slice(before).map((request) => request.body.input as string[]) };
    };
    const byMeaning = await meeting(true);
    // One request an attendee, with the plan's, opening with the agenda (the others called that turn are embedded their mail); none during the meeting.
    expect(byMeaning.asked.filter((texts) => texts[0] === 'Which accountant did we engage, and when do they start?')).toHaveLength(3);
    expect(byMeaning.first).toBe(byMeaning.fact);
    const byWords = await meeting(false);
    expect(byWords.asked).toEqual([]);
    expect(byWords.first).not.toBe(byWords.fact);
  });
});
