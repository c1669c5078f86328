import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { WaitingError, Worker, type Job, type Processor } from 'bullmq';
import { Redis } from 'ioredis';
import { errorMessage } from '../errors.js';
import type { ModelEntry } from '../org/schema.js';
import { keyVariableFor } from '../org/org-secrets.js';
import { keyLookup, registerDotEnv } from '../secrets/key-lookup.js';
import { errorWithoutSecrets, withoutSecrets } from '../secrets/secrets.js';
import { liveProvider } from '../providers/create-provider.js';
import { findProgram } from '../providers/command/find-program.js';
import type { Provider } from '../providers/provider.js';
import { ANSWER_TOO_LARGE_CODE, ProviderError } from '../providers/provider-error.js';
import { addressedTo } from '../providers/request-tokens.js';
import { ANSWER_MAX_MIB, boundedFailure, pastAnswerBound, storedFailure } from './answer-bound.js';
import { encodeFailure, type CallJobData, type CallJobResult, type CallProgress } from './call-job.js';
import { checkReachable } from './queue-client.js';
import type { McpJobData, McpJobResult } from './mcp-job.js';
import { KEY_PREFIX, MCP_SERVERS_KEY, MODELS_KEY, type PublishedMcpServer, type PublishedModel } from './queue-keys.js';
import { connectionOptions, parseRedisAddress, showAddress } from './redis-address.js';
import { announce, HEARTBEAT_TTL_MS, MAX_REFUSALS_ANNOUNCED, withdraw, type QueueRefusal } from './worker-presence.js';
import { decideMcpServer, decideModel, describeAllowance, type QueueDecision, type WorkerAllowance } from './worker-allowance.js';
import { describeWorkerError, jobDataGone } from './worker-errors.js';
import { WorkerMcp } from './worker-mcp.js';
import { WorkerStats } from './worker-stats.js';

/** How to start a worker (`lemming worker`). */
export interface WorkerOptions {
  /** `--queue redis://HOST:PORT`. */
  address: string;
  /**
   * `--models a,b`: the registry keys to serve, whatever their entry; empty serves every key whose entry
   * is safe to serve unasked (worker-allowance.ts: the offline model, a vendor's API at its own URL).
   */
  models: string[];
  /** `--mcp-servers a,b`: the org MCP servers to run; empty runs none (unless `org` declares them). */
  mcpServers?: string[];
  /** `--org <folder>`: its org's models and MCP servers, served when a queue publishes them exactly as declared there. */
  org?: WorkerAllowance['org'];
  /** `--concurrency N`: calls in progress at once, per model (and per MCP server) served. */
  concurrency: number;
  /** `--lock-seconds`, in ms: how long a job stays with a worker that has gone silent before another takes it. */
  lockMs?: number;
  /** Where `.env` is read from (the global `--root`, or the current folder). */
  root: string;
  env?: Readonly<Record<string, string | undefined>>;
  log(line: string): void;
  /** Builds the model for a registry entry; lemming's live providers by default (benchmarks inject a slow one). */
  providerFor?(modelKey: string, entry: ModelEntry): Provider;
  /** How often to look for queues that engines have published since (ms). */
  discoverEveryMs?: number;
}

/** What `/readyz` of `lemming worker --health-port` reports. */
export interface WorkerStatus {
  id: string;
  /** Whether the worker's own connection to Redis is up. */
  redis: boolean;
  /** The registry keys (and MCP servers) it takes jobs for now. */
  serving: string[];
  inFlight: number;
  stopping: boolean;
}

/** A worker that is taking jobs; `close` lets the calls in progress finish, then stops. */
export interface RunningWorker {
  id: string;
  readonly stats: WorkerStats;
  status(): WorkerStatus;
  /**
   * Stop taking jobs and let the calls in progress finish; those still running after `boundMs`
   * are aborted and handed back to the queue (waiting again, for any worker), never lost and never
   * answered twice.
   */
  close(boundMs?: number): Promise<void>;
}

/** How many times a job may be taken from a worker that went silent before it fails for good. */
const MAX_STALLS = 5;

/** How soon a worker tries again to take jobs after Redis failed it (BullMQ waits 15 s by default: long, after a restart). */
const RETRY_TAKING_MS = 1_000;

/**
 * A worker process: finds the queues engines have published, serves those of its models
 * it holds keys for, and announces what it serves with a heartbeat. Each call is made with
 * lemming's own provider for the entry (retries and this process's limits included); the
 * entry's `requests_per_minute` and `concurrency` are enforced on the queue, across workers.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const address = parseRedisAddress(options.address, '--queue');
  await checkReachable(address);
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const client = new Redis(connectionOptions(address));
  client.on('error', (error) => options.log(`redis: ${errorMessage(error)}`));
  // Every value in the worker's `.env` is a secret, and so is each value the lookup finds for a variable a job names.
  const lookup = keyLookup(options.root, options.env, registerDotEnv(options.root));
  const serving = new Map<string, Worker>();
  const mcp = new WorkerMcp(options.root, lookup);
  const declined = new Set<string>();
  const allowance: WorkerAllowance = { models: options.models, mcpServers: options.mcpServers ?? [], ...(options.org ? { org: options.org } : {}) };
  /** The queues refused by the allowance, latest last: the heartbeat tells engines, so their calls fail with the reason rather than wait. */
  const refusals: QueueRefusal[] = [];
  const providers = new Map<string, Provider>();
  /** Set by `close`: the heartbeat says the worker is stopping, and no queue is served afresh. */
  let closing = false;
  const stats = new WorkerStats();
  /** What each queue serves, by name, for the status. */
  const labels = new Map<string, string>();

  const providerFor = (queueName: string, modelKey: string, entry: ModelEntry): Provider => {
    let provider = providers.get(queueName);
    if (!provider) {
      provider = options.providerFor?.(modelKey, entry) ?? liveProvider(modelKey, entry, lookup, { root: options.root });
      providers.set(queueName, provider);
    }
    return provider;
  };

  /**
   * Answer a job of a model's queue with the entry the queue was published with, which `serve` checked (its key,
   * its program): never with the entry the job carries. A job is anyone's to add who can write to Redis, and its
   * entry chose the program a worker ran and the server its key went to, whatever the worker had checked; the vendor's
   * model is the entry's too (`request.model` named any model the key may use).
   */
  const answer = async (queueName: string, published: PublishedModel, job: Job<CallJobData, CallJobResult>, signal?: AbortSignal): Promise<CallJobResult> => {
    jobDataGone(job);
    const { modelKey, entry } = published;
    const request = { ...job.data.request, modelKey, model: addressedTo(modelKey, entry).model };
    // Each retry is told to the engine as it happens (the job's progress), as a local retry is shown.
    const onRetry = (retry: CallProgress['retry']): void => {
      stats.retried += 1;
      const progress: CallProgress = { retry };
      job.updateProgress(progress).catch(() => undefined);
    };
    try {
      const response = await providerFor(queueName, modelKey, entry).generate({ ...request, onRetry, ...(signal ? { signal } : {}) });
      // Kept in Redis for days, and refused by the engine anyway: a small failure is stored instead.
      if (pastAnswerBound(response)) {
        throw new ProviderError(`${modelKey}: the answer was longer than ${ANSWER_MAX_MIB} MiB, the most an engine reads, so the worker stored none of it in Redis`, { retryable: false, code: ANSWER_TOO_LARGE_CODE });
      }
      return response;
    } catch (error) {
      if (signal?.aborted) throw error;
      const failure = boundedFailure(error);
      options.log(`${modelKey}: the call for ${request.agent} (turn ${request.turn}) failed: ${errorMessage(failure)}`);
      throw storedFailure(encodeFailure(failure));
    }
  };

  const serve = (queueName: string, published: PublishedModel): void => {
    const { modelKey, entry } = published;
    const reason = options.providerFor ? undefined : cannotServe(entry, lookup, options.root);
    if (reason !== undefined) {
      declined.add(queueName);
      options.log(`not serving ${modelKey}: ${reason}`);
      return;
    }
    const rpm = entry.limits?.requests_per_minute;
    take(queueName, modelKey, (job: Job<CallJobData, CallJobResult>, _token, signal) => answer(queueName, published, job, signal), rpm);
    const limits = rpm === undefined ? '' : `, at most ${rpm} requests a minute across all workers`;
    options.log(`serving ${modelKey} (queue ${queueName}): ${options.concurrency} at a time${limits}`);
  };

  /**
   * Take jobs from a queue: a model's, or an MCP server's. What goes back to Redis, a result or
   * a failure's reason and stack, has this worker's secrets cut out (a job names variables; the
   * worker alone holds their values, so the engine could not cut them).
   */
  const take = <D, R>(queueName: string, label: string, processor: Processor<D, R>, rpm?: number): void => {
    const lockMs = options.lockMs ?? 30_000;
    const answerCut: Processor<D, R> = async (job, token, signal) => {
      const done = stats.started();
      try {
        const result = withoutSecrets(await processor(job, token, signal));
        stats.completed += 1;
        return result;
      } catch (error) {
        // A stop that could not wait (close's bound) aborted the call: the job goes back to the queue, as if never taken.
        if (signal?.aborted && closing) {
          await job.moveToWait(token);
          stats.handedBack += 1;
          options.log(`${label}: job ${job.id ?? ''} handed back to the queue unfinished: the worker is stopping`);
          throw new WaitingError();
        }
        stats.failed += 1;
        throw errorWithoutSecrets(error);
      } finally {
        done();
      }
    };
    const worker = new Worker<D, R>(queueName, answerCut, {
      connection: connectionOptions(address),
      prefix: KEY_PREFIX,
      concurrency: options.concurrency,
      // BullMQ keeps this limit in Redis, per queue: every worker of the entry shares it.
      ...(rpm === undefined ? {} : { limiter: { max: rpm, duration: 60_000 } }),
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: MAX_STALLS,
      runRetryDelay: RETRY_TAKING_MS,
    });
    // BullMQ reports a job it could not finish more than once (the lock's renewal, then the finish): one line is enough.
    let lastError = '';
    worker.on('error', (error) => {
      const line = `${label}: ${describeWorkerError(error)}`;
      if (line !== lastError) options.log(line);
      lastError = line;
    });
    worker.on('stalled', (jobId) => options.log(`${label}: job ${jobId} was left by a worker that stopped answering; it runs again`));
    serving.set(queueName, worker);
    labels.set(queueName, label);
  };

  const serveMcp = (queueName: string, published: PublishedMcpServer): void => {
    const label = `MCP server ${published.server}`;
    const reason = mcp.declines(published);
    if (reason !== undefined) {
      declined.add(queueName);
      options.log(`not serving ${label}: ${reason} (set it in this worker's environment or in ${options.root}/.env)`);
      return;
    }
    take(queueName, label, async (job: Job<McpJobData, McpJobResult>) => {
      jobDataGone(job);
      try {
        const result = await mcp.answer(queueName, published, job.data);
        if (pastAnswerBound(result)) throw new Error(`its result was longer than ${ANSWER_MAX_MIB} MiB, the most an engine reads, so the worker stored none of it in Redis`);
        return result;
      } catch (error) {
        const failure = boundedFailure(error);
        options.log(`${label}: the ${job.data.kind} job ${job.id ?? ''} failed: ${errorMessage(failure)}`);
        throw failure;
      }
    });
    options.log(`serving ${label} (queue ${queueName}): ${options.concurrency} at a time`);
  };

  /** The queues engines have published under a key that this worker does not serve yet (and has not declined). */
  const newlyPublished = async <T>(key: string): Promise<Array<[string, T]>> => {
    const found: Array<[string, T]> = [];
    for (const [queueName, text] of Object.entries(await client.hgetall(key))) {
      if (serving.has(queueName) || declined.has(queueName)) continue;
      try {
        found.push([queueName, JSON.parse(text) as T]);
      } catch {
        // Not one of ours.
      }
    }
    return found;
  };

  /**
   * A BullMQ worker whose loop ended while this process goes on (its first connection failed)
   * takes no more jobs, though the heartbeat would still announce its queue: drop it, and the
   * discovery that follows serves the queue afresh.
   */
  const dropStopped = (): void => {
    for (const [queueName, worker] of serving) {
      if (worker.isRunning() || closing) continue;
      serving.delete(queueName);
      worker.close().catch(() => undefined);
      options.log(`${queueName}: took no more jobs; serving it again`);
    }
  };

  /** Whether a published queue is taken up; a refusal is logged, and announced for the engines that wait on it. */
  const allowed = (queueName: string, what: string, decision: QueueDecision): boolean => {
    if (!('refused' in decision)) return decision.serve;
    declined.add(queueName);
    refusals.push({ queue: queueName, reason: decision.refused });
    if (refusals.length > MAX_REFUSALS_ANNOUNCED) refusals.shift();
    options.log(`refused ${what} (queue ${queueName}): ${decision.refused}`);
    return false;
  };

  const discover = async (): Promise<void> => {
    dropStopped();
    for (const [queueName, model] of await newlyPublished<PublishedModel>(MODELS_KEY)) {
      if (allowed(queueName, `model ${model.modelKey}`, decideModel(allowance, model))) serve(queueName, model);
    }
    for (const [queueName, server] of await newlyPublished<PublishedMcpServer>(MCP_SERVERS_KEY)) {
      if (allowed(queueName, `MCP server ${server.server}`, decideMcpServer(allowance, server))) serveMcp(queueName, server);
    }
  };

  const heartbeat = (): Promise<void> =>
    announce(client, {
      ...(closing ? { stopping: true } : {}),
      id,
      host: hostname(),
      pid: process.pid,
      models: options.models,
      mcpServers: options.mcpServers ?? [],
      queues: [...serving.keys()],
      ...(refusals.length > 0 ? { refused: refusals } : {}),
      concurrency: options.concurrency,
    });

  let tick = Promise.resolve();
  const step = (): void => {
    tick = tick
      .then(discover)
      .then(heartbeat)
      .catch((error: unknown) => options.log(`cannot reach ${showAddress(address)}: ${errorMessage(error)}`));
  };
  step();
  await tick;
  const discovery = setInterval(step, options.discoverEveryMs ?? 1_000);
  const beat = setInterval(step, HEARTBEAT_TTL_MS / 3);
  options.log(`worker ${id} on ${showAddress(address)}: ${describeAllowance(allowance)}`);

  return {
    id,
    stats,
    status: () => ({ id, redis: client.status === 'ready', serving: [...serving.keys()].map((name) => labels.get(name) ?? name), inFlight: stats.inFlight, stopping: closing }),
    close: async (boundMs?: number) => {
      clearInterval(discovery);
      clearInterval(beat);
      await tick;
      // Engines are told this worker is stopping (it takes no more jobs), and that it left only once its calls are done.
      closing = true;
      const stopping = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_TTL_MS / 3);
      await heartbeat().catch(() => undefined);
      // Past the bound, the calls still running are aborted: each processor hands its job back (answerCut).
      const handBack = boundMs === undefined ? undefined : setTimeout(() => {
        for (const worker of serving.values()) worker.cancelAllJobs('the worker is stopping');
      }, boundMs);
      try {
        await Promise.all([...serving.values()].map((worker) => worker.close()));
        await mcp.close();
      } finally {
        clearTimeout(handBack);
        clearInterval(stopping);
      }
      await withdraw(client, id).catch(() => undefined);
      client.disconnect();
    },
  };
}

/**
 * Why this worker cannot make an entry's calls, or undefined when it can: a key or an HTTP agent's
 * header that is not set here, or an agent program that is not installed here. Another worker may.
 */
function cannotServe(entry: ModelEntry, lookup: ReturnType<typeof keyLookup>, root: string): string | undefined {
  const where = `set it in this worker's environment or in ${root}/.env`;
  for (const variable of [keyVariableFor(entry), ...Object.values(entry.headers ?? {})]) {
    if (entry.provider !== 'offline' && variable !== undefined && lookup(variable) === undefined) return `${variable} is not set here (${where})`;
  }
  if (entry.provider === 'command' && entry.command !== undefined) {
    const found = findProgram(entry.command, root);
    if ('problem' in found) return `its program is not here: ${found.problem}`;
  }
  return undefined;
}
