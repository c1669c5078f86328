import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { EngineEvent } from '../engine/events.js';
import type { CommandSummary } from '../tools/commands/command-summary.js';
import { spanAttributes, type AttributeInput } from './span-attributes.js';

/** What the registry says of a model key: its provider and the vendor's name for it. */
export interface ModelFacts {
  provider: string;
  model: string;
}

/** What a TurnTracer is told besides the events. */
export interface TurnTracerOptions {
  /** The provider and vendor model of a registry key (`undefined`: not in the registry). */
  modelOf(key: string): ModelFacts | undefined;
  /** The org's name, on every turn's span. */
  org: string;
  /** Model calls go to `lemming worker` processes through a queue: each call is also a worker job's span. */
  queued?: boolean;
}

/** An agent's call while it is open: its span, where its current step began, what it has cost. */
interface OpenCall {
  span: Span;
  /** When the call began (epoch milliseconds). */
  startedAt: number;
  /** Steps seen: each was a model call, and a worker's job when calls go through a queue. */
  steps: number;
  model: string;
  provider: string | undefined;
  stepStart: number;
  lastStepHadTools: boolean;
  inputTokens: number;
  outputTokens: number;
  credits: number;
  failed: boolean;
}

const GEN_AI_FINISH = { tools: 'tool_calls', stop: 'stop', error: 'error' } as const;

/**
 * The engine's event stream as OpenTelemetry spans, read like the screen reads it and never a hook
 * inside the turn: every turn a trace (its root span `turn N`), every agent's call in it a span
 * (`invoke_agent <agent>`, with the GenAI semantic conventions' attributes and lemming's own), every
 * step of the call a model call's span (`chat <model>`), every tool it ran a span (`execute_tool
 * <name>`), and a command it ran in the sandbox a span below that (`sandbox <tool>`). Times are
 * those the events are observed at (`at`, in epoch milliseconds): a step's span runs from the end
 * of the one before.
 */
export class TurnTracer {
  private turnSpan: Span | undefined;
  private turn = 0;
  private readonly calls = new Map<string, OpenCall>();

  constructor(
    private readonly tracer: Tracer,
    private readonly options: TurnTracerOptions,
  ) {}

  observe(event: EngineEvent, at: number = Date.now()): void {
    switch (event.type) {
      case 'turn-started':
        this.endTurn(at);
        this.turn = event.turn;
        this.turnSpan = this.start(`turn ${event.turn}`, undefined, at, SpanKind.INTERNAL, { 'lemming.org': this.options.org, 'lemming.turn': event.turn, 'lemming.agents': event.agents.length, 'lemming.recovering': event.recovering });
        return;
      case 'agent-called':
        this.startCall(event.agent, event.model, event.reason, event.inbox, at);
        return;
      case 'agent-step':
        this.step(event.agent, event.step, event.tools, at);
        return;
      case 'credits-charged': {
        const call = this.calls.get(event.agent);
        if (!call) return;
        call.inputTokens += event.inputTokens;
        call.outputTokens += event.outputTokens;
        call.credits += event.credits;
        call.span.setAttributes(spanAttributes({ 'lemming.balance': Number.isFinite(event.balance) ? event.balance : undefined, 'lemming.usage_estimated': event.estimated }));
        return;
      }
      case 'agent-error': {
        const call = this.calls.get(event.agent);
        if (!call) return;
        call.failed = true;
        call.span.setStatus({ code: SpanStatusCode.ERROR, message: spanAttributes({ message: event.message })['message'] as string });
        call.span.setAttribute('error.type', 'agent_error');
        return;
      }
      case 'agent-done':
        this.endCall(event.agent, at, { 'lemming.sent': event.sent, 'lemming.refused': event.refused });
        return;
      case 'agent-skipped':
        this.turnSpan?.addEvent('agent-skipped', spanAttributes({ 'lemming.agent': event.agent, 'lemming.reason': event.reason, 'lemming.balance': event.balance }), at);
        return;
      case 'message-delivered':
        this.turnSpan?.addEvent('message-delivered', spanAttributes({ 'lemming.message.id': event.message.id, 'lemming.message.from': event.message.from, 'lemming.message.to': event.message.to }), at);
        return;
      case 'message-refused':
        this.turnSpan?.addEvent('message-refused', spanAttributes({ 'lemming.message.from': event.from, 'lemming.message.to': event.to, 'lemming.reason': event.reason }), at);
        return;
      case 'queue-notice':
        this.turnSpan?.addEvent(`queue ${event.notice}`, spanAttributes({ 'lemming.queue.job': event.job, 'lemming.queue.worker': event.worker, message: event.message }), at);
        return;
      case 'turn-finished': {
        const stats = event.stats;
        this.turnSpan?.setAttributes(
          spanAttributes({
            'lemming.called': stats.called,
            'lemming.delivered': stats.delivered,
            'lemming.refused': stats.refused,
            'lemming.errors': stats.errors,
            'lemming.credits': stats.credits,
            'gen_ai.usage.input_tokens': stats.inputTokens,
            'gen_ai.usage.output_tokens': stats.outputTokens,
          }),
        );
        if (stats.errors > 0) this.turnSpan?.setStatus({ code: SpanStatusCode.ERROR, message: `${stats.errors} error(s)` });
        this.endTurn(at);
        return;
      }
      default:
        return;
    }
  }

  /** End what is still open (a run stopped or failed mid-turn): its spans say so. */
  endAll(at: number = Date.now(), reason?: string): void {
    if (reason !== undefined) this.turnSpan?.setStatus({ code: SpanStatusCode.ERROR, message: spanAttributes({ reason })['reason'] as string });
    this.endTurn(at);
  }

  private startCall(agent: string, key: string, reason: string, inbox: number, at: number): void {
    const facts = this.options.modelOf(key);
    const model = facts?.model ?? key;
    const span = this.start(`invoke_agent ${agent}`, this.turnSpan, at, SpanKind.INTERNAL, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': agent,
      'gen_ai.system': facts?.provider,
      'gen_ai.provider.name': facts?.provider,
      'gen_ai.request.model': model,
      'lemming.agent': agent,
      'lemming.model_key': key,
      'lemming.reason': reason,
      'lemming.inbox': inbox,
    });
    const call: OpenCall = { span, model, provider: facts?.provider, startedAt: at, steps: 0, stepStart: at, lastStepHadTools: false, inputTokens: 0, outputTokens: 0, credits: 0, failed: false };
    this.calls.set(agent, call);
  }

  private step(agent: string, step: number, tools: Extract<EngineEvent, { type: 'agent-step' }>['tools'], at: number): void {
    const call = this.calls.get(agent);
    if (!call) return;
    const stepSpan = this.start(`chat ${call.model}`, call.span, call.stepStart, SpanKind.CLIENT, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': call.model,
      'gen_ai.system': call.provider,
      'gen_ai.provider.name': call.provider,
      'gen_ai.response.finish_reasons': [tools.length > 0 ? GEN_AI_FINISH.tools : GEN_AI_FINISH.stop],
      'lemming.agent': agent,
      'lemming.step': step,
      'lemming.tools': tools.length,
    });
    call.steps += 1;
    if (this.options.queued) this.workerJob(agent, stepSpan, call.stepStart, at);
    for (const tool of tools) {
      const toolSpan = this.start(`execute_tool ${tool.name}`, stepSpan, call.stepStart, SpanKind.INTERNAL, {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': tool.name,
        'lemming.agent': agent,
        'lemming.tool.arguments': tool.args,
        'lemming.tool.result_size': tool.size,
        'lemming.tool.written': tool.written,
        'lemming.tool.proposal': tool.proposal,
      });
      if (tool.error !== undefined) {
        toolSpan.setStatus({ code: SpanStatusCode.ERROR, message: spanAttributes({ error: tool.error })['error'] as string });
        toolSpan.setAttribute('error.type', 'tool_error');
      }
      if (tool.command) this.start(`sandbox ${tool.name}`, toolSpan, call.stepStart, SpanKind.INTERNAL, { 'lemming.agent': agent, ...commandAttributes(tool.command) }).end(at);
      toolSpan.end(at);
    }
    stepSpan.end(at);
    call.stepStart = at;
    call.lastStepHadTools = tools.length > 0;
  }

  /** A model call made by a `lemming worker`: the job the engine queued and waited for. */
  private workerJob(agent: string, parent: Span, startTime: number, at: number): void {
    this.start(`worker job ${agent}`, parent, startTime, SpanKind.PRODUCER, { 'lemming.agent': agent, 'messaging.system': 'bullmq', 'messaging.operation.type': 'send' }).end(at);
  }

  /** A span of this turn (its root when `parent` is undefined), its texts through the secrets' cut; `lemming.turn` on each. */
  private start(name: string, parent: Span | undefined, startTime: number, kind: SpanKind, attributes: AttributeInput): Span {
    const options = { startTime, kind, attributes: spanAttributes({ ...attributes, 'lemming.turn': this.turn }) };
    return parent ? this.tracer.startSpan(name, options, trace.setSpan(ROOT_CONTEXT, parent)) : this.tracer.startSpan(name, { ...options, root: true }, ROOT_CONTEXT);
  }

  private endCall(agent: string, at: number, attributes: AttributeInput): void {
    const call = this.calls.get(agent);
    if (!call) return;
    this.calls.delete(agent);
    const finish = call.failed ? GEN_AI_FINISH.error : call.lastStepHadTools ? GEN_AI_FINISH.tools : GEN_AI_FINISH.stop;
    call.span.setAttributes(
      spanAttributes({
        ...attributes,
        'gen_ai.usage.input_tokens': call.inputTokens,
        'gen_ai.usage.output_tokens': call.outputTokens,
        'gen_ai.response.finish_reasons': [finish],
        'lemming.credits': call.credits,
      }),
    );
    // A call of one answer and no tools has no step of its own: its one model call was the job.
    if (this.options.queued && call.steps === 0) this.workerJob(agent, call.span, call.startedAt, at);
    call.span.end(at);
  }

  private endTurn(at: number): void {
    for (const agent of [...this.calls.keys()]) this.endCall(agent, at, {});
    this.turnSpan?.end(at);
    this.turnSpan = undefined;
  }
}

/** A sandboxed command's outcome as span attributes. */
function commandAttributes(command: CommandSummary): AttributeInput {
  return {
    'process.exit.code': command.exit ?? undefined,
    'lemming.command.signal': command.signal,
    'lemming.command.stdout_bytes': command.stdoutBytes,
    'lemming.command.stderr_bytes': command.stderrBytes,
    'lemming.command.stopped_by': command.stoppedBy,
  };
}
