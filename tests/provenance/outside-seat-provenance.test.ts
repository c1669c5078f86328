import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';

/*
 * A seat played by a program (`provider: command`: a scripted seat of a planted study, an agent
 * program such as Claude Code) answers as its program does. Before, a report of its answers said
 * `| seat | command | command | not sent: the provider's default | … |`: no program named, and a
 * temperature "default" no program has. Now the model names the program as org.yaml runs it, the
 * temperature says none is sent, and the report says what such figures are, as it does of the
 * offline model's.
 */

const SEAT = `import { readFileSync } from 'node:fs';
readFileSync(0);
process.stdout.write(JSON.stringify({ text: '', tool_calls: [{ id: 'call_1', name: 'send_message', arguments: { to: 'human', subject: 'Done', body: 'Done.' } }], usage: { input_tokens: 10, output_tokens: 5 } }) + '\\n');
`;

test("a report of a program seat's answers names the program and says what its figures are", () => {
  const root = defaultOrg();
  writeFileSync(join(root, 'seat.mjs'), SEAT);
  const orgFile = join(root, 'org/org.yaml');
  const entry = ['  seat:', '    provider: command', `    command: ${JSON.stringify(process.execPath)}`, `    args: [${JSON.stringify(join(root, 'seat.mjs'))}]`, '    prompt: json', '    reply: json', '    input_price: 0', '    output_price: 0', '    context_window: 32000', '    max_retries: 0', ''].join('\n');
  writeFileSync(orgFile, readFileSync(orgFile, 'utf8').replace('models:\n', `models:\n${entry}`));
  const resume = join(root, 'agents/manager/resume.md');
  writeFileSync(resume, readFileSync(resume, 'utf8').replace(/model: \S+/, 'model: seat'));
  expect(lemming(root, ['send', 'manager', 'Hello', '--subject', 'Hi']).status).toBe(0);
  const ran = lemming(root, ['run', '--plain', '--until', '1']);
  expect(ran.status, ran.stderr).toBe(0);

  const analyzed = lemming(root, ['analyze', '--json']);
  expect(analyzed.status, analyzed.stderr).toBe(0);
  const provenance = (JSON.parse(analyzed.stdout) as { provenance: { models: Array<{ entry: string; provider: string; model: string; temperature: string; note?: string }> } }).provenance;
  expect(provenance.models).toHaveLength(1);
  expect(provenance.models[0]).toMatchObject({ entry: 'seat', provider: 'command', model: `the program ${process.execPath} ${join(root, 'seat.mjs')}`, temperature: 'none sent: a program answers' });

  const markdown = lemming(root, ['analyze']).stdout;
  expect(markdown).toContain(`| seat | command | the program ${process.execPath} ${join(root, 'seat.mjs')} | none sent: a program answers |`);
  expect(markdown).toContain('command: a program, not a model lemming calls');
});
