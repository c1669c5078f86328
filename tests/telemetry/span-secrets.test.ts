import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { expect, test } from 'vitest';
import { registerSecret } from '../../src/secrets/secrets.js';
import { TurnTracer } from '../../src/telemetry/turn-tracer.js';
import { emptyStats } from '../../src/engine/run-totals.js';

test('a secret the org names never reaches a span: tool arguments, errors, subjects and reasons are cut by the one gate', () => {
  const key = 'sk-live-0123456789abcdef';
  registerSecret('OPENAI_API_KEY', key);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = new TurnTracer(provider.getTracer('test'), { org: 'acme', modelOf: () => ({ provider: 'openai', model: 'gpt-4o-mini' }) });

  tracer.observe({ type: 'turn-started', turn: 1, agents: ['coder'], recovering: false }, 1000);
  tracer.observe({ type: 'agent-called', turn: 1, agent: 'coder', model: 'fast', reason: 'mail', inbox: 1, deferred: 0 }, 1001);
  tracer.observe({ type: 'agent-step', turn: 1, agent: 'coder', step: 1, tools: [{ name: 'run_command', args: `{"command":"curl -H 'Authorization: Bearer ${key}'"}`, error: `401 for ${key}`, command: { exit: 1, stdoutBytes: 0, stderrBytes: 12 } }] }, 1002);
  tracer.observe({ type: 'message-refused', turn: 1, from: 'coder', to: 'ceo', reason: `no edge (${key})`, cause: 'chart' }, 1003);
  tracer.observe({ type: 'agent-error', turn: 1, agent: 'coder', message: `the vendor said: bad key ${key}` }, 1004);
  tracer.observe({ type: 'agent-done', turn: 1, agent: 'coder', sent: 0, refused: 1 }, 1005);
  tracer.observe({ type: 'turn-finished', turn: 1, stats: { ...emptyStats(), called: 1, refused: 1, refusals: { ...emptyStats().refusals, chart: 1 }, errors: 1, inputTokens: 10, outputTokens: 5, credits: 0.01, durationMs: 5 } }, 1006);

  const spans = exporter.getFinishedSpans();
  expect(spans.map((span) => span.name).sort()).toEqual(['chat gpt-4o-mini', 'execute_tool run_command', 'invoke_agent coder', 'sandbox run_command', 'turn 1']);
  const everything = JSON.stringify(spans.map((span) => ({ attributes: span.attributes, status: span.status, events: span.events })));
  expect(everything).not.toContain(key);
  expect(everything).toContain('[secret OPENAI_API_KEY]');
  const tool = spans.find((span) => span.name === 'execute_tool run_command')!;
  expect(tool.attributes['lemming.tool.arguments']).toBe(`{"command":"curl -H 'Authorization: Bearer [secret OPENAI_API_KEY]'"}`);
  expect(tool.status.message).toBe('401 for [secret OPENAI_API_KEY]');
  const call = spans.find((span) => span.name === 'invoke_agent coder')!;
  expect(call.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
  expect(call.status.message).toBe('the vendor said: bad key [secret OPENAI_API_KEY]');
});
