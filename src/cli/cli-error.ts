/**
 * An error the command line reports as one line, without a stack trace:
 * bad input, a missing file, an endpoint that refuses. `exitCode` is 2 for
 * a wrong invocation and 1 for everything else.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
