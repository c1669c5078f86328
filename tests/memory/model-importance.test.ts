import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Memory } from '../../src/memory/memory-file.js';
import { rateStream } from '../../src/memory/memory-layer.js';
import { streamFolder } from '../../src/memory/memory-paths.js';
import { writeMemories } from '../../src/memory/memory-stream.js';
import { searchMemories } from '../../src/memory/search-memories.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { OfflineProvider } from '../../src/providers/offline/offline-provider.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { humanSendsAll, memoryOrg, runToIdleHere, streamFiles } from '../helpers/memory-org.js';
import { ofType } from '../helpers/temp-org.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';

const memory = (id: string, importance: number, text: string): Memory => ({ id, turn: Number(id.slice(0, 6)), kind: 'observation', importance, sources: [], text });
const fileOf = (root: string, id: string) => readFileSync(join(streamFolder(root, 'keeper'), `${id}-observation.md`), 'utf8');

describe('importance asked of the model (memory.importance: model)', () => {
  test('the unrated memories are asked in one call, each rating kept in its file and never asked again, the rule kept where the model gives none or fails', async () => {
    const root = tempDir();
    writeMemories(root, 'keeper', [
      memory('000001-001', 4, 'Halvorsen Timber is our supplier.'),
      memory('000002-001', 6, 'Please tidy shelf 2 by the deadline.'),
      memory('000003-001', 3, 'The janitor said hello.'),
    ]);
    const answers = [{ text: '000001-001: 9\n000002-001: 2\n000009-001: 7' }, { text: 'I cannot rate these.' }, new Error('503 from the server')];
    const model = new ScriptedProvider(() => answers.shift() ?? {});
    const ask = (prompt: string) => model.generate({ modelKey: 'planner', model: 'planner', system: '', messages: [{ role: 'user', content: prompt }], tools: [], agent: 'keeper', turn: 10 }).then((answer) => answer.text);

    const first = await rateStream(root, 'keeper', 10, 'planner', ask);
    expect(first).toEqual({ asked: 3, rated: 2 });
    expect(model.requests[0]?.messages[0]?.content).toContain('000003-001: The janitor said hello.');
    expect(fileOf(root, '000001-001')).toMatch(/importance: 9\n(sources: .*\n)?rated: planner\n/);
    expect(fileOf(root, '000002-001')).toContain('importance: 2');
    // The model rated none of the third (an id it was not asked, 000009-001, is ignored): the rule's 3 stays, unrated.
    expect(fileOf(root, '000003-001')).toContain('importance: 3');
    expect(fileOf(root, '000003-001')).not.toContain('rated:');

    // Asked again: only the one left unrated; an answer with no rating leaves it as it was.
    const second = await rateStream(root, 'keeper', 10, 'planner', ask);
    expect(second).toEqual({ asked: 1, rated: 0 });
    expect(model.requests[1]?.messages[0]?.content).not.toContain('000001-001');

    // A call that fails changes nothing, and says why.
    const third = await rateStream(root, 'keeper', 10, 'planner', ask);
    expect(third).toEqual({ asked: 1, rated: 0, error: '503 from the server' });
    expect(model.requests).toHaveLength(3);

    // What `lemming memory` and the next prompt rank with is the model's rating.
    const listed = searchMemories(root, 'keeper', { turn: 10, limit: 10 });
    expect(listed.memories.find((entry) => entry.id === '000001-001')?.importance).toBe(9);
  });
});

describe('importance asked of the model in a run (org.yaml memory.importance: model)', () => {
  test('after its answer the keeper\'s model rates its earlier memories, the ratings land in their files with the turn, and the turn\'s one charge pays for the call', async () => {
    const root = memoryOrg({ memory: '{ keep: true, importance: model }', maxMessages: 1 });
    humanSendsAll(root, [
      { subject: 'Supplier', body: 'The supplier is Halvorsen Timber.' },
      { subject: 'Shelf', body: 'Please tidy shelf 2.' },
    ]);
    const requests: ProviderRequest[] = [];
    class Rating extends OfflineProvider {
      override async generate(request: ProviderRequest) {
        requests.push(request);
        const asked = String(request.messages[0]?.content ?? '');
        if (asked.includes('rate the likely poignancy')) {
          const ids = [...asked.matchAll(/^(\d{6}-\d{3}): /gm)].map((match) => match[1]);
          return { text: ids.map((id) => `${id}: 9`).join('\n'), toolCalls: [], usage: { inputTokens: 1000, outputTokens: 0, estimated: false }, modelKey: request.modelKey };
        }
        return { ...(await super.generate(request)), usage: { inputTokens: 100, outputTokens: 0, estimated: false } };
      }
    }
    const provider = new Rating();
    const events = await runToIdleHere(root, () => provider);

    // Turn 1 has nothing earlier to rate; turn 2 asks for turn 1's memories, once.
    const ratingCalls = requests.filter((request) => String(request.messages[0]?.content ?? '').includes('rate the likely poignancy'));
    expect(ratingCalls.map((request) => request.turn)).toEqual([2]);
    const turnOne = Object.entries(streamFiles(root)).filter(([name]) => name.startsWith('000001-'));
    expect(turnOne.length).toBeGreaterThan(0);
    for (const [, text] of turnOne) expect(text).toMatch(/importance: 9\n(sources: .*\n)?rated: offline\n/);
    for (const [name, text] of Object.entries(streamFiles(root))) if (name.startsWith('000002-')) expect(text).not.toContain('rated:');
    expect(ofType(events, 'agent-note').some((event) => event.turn === 2 && event.message === `rated the importance of ${turnOne.length} of ${turnOne.length} memories`)).toBe(true);

    // One charge line for the keeper's turn 2: its answers' tokens and the rating's 1,000.
    const lines = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; turn: number; agent: string; input_tokens: number });
    const charges = lines.filter((line) => line.type === 'charge' && line.agent === 'keeper' && line.turn === 2);
    const answers = requests.filter((request) => request.turn === 2).length - 1;
    expect(charges.map((line) => line.input_tokens)).toEqual([100 * answers + 1000]);
  });
});
