import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli, repo, type BenchContext } from '../context.js';
import type { CacheStudy } from '../prompt-cache-study.js';
import type { Row } from '../row.js';

/**
 * What the providers' prompt caches save: bench/prompt-cache-study.ts in a process of its own,
 * against a local server that charges as Anthropic's cache does (bench/caching-server.ts).
 * Credits, not time: the figure does not depend on the machine.
 */
export function promptCache(context: BenchContext): Row[] {
  const storage = context.storages[0];
  if (!storage) return [];
  const directory = mkdtempSync(join(storage.directory, 'prompt-cache-'));
  try {
    const script = join(repo, 'dist-bench', 'bench', 'prompt-cache-study.js');
    const study = JSON.parse(execFileSync(process.execPath, [script, directory, cli], { encoding: 'utf8', maxBuffer: 1024 * 1024 })) as CacheStudy;
    const shares = Object.values(study.prefixStable);
    const lowest = Math.min(...shares);
    const mean = shares.reduce((sum, share) => sum + share, 0) / shares.length;
    context.log(`  credits with cache marks ${study.creditsWith.toFixed(4)}, without ${study.creditsWithout.toFixed(4)} (${study.ratio.toFixed(2)}×); prefix-stable share ${(100 * lowest).toFixed(1)} %`);
    const of = `${study.agents} agents × ${study.turns} turns, about 4,000 tokens of unchanging prompt each`;
    return [
      {
        what: `credits charged with cache marks against without (${of}; ${study.creditsWith.toFixed(4)} against ${study.creditsWithout.toFixed(4)})`,
        figure: { ratio: study.ratio, of: `tokens read from the cache ${study.tokens.read}, written ${study.tokens.written}, neither ${study.tokens.uncached}` },
        target: { text: '≤ 0.5×', met: study.ratio <= 0.5 },
      },
      {
        what: 'prefix-stable share: of each call\'s prompt, the part that repeats the same agent\'s previous call byte for byte',
        figure: { ratio: lowest, of: `the lowest of ${shares.length} agents (mean ${(100 * mean).toFixed(1)} %)` },
      },
    ];
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
