import { expect, test } from 'vitest';
import { callRepeatability, repeatabilityLine } from '../../src/blame/call-repeatability.js';
import { reportProvenance } from '../../src/provenance/report-provenance.js';
import type { ModelEntry } from '../../src/org/schema.js';
import { modelEntry } from '../helpers/provider-requests.js';

/*
 * blame's report says of each model whether a control can repeat its calls, with the temperature
 * they are sent with; the report's provenance table says the temperature too. A seat played by a
 * program (`provider: command`) or an endpoint (`http`) read "temperature the provider's default
 * (lemming sends no temperature)" in the first, where the table says "none sent: a program answers":
 * two words for one fact, the first wrong of a program. Now both read the one rule.
 */

const REGISTRY: Record<string, ModelEntry> = {
  seat: modelEntry({ provider: 'command', model: 'seat', command: 'node', args: ['seat.mjs'] }),
  hook: modelEntry({ provider: 'http', model: 'hook', url: 'http://127.0.0.1:9/agent' }),
  cloud: modelEntry({ provider: 'anthropic' }),
  chat: modelEntry({ provider: 'openai', seed: 4 }),
  offline: modelEntry({ provider: 'offline', seed: 7 }),
};

test("a program's and an endpoint's seats are said as the provenance says them: no temperature sent, not the provider's default", () => {
  expect(repeatabilityLine(callRepeatability('seat', REGISTRY.seat!))).toBe(
    'seat (command, temperature none sent: a program answers) cannot repeat a call: it takes no seed, so its controls are new calls and measure how much its answers vary.',
  );
  expect(repeatabilityLine(callRepeatability('hook', REGISTRY.hook!))).toContain('(http, temperature none sent: an endpoint answers) cannot repeat a call');
});

test("every provider's temperature in blame's lines is the provenance table's for the same entry", () => {
  const provenance = reportProvenance([{ registry: REGISTRY, answered: Object.keys(REGISTRY).map((entry) => ({ agent: `agent_${entry}`, entry })) }]);
  for (const [key, entry] of Object.entries(REGISTRY)) {
    const row = provenance.models.find((model) => model.entry === key);
    expect(callRepeatability(key, entry).temperature, key).toBe(row?.temperature);
  }
  expect(callRepeatability('chat', REGISTRY.chat!)).toMatchObject({ repeats: 'best-effort', seed: 4 });
  expect(callRepeatability('offline', REGISTRY.offline!)).toMatchObject({ repeats: 'exactly', seed: 7 });
});
