import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { defaultOrg, humanSends } from '../helpers/temp-org.js';

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await receiver.close();
});

const events = (stdout: string): EngineEvent[] => stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as EngineEvent);
const named = (prefix: string): ReceivedSpan[] => receiver.spans.filter((span) => span.name.startsWith(prefix));

/** The spans a run's events should have made: a turn each, an agent call each, a model step each, a tool each. */
function expectedCounts(stream: EngineEvent[]): Record<string, number> {
  const steps = stream.filter((event): event is Extract<EngineEvent, { type: 'agent-step' }> => event.type === 'agent-step');
  return {
    turn: stream.filter((event) => event.type === 'turn-started').length,
    invoke_agent: stream.filter((event) => event.type === 'agent-called').length,
    chat: steps.length,
    execute_tool: steps.reduce((sum, step) => sum + step.tools.length, 0),
    sandbox: steps.reduce((sum, step) => sum + step.tools.filter((tool) => tool.command !== undefined).length, 0),
  };
}

function receivedCounts(): Record<string, number> {
  return { turn: named('turn ').length, invoke_agent: named('invoke_agent ').length, chat: named('chat ').length, execute_tool: named('execute_tool ').length, sandbox: named('sandbox ').length };
}

/** Checks what every run sent: one trace per turn, each span in its turn's trace under the right parent, the GenAI attributes. */
function expectTracesOfTheDefaultOrg(turns: number): void {
  const roots = named('turn ');
  expect(roots.map((span) => span.name)).toEqual(Array.from({ length: turns }, (_, index) => `turn ${index + 1}`));
  expect(roots.every((span) => span.parentSpanId === undefined)).toBe(true);
  // One trace per turn: every span belongs to the trace of a turn, and no two turns share one.
  expect(new Set(roots.map((span) => span.traceId)).size).toBe(turns);
  expect(new Set(receiver.spans.map((span) => span.traceId)).size).toBe(turns);
  const byId = new Map(receiver.spans.map((span) => [span.spanId, span]));
  for (const span of receiver.spans.filter((each) => each.parentSpanId !== undefined)) {
    const parent = byId.get(span.parentSpanId!);
    expect(parent?.traceId, span.name).toBe(span.traceId);
    const parentKind = span.name.split(' ')[0];
    expect({ span: span.name, parent: parent?.name.split(' ')[0] }).toEqual({ span: span.name, parent: { invoke_agent: 'turn', chat: 'invoke_agent', execute_tool: 'chat', sandbox: 'execute_tool' }[parentKind!] });
  }
  expect(receiver.spans[0]?.resource['service.name']).toBe('lemming');

  const coder = named('invoke_agent coder_01')[0]!;
  expect(coder.attributes).toMatchObject({
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'coder_01',
    'gen_ai.system': 'offline',
    'gen_ai.provider.name': 'offline',
    'gen_ai.request.model': 'offline-1',
    'gen_ai.response.finish_reasons': ['stop'],
    'lemming.agent': 'coder_01',
    'lemming.turn': 3,
    'lemming.sent': 1,
  });
  expect(coder.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(1000);
  expect(coder.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(100);
  expect(coder.attributes['lemming.credits']).toBeGreaterThan(0);
  const writing = named('execute_tool write_file').filter((span) => span.attributes['lemming.agent'] === 'coder_01')[0]!;
  expect(writing.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'write_file', 'lemming.turn': 3, 'lemming.tool.written': 'agents/coder_01/workspace/work/plan-the-first-release.md' });
  // A step that asked for tools finished for them; the last step, which answered, stopped.
  const coderSteps = named('chat offline-1').filter((span) => span.attributes['lemming.agent'] === 'coder_01');
  expect(coderSteps.map((span) => span.attributes['gen_ai.response.finish_reasons'])).toEqual([...coderSteps.slice(0, -1).map(() => ['tool_calls']), ['stop']]);
  const turn5 = roots[4]!;
  expect(turn5.attributes['lemming.turn']).toBe(5);
  expect(turn5.attributes['lemming.credits']).toBeGreaterThan(0);
  expect(turn5.events.some((event) => event.name === 'message-delivered' && event.attributes['lemming.message.to'] === 'human')).toBe(true);
}

describe('OpenTelemetry: every turn a trace, sent to an OTLP/HTTP receiver', () => {
  test('lemming run --otlp sends one trace per turn, a span for each agent call, model step, tool and sandboxed command, with the GenAI attributes', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the first release', 'Plan the first release');
    const run = await lemmingAsync(root, ['run', '--json', '--otlp', receiver.url]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const stream = events(run.stdout);
    expect(stream.at(-1)).toMatchObject({ type: 'run-finished', reason: 'idle', turns: 5 });
    expect(receiver.refused).toEqual([]);
    expect(receivedCounts()).toEqual(expectedCounts(stream));
    expectTracesOfTheDefaultOrg(5);
    // The calls were made here, not by workers: no job spans (tests/queue/telemetry-jobs.test.ts has them).
    expect(named('worker job ')).toEqual([]);
  });

  test('org.yaml telemetry.otlp turns it on for every run; lemming trace --otlp sends a finished run again from its logs', async () => {
    const root = defaultOrg();
    appendFileSync(join(root, 'org', 'org.yaml'), `telemetry: { otlp: "${receiver.url}" }\n`);
    humanSends(root, 'manager', 'Plan the first release', 'Plan the first release');
    const run = await lemmingAsync(root, ['run', '--json']);
    expect(run.status).toBe(0);
    const live = receivedCounts();
    expect(live).toEqual(expectedCounts(events(run.stdout)));
    // Why each agent was called (its mail, or its schedule: the janitor's turn 5), as its log's `called` line keeps it.
    const liveAttributes = named('invoke_agent ').map((span) => [span.name, span.attributes['gen_ai.usage.input_tokens'], span.attributes['lemming.credits'], span.attributes['lemming.reason']]);

    receiver.spans.length = 0;
    const sent = await lemmingAsync(root, ['trace', '--otlp', receiver.url]);
    expect(sent.stderr).toBe('');
    expect(sent.stdout).toBe(`sent 5 turn(s) as traces to ${receiver.url}/v1/traces (turns 1 to 5)\n`);
    expect(receivedCounts()).toEqual(live);
    expectTracesOfTheDefaultOrg(5);
    expect(named('invoke_agent ').map((span) => [span.name, span.attributes['gen_ai.usage.input_tokens'], span.attributes['lemming.credits'], span.attributes['lemming.reason']])).toEqual(liveAttributes);

    receiver.spans.length = 0;
    const one = await lemmingAsync(root, ['trace', '--otlp', receiver.url, '--turn', '3']);
    expect(one.stdout).toContain('sent 1 turn(s)');
    expect(named('turn ').map((span) => span.name)).toEqual(['turn 3']);
  });

  test('off by default: a run without a setting sends nothing', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the first release');
    expect((await lemmingAsync(root, ['run', '--turns', '2'])).status).toBe(0);
    expect(receiver.spans).toEqual([]);
  });

  test('a bad endpoint is refused naming the flag or the field and what a valid one looks like; an endpoint that is down is a warning, and the run goes on', async () => {
    const root = defaultOrg();
    const flag = lemming(root, ['run', '--otlp', 'localhost:4318']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain("option '--otlp <url>' argument 'localhost:4318' is invalid. expected an http:// or https:// URL of an OTLP/HTTP endpoint, for example http://localhost:4318");

    const neither = lemming(root, ['trace']);
    expect({ status: neither.status, stderr: neither.stderr }).toEqual({ status: 2, stderr: "lemming: lemming trace takes an agent, like `lemming trace coder_01`, or --otlp URL to send the run's turns\n" });

    appendFileSync(join(root, 'org', 'org.yaml'), 'telemetry: { otlp: "jaeger:4318" }\n');
    const validate = lemming(root, ['validate']);
    expect(validate.status).toBe(1);
    expect(validate.stdout + validate.stderr).toMatch(/org\/org\.yaml.*telemetry\.otlp.*must be an http:\/\/ or https:\/\/ URL of an OTLP\/HTTP endpoint, for example http:\/\/localhost:4318/);

    const other = defaultOrg();
    humanSends(other, 'manager', 'Plan the first release');
    const closed = await startOtlpReceiver();
    await closed.close();
    const run = await lemmingAsync(other, ['run', '--turns', '1', '--plain', '--otlp', closed.url]);
    expect(run.status).toBe(0);
    // Said once, in the words true when it is said: during the run as its warning, after it on stderr (otlp-hostile-collector.test.ts holds which).
    const said = `${run.stdout}${run.stderr}`.split('\n').filter((line) => line.includes('telemetry:'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`could not be sent to ${closed.url}/v1/traces (connect ECONNREFUSED`);
  });
});
