import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { TrackerFormatError } from '../errors.js';
import { ExecutionTracker } from '../tracker/execution-tracker.js';
import { CliError } from './cli-error.js';

/** A dump read from a file: the parsed JSON and the tracker it makes. */
export interface LoadedDump {
  readonly data: unknown;
  readonly tracker: ExecutionTracker;
}

/**
 * Reads and checks a serialized tracker, turning each way it can be wrong
 * (no such file, not JSON, not a tracker) into one clear line.
 */
export async function readDump(path: string): Promise<LoadedDump> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : (error as Error).message;
    throw new CliError(`cannot read ${path}: ${why}`);
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not JSON: ${(error as Error).message}`);
  }
  try {
    return { data, tracker: ExecutionTracker.deserialize(data) };
  } catch (error) {
    if (error instanceof TrackerFormatError) {
      throw new CliError(
        `${path} is not a serialized tracker: ${error.message}`,
      );
    }
    throw error;
  }
}

/**
 * Writes a file so that it appears whole or not at all: into a temporary
 * file beside it, then renamed over the target, which on one file system
 * is atomic.
 */
export async function writeFileAtomically(
  path: string,
  contents: string,
): Promise<void> {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  // Interrupted half-way, the command removes what it had written, then
  // stops as the signal asks.
  const onSignal = (signal: NodeJS.Signals): void => {
    rmSync(temporary, { force: true });
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await writeFile(temporary, contents, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    // The temporary file may not even be creatable; its removal must not
    // hide why the write failed.
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new CliError(`cannot write ${path}: ${reason(error)}`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Why a file operation failed, without the paths Node puts in messages. */
function reason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code ?? message;
}
