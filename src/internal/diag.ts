import { diag, type DiagLogger } from '@opentelemetry/api';

import { PACKAGE_NAME } from '../version.js';

/** The package's component logger; everything the library says goes here. */
export const logger: DiagLogger = diag.createComponentLogger({
  namespace: PACKAGE_NAME,
});

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
