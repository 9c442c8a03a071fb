import { diag, type DiagLogger } from '@opentelemetry/api';

import { PACKAGE_NAME } from '../version.js';

const component = diag.createComponentLogger({ namespace: PACKAGE_NAME });

/**
 * The package's logger: the OpenTelemetry `diag` API under the package's
 * name. The application's logger is a pluggable part like any other, so a
 * logger that throws is caught here: what the library has to say must
 * never become an exception in the caller's flow.
 */
export const logger: Pick<DiagLogger, 'error' | 'warn' | 'info' | 'debug'> = {
  error: (message) => {
    guarded(() => {
      component.error(message);
    });
  },
  warn: (message) => {
    guarded(() => {
      component.warn(message);
    });
  },
  info: (message) => {
    guarded(() => {
      component.info(message);
    });
  },
  debug: (message) => {
    guarded(() => {
      component.debug(message);
    });
  },
};

function guarded(log: () => void): void {
  try {
    log();
  } catch {
    // Nowhere left to report it.
  }
}

/**
 * Logs each kind of misuse once per owner, so that a caller repeating the
 * same mistake in a loop does not flood the application's log.
 */
export class OnceLogger {
  private readonly _seen = new Set<string>();

  /** Warns about `kind` the first time it happens; later calls are silent. */
  warn(kind: string, message: string): void {
    if (this.first(kind)) logger.warn(`${message} (reported once)`);
  }

  /** Whether this is the first time `kind` is reported. */
  first(kind: string): boolean {
    if (this._seen.has(kind)) return false;
    this._seen.add(kind);
    return true;
  }
}
