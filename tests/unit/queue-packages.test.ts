import { describe, expect, test } from 'vitest';
import { LemmingError } from '../../src/errors.js';
import { importQueueModule } from '../../src/queue/queue-packages.js';

// The queue's packages are optional dependencies (package.json): an install without them must say what is missing.
describe('loading the queue', () => {
  test('a package missing from the install is named, with the command that installs the queue', async () => {
    // A real failed import of a package that is not installed, as Node reports it.
    const failed = importQueueModule(() => import('bullmq-not-installed-here' as string));
    await expect(failed).rejects.toBeInstanceOf(LemmingError);
    await expect(failed).rejects.toThrow(/the queue needs the package "bullmq-not-installed-here", which is not installed .*`npm install bullmq ioredis`/);
  });

  test('other failures are thrown as they are', async () => {
    await expect(importQueueModule(() => Promise.reject(new Error('syntax error in a module')))).rejects.toThrow('syntax error in a module');
  });

  test('the queue client loads when the packages are there', async () => {
    const { QueueClient } = await importQueueModule(() => import('../../src/queue/queue-client.js'));
    expect(typeof QueueClient).toBe('function');
  });

  test('package.json lists bullmq and ioredis as optional dependencies, not as dependencies', async () => {
    const manifest = (await import('../../package.json', { with: { type: 'json' } })).default as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
    expect(Object.keys(manifest.optionalDependencies ?? {})).toEqual(expect.arrayContaining(['bullmq', 'ioredis']));
    expect(manifest.dependencies).not.toHaveProperty('bullmq');
    expect(manifest.dependencies).not.toHaveProperty('ioredis');
  });
});
