import { main } from '../../src/cli/main.js';

/** What one run of the command line wrote, and its exit code. */
export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs the command line in this process, as `execution-tracker ...args`
 * would, with its output collected and no terminal (no progress line).
 */
export async function runCli(...args: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main(args, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    interactive: false,
  });
  return { code, out, err };
}
