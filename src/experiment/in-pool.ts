/**
 * Run `work` over the items, at most `limit` at once. When one fails, no item is started after it,
 * the ones under way are waited for, and then the first failure is thrown: a caller that cleans up
 * after the pool (a scratch folder the items read) never does so under work still running.
 */
export async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (next < items.length && failed === undefined) {
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failed !== undefined) throw failed.error;
}
