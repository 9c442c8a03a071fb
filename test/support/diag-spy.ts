import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';

/** Messages that reached the OpenTelemetry diag logger, by level. */
export interface DiagSpy {
  readonly warnings: string[];
  readonly errors: string[];
  /** Kept only when the spy listens at `INFO` or more. */
  readonly infos: string[];
  /** Removes the spy logger. */
  restore(): void;
}

/** Installs a diag logger that records errors, warnings and infos. */
export function spyOnDiag(logLevel: DiagLogLevel = DiagLogLevel.WARN): DiagSpy {
  const warnings: string[] = [];
  const errors: string[] = [];
  const infos: string[] = [];
  const join = (message: string, args: unknown[]): string =>
    [message, ...args.map(String)].join(' ');
  const logger: DiagLogger = {
    error: (message, ...args) => errors.push(join(message, args)),
    warn: (message, ...args) => warnings.push(join(message, args)),
    info: (message, ...args) => infos.push(join(message, args)),
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(logger, { logLevel, suppressOverrideMessage: true });
  return {
    warnings,
    errors,
    infos,
    restore: () => {
      diag.disable();
    },
  };
}
