/**
 * Runs `flush` when the process is about to stop: on `SIGTERM` and
 * `SIGINT`, and when the event loop has nothing left to do (a script that
 * simply ends). After a signal, the process then stops as it would have
 * without the hook, unless the application listens for that signal itself,
 * in which case what the signal means is the application's to decide.
 *
 * `process.exit()` and an uncaught exception stop the process without
 * running asynchronous work, so spans still queued then are lost; call the
 * handle's `shutdown()` before `process.exit()`.
 *
 * @param afterFlush runs once the flush is done or has run out of time
 * @returns a function that removes the hooks
 */
export function installExitHooks(
  flush: () => Promise<void>,
  timeoutMillis: number,
  afterFlush: () => void = () => undefined,
): () => void {
  const boundedFlush = (): Promise<void> =>
    Promise.race([
      flush().catch(() => undefined),
      new Promise<void>((resolve) =>
        setTimeout(resolve, timeoutMillis).unref(),
      ),
    ]).then(afterFlush);

  const onSignal = (signal: NodeJS.Signals): void => {
    remove();
    void boundedFlush().then(() => {
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
    void boundedFlush();
  };

  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  process.once('beforeExit', onBeforeExit);

  function remove(): void {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  }
  return remove;
}
