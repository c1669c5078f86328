import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadOrg } from '../../src/org/load-org-once.js';
import { KEY_PREFIX, queueNameFor } from '../../src/queue/queue-keys.js';
import { connectionOptions } from '../../src/queue/redis-address.js';

/** How many jobs the workers finished on the queue of one of the org's models. */
export async function completedJobs(url: string, root: string, modelKey: string): Promise<number> {
  const entry = loadOrg(root).org?.models[modelKey];
  if (!entry) throw new Error(`no model ${modelKey}`);
  const queue = new Queue(queueNameFor(modelKey, entry), { connection: connectionOptions(url), prefix: KEY_PREFIX });
  try {
    return (await queue.getJobCounts('completed')).completed ?? 0;
  } finally {
    await queue.close();
  }
}

/** Every key and value in a Redis, as one text to search (for keys that must never be there). */
export async function everythingInRedis(url: string): Promise<string> {
  const client = new Redis(url);
  try {
    const parts: string[] = [];
    for (const key of await client.keys('*')) {
      const type = await client.type(key);
      parts.push(key);
      if (type === 'string') parts.push((await client.getBuffer(key))?.toString('latin1') ?? '');
      if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
      if (type === 'list') parts.push(JSON.stringify(await client.lrange(key, 0, -1)));
      if (type === 'set') parts.push(JSON.stringify(await client.smembers(key)));
      if (type === 'zset') parts.push(JSON.stringify(await client.zrange(key, 0, -1)));
      if (type === 'stream') parts.push(JSON.stringify(await client.xrange(key, '-', '+')));
    }
    return parts.join('\n');
  } finally {
    client.disconnect();
  }
}
