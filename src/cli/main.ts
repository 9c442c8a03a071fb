import { parseArgs } from 'node:util';

import { PACKAGE_VERSION } from '../version.js';
import { CliError } from './cli-error.js';
import { printable } from './printable.js';
import type { Command, CommandContext } from './commands/command.js';
import { replayCommand } from './commands/replay.js';
import { reportCommand } from './commands/report.js';
import { timelineCommand } from './commands/timeline.js';

const PROGRAM = 'execution-tracker';
const COMMANDS: readonly Command[] = [
  reportCommand,
  replayCommand,
  timelineCommand,
];

/** Where the command line writes; the process's streams by default. */
export interface CliStreams {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly interactive: boolean;
}

/**
 * Runs the `execution-tracker` command line on `args` (without the node
 * and script paths) and resolves to the exit code: 0 on success, 1 when
 * the work failed, 2 for a wrong invocation. Failures are one line on
 * standard error.
 */
export async function main(
  args: readonly string[],
  streams: CliStreams = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY,
  },
): Promise<number> {
  try {
    return await dispatch(args, streams);
  } catch (error) {
    const message =
      error instanceof CliError || error instanceof TypeError
        ? error.message
        : String(error);
    // One line, whatever the message holds: a dump's ids or bytes of a
    // file that is not JSON may carry newlines and terminal controls.
    streams.err(`${PROGRAM}: ${printable(message.replace(/\n/g, ' '))}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

async function dispatch(
  args: readonly string[],
  streams: CliStreams,
): Promise<number> {
  const [name, ...rest] = args;
  if (
    name === undefined ||
    name === '--help' ||
    name === '-h' ||
    name === 'help'
  ) {
    streams.out(globalHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    streams.out(`${PACKAGE_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    throw new CliError(
      `unknown command ${JSON.stringify(name)}; try '${PROGRAM} --help'`,
      2,
    );
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    streams.out(commandHelp(command));
    return 0;
  }

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliError(
      `${(error as Error).message}; usage: ${PROGRAM} ${command.usage}`,
      2,
    );
  }
  const wanted = command.positionals ?? 1;
  if (parsed.positionals.length !== wanted) {
    throw new CliError(`usage: ${PROGRAM} ${command.usage}`, 2);
  }

  const context: CommandContext = {
    positionals: parsed.positionals,
    values: parsed.values as CommandContext['values'],
    ...streams,
  };
  return command.run(context);
}

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const list = COMMANDS.map(
    (command) => `  ${command.name.padEnd(width)}  ${command.summary}`,
  ).join('\n');
  return `Usage: ${PROGRAM} <command> [options]

Reads runs recorded by otel-execution-tracker (or routilux's Python
ExecutionTracker) and answers what ran, how long it took, what failed and
what went where.

Commands:
${list}

Run '${PROGRAM} <command> --help' for a command's options.
`;
}

function commandHelp(command: Command): string {
  return `Usage: ${PROGRAM} ${command.usage}\n\n${command.help}\n`;
}
