import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';

/** Messages that reached the OpenTelemetry diag logger, by level. */
export interface DiagSpy {
  readonly warnings: string[];
  readonly errors: string[];
  /** Removes the spy logger. */
  restore(): void;
}

/** Installs a diag logger that records warnings and errors. */
export function spyOnDiag(): DiagSpy {
  const warnings: string[] = [];
  const errors: string[] = [];
  const join = (message: string, args: unknown[]): string =>
    [message, ...args.map(String)].join(' ');
  const logger: DiagLogger = {
    error: (message, ...args) => errors.push(join(message, args)),
    warn: (message, ...args) => warnings.push(join(message, args)),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(logger, {
    logLevel: DiagLogLevel.WARN,
    suppressOverrideMessage: true,
  });
  return {
    warnings,
    errors,
    restore: () => {
      diag.disable();
    },
  };
}
