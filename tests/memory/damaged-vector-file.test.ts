import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { embeddingsServer } from '../helpers/embeddings-server.js';
import { embeddingOrg, humanSendsAll, keeperCharges } from '../helpers/memory-org.js';
import { tempDir } from '../helpers/org-files.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';

/*
 * A memory's vector kept beside the stream (agents/<name>/memory/vectors/<id>.json) is read back on the next
 * retrieval. One a person's edit or a torn copy left unusable is made again, as a missing one is, and charged
 * the same; before, that was done without a word, so a damaged folder was paid for again turn after turn unsaid.
 */

const FIRST = ['Tidy shelf one.', 'Tidy shelf two.', 'Tidy shelf three.'].map((body, index) => ({ subject: `Chore ${index + 1}`, body }));
const LATER = ['Tidy shelf four.', 'Tidy shelf five.'].map((body, index) => ({ subject: `Chore ${index + 4}`, body }));

describe('a kept vector file damaged between runs', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer(embeddingsServer);
  });
  afterAll(() => server.close());

  test('is said once in the run, naming the file, and its memory is embedded again at the charge of a missing file', async () => {
    const damaged = embeddingOrg(server.url);
    humanSendsAll(damaged, FIRST);
    expect((await lemmingAsync(damaged, ['run'])).status).toBe(0);
    const folder = 'agents/keeper/memory/vectors';
    const [name] = readdirSync(join(damaged, folder)).filter((each) => each.endsWith('.json')).sort();
    expect(name).toBeDefined();
    const missing = join(tempDir(), 'missing');
    cpSync(damaged, missing, { recursive: true });
    writeFileSync(join(damaged, folder, name ?? ''), '{"model": "toy-embed", "hash": ');
    rmSync(join(missing, folder, name ?? ''));

    const runs = [];
    for (const root of [damaged, missing]) {
      humanSendsAll(root, LATER);
      const run = await lemmingAsync(root, ['run']);
      expect(run.status).toBe(0);
      runs.push(run.stdout + run.stderr);
    }
    const said = (runs[0] ?? '').split('\n').filter((line) => line.includes('could not be used'));
    // Before: nothing said.
    expect(said).toEqual([
      `[turn 4] warning: ${folder}/${name}: keeper: a kept vector could not be used: it is not JSON; its memory was embedded again by the embedding model embedder (toy-embed), charged with this turn, and written anew`,
    ]);
    expect((runs[1] ?? '').includes('could not be used')).toBe(false);
    // The charge is that of the memory with no file at all, line for line.
    const charged = (root: string) => keeperCharges(root).map((line) => [line.turn, line.credits, line.models?.embedder?.input_tokens]);
    expect(charged(damaged)).toEqual(charged(missing));
  });
  /** An org run through its first turns, with one of the keeper's kept vector files then damaged: the org, the folder, and the file's name. */
  async function damagedAfterFirstRun(): Promise<{ root: string; folder: string; name: string }> {
    const root = embeddingOrg(server.url);
    humanSendsAll(root, FIRST);
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    const folder = 'agents/keeper/memory/vectors';
    const [name = ''] = readdirSync(join(root, folder)).filter((each) => each.endsWith('.json')).sort();
    expect(name).not.toBe('');
    writeFileSync(join(root, folder, name), '{"model": "toy-embed", "hash": ');
    return { root, folder, name };
  }

  test('is said once in a run whose embedding call fails in the turn that finds it, in that turn, and not again when a later turn embeds it', async () => {
    const { root, folder, name } = await damagedAfterFirstRun();
    humanSendsAll(root, LATER);
    // The first embedding request of the run is refused (400: not tried again); the later turn's is answered.
    const asked = server.requests.length;
    server.handle((request, index) => (index === asked ? { status: 400, body: 'bad request' } : embeddingsServer(request)));
    const run = await lemmingAsync(root, ['run']);
    server.handle(embeddingsServer);
    expect(run.status).toBe(0);
    const said = (run.stdout + run.stderr).split('\n').filter((line) => line.includes('could not be used'));
    // Before: the failing turn 4 said nothing of it, and turn 5, which embedded it again, said it.
    expect(said).toEqual([
      `[turn 4] warning: ${folder}/${name}: keeper: a kept vector could not be used: it is not JSON; its memory is ranked by its words alone this turn, and embedded again by the embedding model embedder (toy-embed) when it next answers, charged with that turn`,
    ]);
    expect(server.requests.length - asked).toBe(2);
  });

  test('is said by a turn recovered from the vectors its plan kept, which ranks its memory by its words', async () => {
    const { root, folder } = await damagedAfterFirstRun();
    // Mended by the next run's plan; the file damaged again while that run's turn is unfinished, after its plan embedded.
    humanSendsAll(root, [LATER[0]!]);
    expect((await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: 'before-call:1' })).signal).toBe('SIGKILL');
    const [name = ''] = readdirSync(join(root, folder)).filter((each) => each.endsWith('.json')).sort();
    writeFileSync(join(root, folder, name), '[1, 2]');
    const asked = server.requests.length;
    const run = await lemmingAsync(root, ['run']);
    expect(run.status).toBe(0);
    // The recovered turn asks no server: it ranks with the vectors its plan kept.
    expect(server.requests.length).toBe(asked);
    const said = (run.stdout + run.stderr).split('\n').filter((line) => line.includes('could not be used'));
    // The plan's warnings are the turn's, said again as it is finished; the file damaged since is said too. Before: only the plan's.
    expect(said).toEqual([
      `[turn 4] warning: ${folder}/${name}: keeper: a kept vector could not be used: it is not JSON; its memory was embedded again by the embedding model embedder (toy-embed), charged with this turn, and written anew`,
      `[turn 4] warning: ${folder}/${name}: keeper: a kept vector could not be used: it is not a JSON object; its memory is ranked by its words alone this turn, and embedded again by the embedding model embedder (toy-embed) when it next answers, charged with that turn`,
    ]);
  });
});

