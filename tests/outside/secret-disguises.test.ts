import { afterEach, describe, expect, test } from 'vitest';
import { readHumanInbox } from '../../src/engine/human/human-inbox.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { allFiles } from '../helpers/org-snapshot.js';
import { humanSends, ofType, runEngine } from '../helpers/temp-org.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { checkInvariants } from '../faults/invariants.js';
import { outsideOrg } from './outside-org.js';

// A header value with a quote, a backslash, a slash, a plus and a space: each encoding below changes it.
const TOKEN = 'Bearer agent"tok\\en/5f8e+2a91c4';

/** The header value as programs commonly disguise it, each by the encoder a program would use. */
function disguises(value: string): Record<string, string> {
  const bytes = Buffer.from(value, 'utf8');
  return {
    base64: bytes.toString('base64'),
    base64url: bytes.toString('base64url'),
    // Inside a longer base64 string, at each of the two alignments that are not the value's own.
    base64After1: Buffer.from(`x${value}`).toString('base64'),
    base64After2: Buffer.from(`u:${value};x`).toString('base64'),
    reversed: [...value].reverse().join(''),
    hex: bytes.toString('hex'),
    HEX: bytes.toString('hex').toUpperCase(),
    percent: encodeURIComponent(value),
    form: new URLSearchParams({ v: value }).toString().slice(2),
    json: JSON.stringify(value).slice(1, -1),
    jsonUnicode: value.replace(/["\\/]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`),
  };
}

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a secret in its common disguises is cut', () => {
  test('an HTTP agent that echoes its header base64-encoded, reversed, hex, percent-encoded and JSON-escaped: none reaches the message file, the logs or the traces', async () => {
    const shown = disguises(TOKEN);
    const echo = Object.entries(shown)
      .map(([name, text]) => `${name}: ${text}`)
      .join('\n');
    server = await startWireServer(() => ({
      body: { text: `I was sent:\n${echo}`, tool_calls: [{ name: 'send_message', arguments: { to: 'human', body: `Your header, disguised:\n${echo}` } }], usage: { input_tokens: 10, output_tokens: 5 } },
    }));
    const org = outsideOrg({ provider: 'http', url: server.url, headers: { Authorization: 'AGENT_TOKEN' } });
    humanSends(org.root, 'manager', 'What did you get?');
    const events = await runEngine(org.root, {}, { providerFactory: createProviderFactory({ root: org.root, env: { AGENT_TOKEN: TOKEN } }) });
    expect(ofType(events, 'agent-error')).toEqual([]);
    expect(server.requests[0]?.headers.authorization).toBe(TOKEN);

    const [message] = readHumanInbox(org.root, loadOrg(org.root).org).messages;
    // Each disguise is replaced by the marker, whole or (inside a longer base64 string) all of it but a character or two.
    for (const name of Object.keys(shown)) expect(message?.body).toMatch(new RegExp(`${name}: \\S{0,3}\\[secret AGENT_TOKEN\\]\\S{0,4}$`, 'm'));
    // The message, the logs and the call traces were written, and none holds the value or any disguise.
    const files = allFiles(org.root);
    expect(files.some((file) => file.startsWith('agents/manager/logs/'))).toBe(true);
    expect(checkInvariants(org.root, { secrets: [TOKEN, ...Object.values(shown)] })).toEqual([]);
  });
});
