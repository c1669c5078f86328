import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { embeddingsServer } from '../helpers/embeddings-server.js';
import { embeddingOrg, humanSendsAll } from '../helpers/memory-org.js';
import { runEngine } from '../helpers/temp-org.js';
import { wireServerPerTest } from '../helpers/wire-server.js';

const startServer = wireServerPerTest();

/** The embedding entry's timeout: a Ctrl-C that waited for it would be seen as its words in the run's warning. */
const TIMEOUT_MS = 8_000;

/** The keeper's sent messages (its outbox is made with its first). */
function keeperSent(root: string): string[] {
  const outbox = join(root, 'agents/keeper/outbox');
  return existsSync(outbox) ? readdirSync(outbox) : [];
}

describe('a stop while the embedding server is asked (org.yaml memory.embeddings)', () => {
  test('the run stops the request at once and says so, not at timeout_ms; the next run finishes the turn', async () => {
    const stop = new AbortController();
    // A server that takes the request and never answers; the run is stopped as it arrives.
    const server = await startServer(() => {
      stop.abort();
      return { hang: true };
    });
    const root = embeddingOrg(server.url);
    const orgFile = join(root, 'org/org.yaml');
    writeFileSync(orgFile, readFileSync(orgFile, 'utf8').replace('context_window: 8192 }', `context_window: 8192, timeout_ms: ${TIMEOUT_MS} }`));
    humanSendsAll(root, [{ subject: 'Auditor', body: 'Which auditor did we hire?' }]);

    const stopped = await runEngine(root, { maxTurns: 5, signal: stop.signal });
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/embeddings']);
    const warnings = stopped.flatMap((event) => (event.type === 'warning' ? [event.message] : []));
    expect(warnings).toContain("keeper's memories are ranked by their words alone this turn: the run was stopped while the embedding model embedder was asked");
    expect(warnings.join('\n')).not.toMatch(/timed out|timeout/i);
    // Stopped before any call: nothing written, nothing charged.
    expect(keeperSent(root)).toEqual([]);
    expect(stopped.some((event) => event.type === 'credits-charged')).toBe(false);

    // Once the server answers, the next run finishes the turn: the keeper answers.
    server.handle(embeddingsServer);
    await runEngine(root, { maxTurns: 5 });
    expect(keeperSent(root).filter((name) => name.endsWith('-human.md'))).toHaveLength(1);
  }, 60_000);
});
