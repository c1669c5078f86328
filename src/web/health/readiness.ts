/** One condition for serving traffic: its name, and why it does not hold (undefined when it does). */
export interface ReadinessCheck {
  name: string;
  /** Resolves to the reason it does not hold, or undefined when it does. Says nothing private: no paths, no keys, no message text. */
  reason(): Promise<string | undefined>;
}

/** What `/readyz` answers: ready when every check holds; each check with its reason when it does not. */
export interface Readiness {
  ready: boolean;
  checks: Array<{ name: string; ok: boolean; reason?: string }>;
}

/** Run every check (at once) and gather the answer. A check that throws does not hold, and its error is the reason. */
export async function readinessOf(checks: readonly ReadinessCheck[]): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (check) => {
      let reason: string | undefined;
      try {
        reason = await check.reason();
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
      return reason === undefined ? { name: check.name, ok: true } : { name: check.name, ok: false, reason };
    }),
  );
  return { ready: results.every((result) => result.ok), checks: results };
}
