/** Errors that reached the process instead of the code that caused them. */
export interface ProcessErrorWatch {
  readonly unhandledRejections: unknown[];
  readonly uncaughtExceptions: unknown[];
  /** Removes the listeners. */
  stop(): void;
}

/**
 * Listens for `unhandledRejection` and `uncaughtException` until stopped,
 * so that a test can assert that none happened while it ran.
 */
export function watchProcessErrors(): ProcessErrorWatch {
  const unhandledRejections: unknown[] = [];
  const uncaughtExceptions: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    unhandledRejections.push(reason);
  };
  const onException = (error: unknown): void => {
    uncaughtExceptions.push(error);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    unhandledRejections,
    uncaughtExceptions,
    stop: () => {
      process.removeListener('unhandledRejection', onRejection);
      process.removeListener('uncaughtException', onException);
    },
  };
}
