import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The floor of a whole `run-once` process: Node, with no module of lemming's, doing the file
 * work a turn of every agent with mail cannot do without. It reads the org's two files, lists
 * the agents, and for each one reads its resume, lists its outbox (the whole history: a copied
 * org has no hints to skip it), reads its newest message, writes one reply (temporary file,
 * then rename) and appends one line to its log, making its logs folder first as a first turn does. Run as `node read-org-floor.js ROOT`.
 */
function readOrg(root: string): number {
  readFileSync(join(root, 'org', 'org.yaml'), 'utf8');
  readFileSync(join(root, 'org', 'chart.yaml'), 'utf8');
  let replies = 0;
  for (const name of readdirSync(join(root, 'agents')).sort()) {
    const folder = join(root, 'agents', name);
    readFileSync(join(folder, 'resume.md'), 'utf8');
    const outbox = join(folder, 'outbox');
    let messages: string[];
    try {
      messages = readdirSync(outbox).filter((file) => file.endsWith('.md')).sort();
    } catch {
      continue; // The human's folder, or one with no outbox yet.
    }
    const newest = messages[messages.length - 1];
    if (newest === undefined) continue;
    const body = readFileSync(join(outbox, newest), 'utf8');
    const reply = join(outbox, `floor-${process.pid}.md`);
    writeFileSync(`${reply}.tmp`, `---\nto: ${name}\n---\n${body.slice(0, 200)}`);
    renameSync(`${reply}.tmp`, reply);
    mkdirSync(join(folder, 'logs'), { recursive: true });
    appendFileSync(join(folder, 'logs', 'floor.log'), `${newest}\n`);
    replies += 1;
  }
  return replies;
}

const root = process.argv[2];
if (root === undefined) throw new Error('usage: node read-org-floor.js ROOT');
process.stdout.write(`${readOrg(root)}\n`);
