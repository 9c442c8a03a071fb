import { afterEach, describe, expect, it } from 'vitest';

import { installExitHooks } from '../../src/setup/exit-hooks.js';
import { setupTracing } from '../../src/setup/index.js';
import { closedPort } from '../support/fake-otlp-backend.js';

// What happens when the hooks fire is shown by child processes in
// test/e2e/exit-hooks.test.ts and test/e2e/exit-paths.test.ts; here, which
// listeners are installed, when, and that none is left behind.

const EVENTS = [
  'SIGTERM',
  'SIGINT',
  'beforeExit',
  'exit',
  'newListener',
  'removeListener',
  'uncaughtException',
] as const;

const counts = (): Record<string, number> =>
  Object.fromEntries(
    EVENTS.map((event) => [event, process.listenerCount(event)]),
  );

const plusOne = (
  before: Record<string, number>,
  except: readonly string[] = [],
): Record<string, number> =>
  Object.fromEntries(
    Object.entries(before).map(([event, n]) => [
      event,
      except.includes(event) ? n : n + 1,
    ]),
  );

const install = (): (() => void) =>
  installExitHooks({ flush: () => Promise.resolve(), timeoutMillis: 100 });

/**
 * Runs `body` with the test runner's own uncaughtException listeners taken
 * off, as in a process where nothing else listens. Synchronous, so that no
 * exception can arrive meanwhile.
 */
function withoutOtherListeners(body: () => void): void {
  const others = process.rawListeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  try {
    body();
  } finally {
    process.removeAllListeners('uncaughtException');
    for (const listener of others) {
      process.on('uncaughtException', listener as () => void);
    }
  }
}

let removers: (() => void)[] = [];
afterEach(() => {
  for (const remove of removers) remove();
  removers = [];
});

describe('installExitHooks', () => {
  it('listens for each way the process can stop, and stops listening when removed', () => {
    withoutOtherListeners(() => {
      const before = counts();
      const remove = install();
      expect(counts()).toEqual(plusOne(before));
      remove();
      expect(counts()).toEqual(before);
    });
  });

  it('leaves uncaught exceptions to another listener, whether it came first or later', () => {
    const other = (): void => undefined;
    withoutOtherListeners(() => {
      const remove = install();
      expect(process.listeners('uncaughtException')).toHaveLength(1);
      process.on('uncaughtException', other);
      expect(process.listeners('uncaughtException')).toEqual([other]);
      // Alone again: the hook takes the exceptions back.
      process.removeListener('uncaughtException', other);
      expect(process.listeners('uncaughtException')).toHaveLength(1);
      remove();
      expect(process.listeners('uncaughtException')).toEqual([]);

      process.on('uncaughtException', other);
      const later = install();
      expect(process.listeners('uncaughtException')).toEqual([other]);
      later();
      process.removeListener('uncaughtException', other);
      expect(process.listeners('uncaughtException')).toEqual([]);
    });
  });
});

describe('setupTracing', () => {
  it('leaves no listener behind after shutdown, however often it is set up', async () => {
    // The test runner listens for uncaught exceptions, so the hook does not.
    expect(process.listenerCount('uncaughtException')).toBeGreaterThan(0);
    const before = counts();
    const endpoint = `http://127.0.0.1:${await closedPort()}/v1/traces`;
    for (let round = 0; round < 3; round++) {
      const tracing = setupTracing({ serviceName: 'hooks', endpoint });
      expect(counts()).toEqual(plusOne(before, ['uncaughtException']));
      await tracing.shutdown();
      expect(counts()).toEqual(before);
    }
  });

  it('installs none with exitHooks: false', async () => {
    const before = counts();
    const endpoint = `http://127.0.0.1:${await closedPort()}/v1/traces`;
    const tracing = setupTracing({ exitHooks: false, endpoint });
    expect(counts()).toEqual(before);
    await tracing.shutdown();
  });
});
