import { tempDir, write } from './org-files.js';

/** What the org's one local entry and its coder are. */
export interface LocalCoderOrg {
  /** Lines of org.yaml's `local:` entry after its server, model and prices (its context_window, an output cap). */
  entry: string;
  /** The coder's resume (`model: local`). */
  resume: string;
  /** `agents/coder/workspace/big.md`: this many numbered lines, padded to this many bytes. */
  bigFile: { lines: number; bytes: number };
}

/**
 * An org of the human and a coder on one local OpenAI-compatible entry (`local`, model `small`) served
 * at `url` (tests/helpers/small-window-server.ts and the like), one turn a run, with a file of
 * numbered lines in the coder's workspace for it to read.
 */
export function localCoderOrg(url: string, org: LocalCoderOrg): string {
  const root = tempDir('lemming-local-');
  write(
    root,
    'org/org.yaml',
    `name: local
engine: { max_turns: 1 }
models:
  local:
    provider: openai-compatible
    model: small
    base_url: ${url}/v1
    max_retries: 0
    input_price: 100
    output_price: 200
${org.entry}`,
  );
  write(root, 'org/chart.yaml', 'agents:\n  human: { reports_to: null, send_to: [coder], read_from: ["*"] }\n  coder: { reports_to: human, send_to: [human], read_from: ["*"] }\n');
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  write(root, 'agents/coder/resume.md', org.resume);
  const lines = Array.from({ length: org.bigFile.lines }, (_, index) => `line ${String(index + 1).padStart(4, '0')}: ${'words of the file '.repeat(2)}`);
  write(root, 'agents/coder/workspace/big.md', lines.join('\n').padEnd(org.bigFile.bytes, '.'));
  return root;
}
