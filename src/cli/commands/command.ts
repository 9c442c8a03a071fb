import type { ParseArgsConfig } from 'node:util';

/** What a command is given to run. */
export interface CommandContext {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  /** Writes to standard output. */
  readonly out: (text: string) => void;
  /** Writes to standard error. */
  readonly err: (text: string) => void;
  /** Whether standard error is a terminal, for progress display. */
  readonly interactive: boolean;
}

/** One command of the `execution-tracker` command line. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The synopsis, without the program name. */
  readonly usage: string;
  /** What `--help` prints below the synopsis. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments it takes. */
  readonly positionals?: number;
  /** Runs the command; resolves to the exit code. */
  run(context: CommandContext): Promise<number>;
}
