import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemming } from '../helpers/cli.js';

/**
 * The ledger is read on from the offset the engine's state counted it to. A line put into the
 * ledger before that offset moves the counted offset into the middle of a later line, and `status`
 * and `run` named that later line (a whole charge, valid to the eye) as the one that is no line of
 * JSON, where `validate` named the line put in: mending the line named would have removed a charge.
 * Now they name the line put in, as `validate` does; a whole line put in (a copy of a charge), which
 * every reader counts, is said as the counted bytes changed, as `validate` says it.
 */

const org = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'Plan the release']);
  step(root, ['run', '--turns', '3']);
});

const LEDGER = 'org/state/ledger.jsonl';

describe('a line of garbage put into the counted ledger', () => {
  test('status, run and validate name that line, and the line after it is not named', () => {
    const root = org();
    const lines = readFileSync(join(root, LEDGER), 'utf8').split('\n');
    expect(lines.filter((line) => line.includes('"type":"charge"'))).toHaveLength(3);
    lines.splice(1, 0, 'this is not json');
    writeFileSync(join(root, LEDGER), lines.join('\n'));
    const ledger = readFileSync(join(root, LEDGER), 'utf8');

    for (const args of [['status'], ['run', '--turns', '1', '--plain']]) {
      const result = lemming(root, args);
      expect(result.status, args.join(' ')).toBe(4);
      expect(result.stderr, args.join(' ')).toMatch(/^lemming: org\/state\/ledger\.jsonl line 2: is not a line of JSON\. /);
      expect(result.stderr, args.join(' ')).not.toMatch(/line [34]:/);
    }
    const validate = lemming(root, ['validate']);
    expect(validate.status).toBe(1);
    expect(validate.stdout).toMatch(/^error: org\/state\/ledger\.jsonl:2: is not a line of JSON/m);
    expect(readFileSync(join(root, LEDGER), 'utf8')).toBe(ledger);

    // Mended as the message says, by removing that line: the balances are as the engine counted them.
    lines.splice(1, 1);
    writeFileSync(join(root, LEDGER), lines.join('\n'));
    const status = lemming(root, ['status']);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^manager\s+offline\s+0\.4970 \/ 0\.5000/m);
  });

  test('a counted charge line copied in its place stops status and run naming the counted bytes changed, not a line that is whole', () => {
    const root = org();
    const lines = readFileSync(join(root, LEDGER), 'utf8').split('\n');
    lines.splice(1, 0, lines[0] as string);
    writeFileSync(join(root, LEDGER), lines.join('\n'));
    for (const args of [['status'], ['run', '--turns', '1', '--plain']]) {
      const result = lemming(root, args);
      expect(result.status, args.join(' ')).toBe(4);
      expect(result.stderr, args.join(' ')).toMatch(/^lemming: org\/state\/ledger\.jsonl: its first \d+ bytes, which every balance was counted from .* are not the bytes the engine counted .*: lines before that offset were changed by hand \(a line edited, put in or removed\)/);
      expect(result.stderr, args.join(' ')).not.toContain('is not a line of JSON');
    }
    const validate = lemming(root, ['validate']);
    expect(validate.status).toBe(1);
    expect(validate.stdout).toContain('lines before that offset were changed by hand');
  });
});
