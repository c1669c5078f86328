import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lemming package's own folder: it holds the org templates (`templates/`) that `bootstrap` copies. */
export function packageRoot(): string {
  // src/ and dist/ are both one level below the package root.
  return fileURLToPath(new URL('../', import.meta.url));
}

/** The folder, in the package (a clone), where `npm start` runs the demo's org; gitignored. */
export const DEMO_FOLDER = '.demo';

/** True when `folder` is the package's own folder (a clone), which is no org and is never written as one. */
export function isPackageRoot(folder: string): boolean {
  const real = (path: string): string => {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  };
  return real(folder) === real(packageRoot());
}

/**
 * True when `folder` is a clone of lemming: this package's folder, or another clone of it (its
 * package.json names lemming and it holds the default org's template). A \`lemming\` on PATH,
 * linked from one clone, then reaches the demo of whichever clone a person stands in.
 */
export function isLemmingClone(folder: string): boolean {
  if (isPackageRoot(folder)) return true;
  try {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: unknown };
    return manifest.name === 'lemming' && existsSync(join(folder, 'templates', 'software-team', 'template.yaml'));
  } catch {
    return false;
  }
}

/** The version in the package's own package.json, or 'unknown' when it cannot be read. */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
