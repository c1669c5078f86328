import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A tmpfs of its own for one scenario: a disk that really fills up, or really turns read-only. */
export interface SmallDisk {
  /** Where it is mounted. */
  folder: string;
  /** A shell command that fills what is left of it (a file `filler` at its top; the command's own failure is the point). */
  fillCommand: string;
  /** Remove the filler: the space is free again. */
  free(): void;
  /** Remount it read-only, or writable again. */
  readOnly(): void;
  writable(): void;
  unmount(): void;
}

function run(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) return result.error.message;
  return result.status === 0 ? undefined : (result.stderr || `exit ${result.status}`).trim();
}

/**
 * Mount a tmpfs of `kilobytes`, or say why it cannot be (not root, `mount` refused: a container
 * without the right): a test then runs its injected variant only, and says so in its title.
 */
export function mountSmallDisk(kilobytes: number): SmallDisk | { refused: string } {
  if (process.getuid?.() !== 0) return { refused: 'mounting a tmpfs needs root' };
  const folder = mkdtempSync(join(tmpdir(), 'lemming-small-disk-'));
  const refused = run('mount', ['-t', 'tmpfs', '-o', `size=${kilobytes}k`, 'tmpfs', folder]);
  if (refused !== undefined) {
    rmSync(folder, { recursive: true, force: true });
    return { refused: `mount -t tmpfs was refused: ${refused}` };
  }
  const filler = join(folder, 'filler');
  return {
    folder,
    fillCommand: `cat /dev/zero > ${filler} 2>/dev/null`,
    free: () => rmSync(filler, { force: true }),
    readOnly: () => {
      const failed = run('mount', ['-o', 'remount,ro', folder]);
      if (failed !== undefined) throw new Error(`remount read-only: ${failed}`);
    },
    writable: () => {
      const failed = run('mount', ['-o', 'remount,rw', folder]);
      if (failed !== undefined) throw new Error(`remount writable: ${failed}`);
    },
    unmount: () => {
      run('umount', [folder]);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Whether a tmpfs can be mounted here; the reason when not (asked once per test file). */
export function smallDisksRefused(): string | undefined {
  const disk = mountSmallDisk(64);
  if ('refused' in disk) return disk.refused;
  disk.unmount();
  return undefined;
}
