/** What the exit hooks do when the process is about to stop. */
export interface ExitHookActions {
  /** Ends the open trackers and sends what is queued. */
  readonly flush: () => Promise<void>;
  /** Time the flush may take before the process goes on stopping. */
  readonly timeoutMillis: number;
  /** Runs once the flush is done or has run out of time. */
  readonly afterFlush?: () => void;
  /**
   * Runs, synchronously, when the process exits before any hook could
   * flush: after `process.exit()`, which leaves no time for a request.
   */
  readonly onAbruptExit?: () => void;
}

/**
 * Runs `flush` when the process is about to stop: on `SIGTERM` and
 * `SIGINT`, when the event loop has nothing left to do (a script that
 * simply ends), and on an uncaught exception or unhandled rejection that
 * nothing else listens for. After a signal, the process then stops as it
 * would have without the hook, unless the application listens for that
 * signal itself, in which case what the signal means is the application's
 * to decide. After an uncaught exception, the exception is raised again
 * once the flush is done, with no hook left to catch it, so that Node
 * prints it and exits with code 1 as it would have at once.
 *
 * `process.exit()` runs only synchronous work, so spans still queued then
 * are lost; `onAbruptExit` can say so. Call the handle's `shutdown()`
 * before `process.exit()`.
 *
 * @returns a function that removes the hooks
 */
export function installExitHooks(actions: ExitHookActions): () => void {
  const { flush, timeoutMillis } = actions;
  const afterFlush = actions.afterFlush ?? ((): void => undefined);
  const onAbruptExit = actions.onAbruptExit ?? ((): void => undefined);

  // `holdOpen` keeps the process alive until the flush or the deadline;
  // after an uncaught exception it must, for should the loop run dry
  // first, the process would end with code 0, as though nothing had failed.
  const boundedFlush = (holdOpen: boolean): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMillis);
      if (!holdOpen) timer.unref();
    });
    const flushed = new Promise<void>((resolve) => {
      resolve(flush());
    }).catch(() => undefined);
    return Promise.race([flushed, deadline]).then(() => {
      clearTimeout(timer);
      afterFlush();
    });
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    remove();
    void boundedFlush(false).then(() => {
      if (process.listenerCount(signal) > 0) return;
      // Our listener is gone, so the default action runs: the process
      // stops with the signal, and its parent sees the usual exit status.
      process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = (): void => {
    remove();
    // The flush keeps the loop alive until it is done; then the process
    // exits, since this hook is gone and will not run again.
    void boundedFlush(false);
  };
  const onExit = (): void => {
    remove();
    onAbruptExit();
  };

  let failure:
    { error: unknown; origin: NodeJS.UncaughtExceptionOrigin } | undefined;
  let raised = false;
  const raiseAgain = (): void => {
    if (raised || failure === undefined) return;
    raised = true;
    process.removeListener('uncaughtException', onUncaughtException);
    const { error, origin } = failure;
    // In the form it came in, so that Node reports it as it would have.
    if (origin === 'unhandledRejection') {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the application's own reason, whatever it is
      void Promise.reject(error);
    } else {
      process.nextTick(() => {
        // Node shows this line above the stack, so it says what happened.
        throw error; // the application's uncaught exception, raised again after its spans were flushed
      });
    }
  };
  const onUncaughtException = (
    error: unknown,
    origin: NodeJS.UncaughtExceptionOrigin,
  ): void => {
    if (failure !== undefined) {
      // A second failure while flushing: the process would have stopped at
      // the first, so it stops now, with the first.
      raiseAgain();
      return;
    }
    // Another listener is stepped aside for as it comes (below); this is
    // for one that came in without a 'newListener' event to say so.
    if (process.listenerCount('uncaughtException') > 1) return;
    failure = { error, origin };
    removeExitListeners();
    void boundedFlush(true).then(raiseAgain, raiseAgain);
  };

  // The exception hook listens only while nothing else does. With another
  // listener the exception is the application's to handle, and the process
  // may well go on; and a listener of ours would be "another handler" to
  // code that steps aside for one, as crash reporters do, which would then
  // leave the process running after a fatal error.
  let listening = false;
  const listen = (): void => {
    if (listening || process.listenerCount('uncaughtException') > 0) return;
    listening = true;
    process.on('uncaughtException', onUncaughtException);
  };
  const stepAside = (): void => {
    if (!listening) return;
    listening = false;
    process.removeListener('uncaughtException', onUncaughtException);
  };
  const onNewListener = (event: string | symbol, listener: unknown): void => {
    if (event === 'uncaughtException' && listener !== onUncaughtException) {
      stepAside();
    }
  };
  const onRemoveListener = (
    event: string | symbol,
    listener: unknown,
  ): void => {
    if (event === 'uncaughtException' && listener !== onUncaughtException) {
      listen();
    }
  };

  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  process.once('beforeExit', onBeforeExit);
  process.once('exit', onExit);
  process.on('newListener', onNewListener);
  process.on('removeListener', onRemoveListener);
  listen();

  function removeExitListeners(): void {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('exit', onExit);
    process.removeListener('newListener', onNewListener);
    process.removeListener('removeListener', onRemoveListener);
  }
  function remove(): void {
    removeExitListeners();
    // While it flushes after an exception, the hook still has to raise it.
    if (failure === undefined) stepAside();
  }
  return remove;
}
