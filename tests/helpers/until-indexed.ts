/**
 * Ask a dashboard's status (at the URL it printed, token included) until its message index is in:
 * the server answers before, and the routes that need the index answer 503 until then. Each answer
 * comes at once; the test's time limit bounds the wait. `base` is an org's mount (`/o/<key>/`).
 */
export async function untilIndexed(url: string, base = '/'): Promise<void> {
  const token = decodeURIComponent(url.slice(url.indexOf('token=') + 'token='.length));
  for (;;) {
    const response = await fetch(new URL(`${base}api/status`, url), { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { index?: { state: string } };
    if (body.index?.state === 'ready') return;
    if (body.index?.state === 'failed') throw new Error(`the dashboard's index failed: ${JSON.stringify(body.index)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
