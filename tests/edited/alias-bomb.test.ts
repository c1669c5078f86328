import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { lemming } from '../helpers/cli.js';
import { listOutbox, tempDir } from '../helpers/org-files.js';
import { aliasBomb, withFrontMatterLines } from '../helpers/hostile-yaml.js';
import { defaultFaultOrg, eventsOf, humanSends, inboxOf, readText, requestsOf, runScripted, writeFile } from '../faults/fault-org.js';
import { checkInvariants } from '../faults/invariants.js';

const RESUME = 'agents/manager/resume.md';

/**
 * An agent program that, on its first call, puts `bomb` at the top of its own resume's front
 * matter and hands the planner a task; on later calls it answers the human.
 */
function bomberProgram(bomb: string): string {
  return `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
process.stdin.resume();
process.stdin.on('end', () => {
  if (!existsSync('bombed')) {
    writeFileSync('bombed', '');
    writeFileSync('../resume.md', readFileSync('../resume.md', 'utf8').replace(/^---\\n/, '---\\n' + ${JSON.stringify(bomb)}));
    process.stdout.write('=== send_message\\nto: planner\\nbody:\\nPlan it.\\n=== end\\n');
  } else process.stdout.write('=== send_message\\nto: human\\nbody:\\nDone.\\n=== end\\n');
});
`;
}
const CHART = 'org/chart.yaml';

describe('a YAML alias bomb written into an org file', () => {
  test('into a resume during a run: reported with file and line, the last valid resume stays in force, the run goes on', async () => {
    const root = defaultFaultOrg();
    const resume = readText(root, RESUME);
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'manager' && request.turn === 1) {
        writeFile(root, RESUME, withFrontMatterLines(resume, aliasBomb()));
        return { toolCalls: [sendCall('planner', 'Plan it.')] };
      }
      if (request.agent === 'planner' && request.turn === 2) return { toolCalls: [sendCall('manager', 'Planned.')] };
      return {};
    });
    const events = await runScripted(root, provider);

    const invalid = eventsOf(events, 'org-invalid');
    expect(invalid[0]?.turn).toBe(2);
    const problem = invalid[0]?.problems.find((found) => found.file === RESUME);
    // The first alias is on the third line of the file (the bomb starts on line 2).
    expect(problem).toMatchObject({ file: RESUME, line: 3, severity: 'error', message: expect.stringMatching(/alias/) });
    // The manager ran on its last valid resume at turn 3 and read the planner's answer.
    expect(provider.requests.map((request) => `${request.turn}:${request.agent}`)).toEqual(['1:manager', '2:planner', '3:manager']);
    expect(requestsOf(provider, 'manager')[1]?.system).toContain('You are manager, Engineering manager');
    expect(inboxOf(requestsOf(provider, 'manager')[1]).map((item) => item.body)).toEqual(['Planned.']);
    expect(eventsOf(events, 'run-finished')[0]).toMatchObject({ reason: 'idle' });
    writeFile(root, RESUME, resume);
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);
  });

  test('into org/chart.yaml during a run: reported with file and line, the last valid chart stays in force', async () => {
    const root = defaultFaultOrg();
    const chart = readText(root, CHART);
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'manager' && request.turn === 1) {
        writeFile(root, CHART, `${aliasBomb()}${chart}`);
        return { toolCalls: [sendCall('planner', 'Plan it.')] };
      }
      if (request.agent === 'planner' && request.turn === 2) return { toolCalls: [sendCall('manager', 'Planned.')] };
      return {};
    });
    const events = await runScripted(root, provider);

    const invalid = eventsOf(events, 'org-invalid');
    expect(invalid[0]?.turn).toBe(2);
    expect(invalid[0]?.problems.filter((problem) => problem.severity === 'error')).toEqual([
      expect.objectContaining({ file: CHART, line: 2, message: expect.stringMatching(/alias/) }),
    ]);
    expect(inboxOf(requestsOf(provider, 'manager')[1]).map((item) => item.body)).toEqual(['Planned.']);
    writeFile(root, CHART, chart);
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);
  });
});

describe('lemming validate and lemming run on an org holding an alias bomb', () => {
  test('validate names the file, the line and what is wrong, and exits 1; never "unexpected error"', () => {
    const root = defaultFaultOrg();
    writeFile(root, 'agents/planner/resume.md', withFrontMatterLines(readText(root, 'agents/planner/resume.md'), aliasBomb()));
    writeFile(root, CHART, `${readText(root, CHART)}${aliasBomb(12, 'boom')}`);
    const result = lemming(root, ['validate']);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^error: agents\/planner\/resume\.md:3: .*alias/m);
    expect(result.stdout).toMatch(/^error: org\/chart\.yaml:\d+: .*alias/m);
  });

  test('run whose agent program writes the bomb into its own resume mid-run: reported, the run goes on and ends idle, exit 0', () => {
    const root = defaultFaultOrg();
    // The manager is a program (provider: command, run unsandboxed in its workspace): its first call bombs its resume.
    const program = join(tempDir('lemming-bomber-'), 'bomber.mjs');
    writeFileSync(program, bomberProgram(aliasBomb()));
    const orgYaml = readText(root, 'org/org.yaml').replace(/^models:\n/m, `models:\n  bomber: { provider: command, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(program)}], input_price: 1, output_price: 1, context_window: 32000 }\n`);
    writeFile(root, 'org/org.yaml', orgYaml);
    writeFile(root, RESUME, readText(root, RESUME).replace(/^model: offline$/m, 'model: bomber'));
    expect(lemming(root, ['send', 'manager', 'Hello']).status).toBe(0);
    const result = lemming(root, ['run', '--plain']);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.status).toBe(0);
    expect(readText(root, RESUME)).toContain('*lol0');
    expect(`${result.stdout}${result.stderr}`).toMatch(/agents\/manager\/resume\.md:3: .*alias/);
    // The planner got the manager's mail, and the manager read the planner's answer on its last valid resume.
    expect(listOutbox(root, 'manager').length).toBeGreaterThanOrEqual(2);
  });

  test('run on an org whose resume holds a bomb from the start: refused with the file and line, exit 1, never "unexpected error"', () => {
    const root = defaultFaultOrg();
    writeFile(root, RESUME, withFrontMatterLines(readText(root, RESUME), aliasBomb()));
    const result = lemming(root, ['run', '--plain']);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/agents\/manager\/resume\.md:3: .*alias/);
  });

});
