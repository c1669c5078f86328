import { EXIT, LemmingError } from '../errors.js';
import { historyBlobs, whereBlobIs } from '../history/history-bundle.js';
import { cutSecrets, hasSecrets } from '../secrets/secrets.js';
import { fileText } from './file-text.js';

/**
 * Refuse to carry a history that holds a secret's value. An export cuts secrets from the files it
 * copies; a history's entries cannot be cut without rewriting every commit after them (their ids
 * are their contents), so a value found in any file of any entry stops the export, naming where.
 * Every object is read once, whatever number of entries holds it.
 */
export async function refuseSecretsInHistory(root: string): Promise<void> {
  if (!hasSecrets()) return;
  for await (const blob of historyBlobs(root)) {
    const { text } = fileText(blob.bytes);
    if (cutSecrets(text) === text) continue;
    throw new LemmingError(
      'secret-in-history',
      `the history (org/state/history.git) holds the value of a secret the org names, in ${whereBlobIs(root, blob.id)}; an export never carries one: export without --history, or drop the entries that hold it with \`lemming history --prune-before N\``,
      { exitCode: EXIT.usage },
    );
  }
}
