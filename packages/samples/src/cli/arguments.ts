import { parseArgs } from 'node:util';

/** Bad usage: the CLI prints the message and a pointer to --help, and exits 2. */
export class UsageError extends Error {}

/** The demo CLI's commands. */
export const COMMANDS = ['all', 'chaining', 'samples', 'threads', 'explore'] as const;

/** One of {@link COMMANDS}. */
export type Command = (typeof COMMANDS)[number];

/** A command line, checked. */
export interface DemoArguments {
  readonly command: Command;
  /** The words after the command: sample names (samples) or one pitfall name (explore). */
  readonly names: readonly string[];
  readonly isHelp: boolean;
  readonly isVersion: boolean;
  /** `--list`: list the samples or the pitfalls instead of running them. */
  readonly isList: boolean;
  /** `--files` and `--workers` as given (checked as numbers by the chaining command). */
  readonly files: string | undefined;
  readonly workers: string | undefined;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  list: { type: 'boolean' },
  files: { type: 'string' },
  workers: { type: 'string' },
} as const;

/** The commands each option applies to. */
const APPLIES_TO: Record<string, readonly Command[]> = {
  list: ['samples', 'explore'],
  files: ['all', 'chaining'],
  workers: ['all', 'chaining'],
};

function isCommand(word: string): word is Command {
  return (COMMANDS as readonly string[]).includes(word);
}

/**
 * Parses the demo CLI's arguments, with messages in the CLI's own words (never node:util's parser text).
 *
 * @param argv - the arguments after the script, e.g. `['chaining', '--files', '3']`.
 * @returns the command, its words and its options.
 * @throws UsageError for an unknown command or option, an option without its value, a value given to a flag, or an
 *   option the command does not take.
 */
export function parseArguments(argv: readonly string[]): DemoArguments {
  // not strict: node:util would refuse `--files -1` as "ambiguous" and an unknown option in its own words; the tokens
  // let this function say what is wrong instead
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = OPTIONS[token.name as keyof typeof OPTIONS] as { type: 'boolean' | 'string' } | undefined;
    if (option === undefined)
      throw new UsageError(`unknown option ${token.rawName}; options: --help, --version, --list, --files, --workers`);
    if (option.type === 'string' && token.value === undefined) throw new UsageError(`${token.rawName} needs a value`);
    if (option.type === 'boolean' && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
  }
  const [first = 'all', ...names] = positionals;
  if (!isCommand(first)) {
    throw new UsageError(`unknown command "${first}"; commands: ${COMMANDS.join(', ')} (see --help)`);
  }
  for (const [name, commands] of Object.entries(APPLIES_TO)) {
    if (values[name] !== undefined && !commands.includes(first)) {
      throw new UsageError(`--${name} applies to ${commands.join(' and ')}, not to ${first}`);
    }
  }
  if (first !== 'samples' && first !== 'explore' && names.length > 0) {
    throw new UsageError(`unexpected argument(s): ${names.join(' ')}`);
  }
  return {
    command: first,
    names,
    isHelp: values.help === true,
    isVersion: values.version === true,
    isList: values.list === true,
    files: typeof values.files === 'string' ? values.files : undefined,
    workers: typeof values.workers === 'string' ? values.workers : undefined,
  };
}
