import { LemmingError } from '../errors.js';
import type { CommandSpec } from './command-spec.js';

/**
 * The one gate for the bytes a command is started with. bubblewrap reads its options NUL-separated
 * from a descriptor (`--args`), so a NUL inside a variable's value would end that value and begin
 * options of the caller's choosing (`a\0--bind\0/\0/hostroot`: the host's root, read-write); and no
 * program can be given a word with a NUL in it at all. Every word of a spec (the command's words,
 * each variable's name and value, each folder) passes here before anything is built or started.
 * Standard input is not a word: it is bytes on a pipe, given as they are.
 */

/** A spec the sandbox will not start: its message says which part, for the tool's result the model reads. */
export class SandboxRefusal extends LemmingError {
  constructor(message: string) {
    super('sandbox-refused', message);
    this.name = 'SandboxRefusal';
  }
}

/** What a variable's name may be: what every shell accepts, and what bwrap's --setenv cannot misread. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Refuse a spec holding a NUL in any word (or a variable name no shell could read); say which. */
export function refuseUnsafeWords(spec: Pick<CommandSpec, 'argv' | 'env' | 'workspace' | 'shared' | 'readOnly'>): void {
  spec.argv.forEach((word, index) => {
    if (word.includes('\0')) throw new SandboxRefusal(`word ${index + 1} of the command holds a NUL character, which no command can be given`);
  });
  for (const [name, value] of Object.entries(spec.env ?? {})) {
    if (!VARIABLE_NAME.test(name)) throw new SandboxRefusal(`${JSON.stringify(name)} is not a variable name (letters, digits and _, not starting with a digit)`);
    if (value.includes('\0')) throw new SandboxRefusal(`the variable ${name} holds a NUL character, which no command can be given; send the text without it`);
  }
  for (const folder of [spec.workspace, spec.shared?.path ?? '', ...(spec.readOnly ?? [])]) {
    if (folder.includes('\0')) throw new SandboxRefusal(`the folder ${JSON.stringify(folder)} holds a NUL character`);
  }
}

/**
 * bubblewrap's options as the stream it reads with `--args`: each one followed by a NUL. The spec
 * they were built from has passed refuseUnsafeWords; an option that still holds a NUL is refused
 * here all the same, so no later change to how options are built can reopen the hole.
 */
export function optionStream(spec: Pick<CommandSpec, 'argv' | 'env' | 'workspace' | 'shared' | 'readOnly'>, options: readonly string[]): string {
  refuseUnsafeWords(spec);
  const holding = options.findIndex((option) => option.includes('\0'));
  if (holding >= 0) throw new SandboxRefusal(`option ${holding + 1} of the sandbox holds a NUL character`);
  return options.map((option) => `${option}\0`).join('');
}
