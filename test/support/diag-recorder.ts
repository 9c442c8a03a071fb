import { inspect } from 'node:util';

import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';

/** Every line that reached the OpenTelemetry diag logger. */
export interface DiagRecorder {
  /** `level message args…`, with objects among the args inspected in depth. */
  readonly lines: string[];
  /** Removes the logger. */
  restore(): void;
}

/**
 * Installs a diag logger at the most verbose level that keeps every line,
 * arguments included and objects among them expanded, so that a test can
 * search everything the SDK and the library would have printed.
 */
export function recordDiag(): DiagRecorder {
  const lines: string[] = [];
  const line =
    (level: string) =>
    (message: string, ...args: unknown[]): void => {
      const rest = args.map((arg) =>
        typeof arg === 'string' ? arg : inspect(arg, { depth: 8 }),
      );
      lines.push([level, message, ...rest].join(' '));
    };
  const logger: DiagLogger = {
    error: line('error'),
    warn: line('warn'),
    info: line('info'),
    debug: line('debug'),
    verbose: line('verbose'),
  };
  diag.setLogger(logger, {
    logLevel: DiagLogLevel.ALL,
    suppressOverrideMessage: true,
  });
  return {
    lines,
    restore: () => {
      diag.disable();
    },
  };
}
