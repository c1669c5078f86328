import { describe, expect, test } from 'vitest';
import { OrgLoader } from '../../src/org/load-org.js';
import { runCommandTool } from '../../src/tools/commands/run-command-tool.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

/** run_command as the coder of a default org whose engine.sandbox sets `limits`. */
async function runWith(limits: string, line: string) {
  const root = defaultOrg();
  write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace(/^engine:\n/m, `engine:\n  sandbox: { ${limits} }\n`));
  const org = new OrgLoader(root).load().org;
  const coder = org.agents.get('coder_01');
  if (!coder) throw new Error('no coder');
  return runCommandTool(org, coder, { command: line });
}

describe.skipIf(SANDBOX_PROBLEM !== undefined)('a command is stopped at its limits, and the result says which', () => {
  test('a fork bomb meets the process limit: forks fail inside, and the command goes on to its end', async () => {
    const ran = await runWith('max_processes: 32, timeout_ms: 10000, max_output_bytes: 20000', 'bash -c \':(){ :|:& };:\'; sleep 1; echo "the shell survived"');
    expect(ran.result.content).toMatch(/fork: (retry: )?Resource temporarily unavailable|Cannot fork/);
    expect(ran.result.content).toContain('32 processes');
  });

  test('processes are counted in the sandbox alone: a program forking without end is refused at the limit', async () => {
    const program = [
      'import os, time',
      'made = 0',
      'while True:',
      '    try:',
      '        pid = os.fork()',
      '    except OSError as error:',
      '        print("refused after", made, "children:", error.strerror)',
      '        break',
      '    if pid == 0:',
      '        time.sleep(30)',
      '        os._exit(0)',
      '    made += 1',
    ].join('\n');
    const ran = await runWith('max_processes: 32, timeout_ms: 10000', `python3 -c '${program}'`);
    const made = Number(/refused after (\d+) children: Resource temporarily unavailable/.exec(ran.result.content)?.[1]);
    // 32 at once, less the shell, Python and bwrap's own first process: not one more.
    expect(made).toBeGreaterThan(20);
    expect(made).toBeLessThan(32);
    // It ended on its own once refused: the children it left sleeping did not keep it running.
    expect(ran.command?.exit).toBe(0);
  });

  test('an endless loop is stopped at the time limit', async () => {
    const ran = await runWith('timeout_ms: 1500', 'while :; do :; done');
    expect(ran.result.isError).toBe(true);
    expect(ran.command).toEqual({ exit: null, signal: 'SIGKILL', stdoutBytes: 0, stderrBytes: 0, stoppedBy: 'timeout' });
    expect(ran.result.content).toContain('stopped: it was still running after 1.5 s, the time limit (engine.sandbox.timeout_ms)');
  });

  test('a command that prints 100 MB is stopped at the output limit; what the model sees is cut in the middle, and says so', async () => {
    const ran = await runWith('max_output_bytes: 1048576', 'head -c 104857600 /dev/zero | tr "\\0" "x"; echo never');
    expect(ran.command?.stoppedBy).toBe('stdout');
    expect(ran.command?.stdoutBytes).toBeGreaterThan(1_048_576);
    expect(ran.command?.stdoutBytes).toBeLessThan(104_857_600);
    expect(ran.result.content).toContain('stopped: it wrote more than 1,048,576 bytes on stdout, the output limit (engine.sandbox.max_output_bytes)');
    expect(ran.result.content).toMatch(/of which the first 1,048,576 were kept/);
    expect(ran.result.content).toMatch(/\[lemming: 1,028,576 characters left out here\]/);
    expect(ran.result.content).not.toMatch(/^never$/m);
    expect(ran.result.content.length).toBeLessThan(25_000);
  });

  test('a program that allocates without bound fails at the memory limit, in Python and in Node', async () => {
    const python = await runWith('memory_mb: 256', 'python3 -c "blocks = []\nwhile True: blocks.append(bytearray(1 << 20))"');
    expect(python.command?.exit).toBe(1);
    expect(python.result.content).toContain('MemoryError');
    expect(python.result.content).toContain('256 MiB of memory,');
    const node = await runWith('memory_mb: 256', 'node -e "const blocks = []; for (;;) blocks.push(Buffer.alloc(1 << 20, 1))"');
    expect(node.command?.exit).not.toBe(0);
    expect(node.result.content).toMatch(/out of memory|Allocation failed|Cannot allocate|RangeError/i);
  });

  test('a file larger than max_file_mb cannot be written', async () => {
    const ran = await runWith('max_file_mb: 2', 'head -c 5000000 /dev/zero > big.bin; ls -l big.bin | awk \'{print $5}\'');
    expect(ran.result.content).toMatch(/File size limit exceeded|ended by SIGXFSZ|2097152/);
  });
});
