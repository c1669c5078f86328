import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small org whose models are "real" providers pointed at a local server through
 * `base_url`: the manager uses an OpenAI model with an Anthropic fallback, the
 * coder a local OpenAI-compatible model without tool calling.
 */
export function writeRealModelOrg(serverUrl: string, options: { dotEnv?: string } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'lemming-real-'));
  const file = (path: string, text: string): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  file(
    'org/org.yaml',
    `name: real-models
engine:
  max_turns: 10
  concurrency: 4
models:
  primary:
    provider: openai
    model: primary-model
    base_url: ${serverUrl}/v1
    api_key_env: E2E_OPENAI_KEY
    max_retries: 0
    input_price: 1
    output_price: 4
    context_window: 32000
    limits: { concurrency: 2, requests_per_minute: 60 }
  backup:
    provider: anthropic
    model: backup-model
    base_url: ${serverUrl}
    api_key_env: E2E_ANTHROPIC_KEY
    input_price: 2
    output_price: 8
    context_window: 32000
    max_output_tokens: 512
  local:
    provider: openai-compatible
    model: local-model
    base_url: ${serverUrl}/v1
    tool_calling: false
    input_price: 0
    output_price: 0
    context_window: 8192
`,
  );
  file(
    'org/chart.yaml',
    `agents:
  human: { reports_to: null, send_to: [manager], read_from: ["*"] }
  manager: { reports_to: human, send_to: [human, coder], read_from: ["*"] }
  coder: { reports_to: manager, send_to: [manager], read_from: [manager] }
`,
  );
  file('agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  file('agents/manager/resume.md', '---\ntitle: Engineering manager\nmodel: [primary, backup]\ncredits: 1\n---\nHand work to the coder and report back.\n');
  file('agents/coder/resume.md', '---\ntitle: Coder\nmodel: local\ncredits: 1\n---\nDo the work and report to the manager.\n');
  if (options.dotEnv !== undefined) file('.env', options.dotEnv);
  return root;
}
