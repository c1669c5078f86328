import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { adversaryOrg } from '../helpers/adversary-org.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';

/**
 * The adversary suite, attempts that held before and must go on holding: the network (loopback
 * TCP, an abstract unix socket of the host), signals to the engine, TIOCSTI, the host's secrets by
 * direct path, a fork bomb, private allocations.
 */
describe.skipIf(SANDBOX_PROBLEM !== undefined)('adversary: what held', () => {
  test('no network: a loopback TCP server and an abstract unix socket of the host are out of reach, and see nobody', async () => {
    let connections = 0;
    const tcp = createNetServer((socket) => {
      connections += 1;
      socket.end();
    });
    const abstractName = `lemming-adversary-${process.pid}`;
    const abstract = createNetServer((socket) => {
      connections += 1;
      socket.end();
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => abstract.listen(`\0${abstractName}`, resolve));
    try {
      const { run } = adversaryOrg();
      const port = (tcp.address() as AddressInfo).port;
      const ran = await run(`python3 -c "
import socket
for name, family, address in [('tcp', socket.AF_INET, ('127.0.0.1', ${port})), ('abstract', socket.AF_UNIX, '\\0${abstractName}')]:
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        s.connect(address)
        print(name, 'connected')
    except OSError as error:
        print(name, 'refused', type(error).__name__)
"`);
      expect(ran.result.content).toMatch(/tcp refused \w+\nabstract refused \w+\n/);
      expect(connections).toBe(0);
    } finally {
      tcp.close();
      abstract.close();
    }
  });

  test('signals to the engine do not reach it: its pid is not seen inside', async () => {
    const { run } = adversaryOrg();
    const ran = await run(`kill -TERM ${process.pid} 2>&1 || echo no-such-process; kill -TERM -1 2>&1; ls /proc | grep -c '^[0-9]'`);
    expect(ran.result.content).toContain('no-such-process');
    // The engine is alive: this test runs on.
    expect(process.exitCode ?? 0).toBe(0);
  });

  test('TIOCSTI cannot push keystrokes into a terminal: there is none (a new session, no controlling terminal)', async () => {
    const { run } = adversaryOrg();
    const ran = await run(`python3 -c "
import fcntl, termios, os
for target in ['/dev/tty', 0]:
    try:
        fd = os.open(target, os.O_RDWR) if isinstance(target, str) else target
        fcntl.ioctl(fd, termios.TIOCSTI, b'x')
        print(target, 'injected')
    except OSError as error:
        print(target, 'refused', error.errno)
"`);
    expect(ran.result.content).not.toContain('injected');
    expect(ran.result.content).toMatch(/\/dev\/tty refused \d+\n0 refused \d+\n/);
  });

  test('/etc/shadow and /root, by direct path, are not there', async () => {
    const { run } = adversaryOrg();
    const ran = await run('cat /etc/shadow 2>&1; ls /root 2>&1; cat /root/.bashrc 2>&1; ls /home 2>&1; true');
    expect(ran.result.content).toMatch(/cat: \/etc\/shadow: No such file or directory/);
    expect(ran.result.content).toMatch(/ls: cannot access '\/root': No such file or directory/);
    expect(ran.result.content).toMatch(/ls: cannot access '\/home': No such file or directory/);
  });

  test('a fork bomb meets the process limit and the command goes on to its end', async () => {
    const { run } = adversaryOrg('max_processes: 32, timeout_ms: 15000, max_output_bytes: 20000');
    const ran = await run('bash -c \':(){ :|:& };:\' 2>/dev/null; sleep 1; echo "the shell survived"');
    expect(ran.result.content).toContain('the shell survived');
  });

  test('private allocations without end fail at the memory limit', async () => {
    const { run } = adversaryOrg('memory_mb: 256, timeout_ms: 60000');
    const ran = await run('python3 -c "blocks = []\nwhile True: blocks.append(bytes(1 << 20) + b\'x\')"');
    expect(ran.command?.exit).not.toBe(0);
    expect(ran.result.content).toMatch(/MemoryError|ran out of memory/);
  });
});
