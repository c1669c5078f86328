import { afterEach, describe, expect, test } from 'vitest';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { HAS_SCRIPT, TerminalSession } from './helpers/pty.js';
import { pageContaining } from '../helpers/docs.js';
import { tempOrg } from './helpers/temp-org.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** The docs' sample of the run screen (docs/terminal-ui.md): the block that follows "The README's session … 100 columns wide". */
function readmeSample(): string {
  const { text } = pageContaining(SAMPLE_INTRO);
  const start = text.indexOf('```\n', text.indexOf(SAMPLE_INTRO)) + 4;
  return text.slice(start, text.indexOf('```', start)).trimEnd();
}

const SAMPLE_INTRO = "[The README's session](../README.md#a-session), in a terminal 100 columns wide";

/** Token and credit figures move with every change to the prompts; what the screen shows around them must not. */
function withoutFigures(text: string): string {
  return text.replace(/\d[\d,]* tokens/g, 'N tokens').replace(/\d+\.\d{4}/g, 'C');
}

describe.skipIf(!HAS_SCRIPT)("the run screen the docs show", () => {
  test('is what a real run of the session it describes shows', async () => {
    const org = tempOrg();
    cleanups.push(org.remove);
    sendAsHuman(org.root, loadOrg(org.root).org, { to: 'manager', body: 'Write release notes for 1.2', subject: 'Release notes' });
    const screen = new TerminalSession(['run', '--paused', '--root', org.root], { cols: 100, rows: 30 });
    cleanups.push(() => screen.kill());
    await screen.waitFor('paused after turn 0');
    await screen.waitFor('watching hand edits');
    const mark = screen.mark();
    screen.press('s');
    await screen.waitFor(/paused after turn 1[\s\S]*Totals: 1 turn/, mark);
    screen.press('q');
    await screen.exited;
    const shown = screen.text().slice(mark);
    const sample = readmeSample();
    const frameStart = shown.indexOf(sample.split('\n')[0] as string);
    expect(frameStart).toBeGreaterThanOrEqual(0);
    const frame = shown.slice(frameStart, shown.indexOf('\n', shown.indexOf('Totals: 1 turn', frameStart)));
    expect(withoutFigures(frame.trimEnd())).toBe(withoutFigures(sample));
  });
});
