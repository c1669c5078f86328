import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { OrgLoader } from '../../src/org/load-org.js';
import { parseOrgFile } from '../../src/org/parse-files.js';
import { defaultOrg, write } from '../helpers/temp-org.js';

/** The problems of an org.yaml holding these lines after its name, as `lemming validate` words them. */
function problemsOf(lines: string[]): string[] {
  return parseOrgFile(['name: x', 'models:', '  offline: { provider: offline, model: offline-1, input_price: 0, output_price: 0, context_window: 1000 }', ...lines, ''].join('\n')).problems.map(formatProblem);
}

describe('validating outside agents, seats and notifications', () => {
  test('each provider names the field it needs, with a valid example; a field of another provider is refused by name', () => {
    expect(problemsOf(['  bot: { provider: command, input_price: 0, output_price: 0, context_window: 1000 }'])).toEqual([
      'org/org.yaml:4: models.bot.command: is required for provider command; a valid value looks like `command: ./agents/bin/reviewer.sh   # a program on PATH, or a path from the org root`',
    ]);
    expect(problemsOf(['  hook: { provider: http, url: "not a url", input_price: 0, output_price: 0, context_window: 1000 }'])[0]).toMatch(/^org\/org\.yaml:4: models\.hook\.url: .*; a valid value looks like `url: http:\/\/127\.0\.0\.1:8931\/agent`$/);
    expect(problemsOf(['  bot: { provider: command, command: ./bot.sh, url: "http://x.test", input_price: 0, output_price: 0, context_window: 1000 }'])).toEqual([
      expect.stringMatching(/models\.bot\.url: is not a setting of provider command \(it is for provider http\); remove it/),
    ]);
    expect(problemsOf(['  gpt: { provider: openai, input_price: 0, output_price: 0, context_window: 1000 }'])).toEqual([expect.stringMatching(/models\.gpt\.model: is required for provider openai; a valid value looks like `model: gpt-4o-mini`/)]);
    expect(problemsOf(['  bot: { provider: command, command: ./bot.sh, price_per_call: -1, input_price: 0, output_price: 0, context_window: 1000 }'])[0]).toMatch(/models\.bot\.price_per_call: .*`price_per_call: 0\.05/);
  });

  test('notify entries and outside seats: a bad format, an unknown event, and a seat the engine calls are each named', () => {
    expect(problemsOf(['notify:', '  - { url_env: HOOK, format: teams }'])[0]).toMatch(/^org\/org\.yaml:\d+: notify\.0\.format: .*; a valid value looks like `format: slack   # json \| slack`$/);
    expect(problemsOf(['notify:', '  - { url_env: HOOK, on: [everything] }'])[0]).toMatch(/notify\.0\.on\.0: .*human-message/);
    // A URL in the file is refused: it comes from the environment, where a secret belongs.
    expect(problemsOf(['notify:', '  - { url: "https://hooks.slack.com/x" }'])).toEqual(
      expect.arrayContaining([expect.stringMatching(/notify\.0\.url: unknown field "url"; the fields here are url_env, /), expect.stringMatching(/notify\.0\.url_env: is required but missing; a valid value looks like `url_env: SLACK_WEBHOOK_URL/)]),
    );

    const root = defaultOrg();
    write(root, 'org/org.yaml', `${readFileSync(join(root, 'org', 'org.yaml'), 'utf8')}\noutside_seats: [planner, ghost]\n`);
    const problems = new OrgLoader(root).load().problems.map(formatProblem);
    expect(problems).toContainEqual(expect.stringMatching(/^org\/org\.yaml:\d+: outside_seats\.0: planner is called by the engine \(model offline\); a seat an outside program takes is a person's: give it `model: human`/));
    expect(problems).toContainEqual(expect.stringMatching(/^org\/org\.yaml:\d+: outside_seats\.1: names no agent of this org \(there is no agents\/ghost\/resume\.md\)/));
  });
});
