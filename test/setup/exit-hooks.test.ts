import { afterEach, describe, expect, it } from 'vitest';

import { installExitHooks } from '../../src/setup/exit-hooks.js';
import { setupTracing } from '../../src/setup/index.js';
import { closedPort } from '../support/fake-otlp-backend.js';

// What happens when the hooks fire is shown by child processes in
// test/e2e/exit-hooks.test.ts and test/e2e/exit-paths.test.ts; here, only
// which listeners are installed and that none is left behind.

const EVENTS = [
  'SIGTERM',
  'SIGINT',
  'beforeExit',
  'exit',
  'uncaughtException',
] as const;

const counts = (): number[] =>
  EVENTS.map((event) => process.listenerCount(event));

let removers: (() => void)[] = [];
afterEach(() => {
  for (const remove of removers) remove();
  removers = [];
});

describe('installExitHooks', () => {
  it('adds one listener for each way the process can stop, and takes them all away again', () => {
    const before = counts();
    const remove = installExitHooks({
      flush: () => Promise.resolve(),
      timeoutMillis: 100,
    });
    removers.push(remove);
    expect(counts()).toEqual(before.map((n) => n + 1));
    remove();
    expect(counts()).toEqual(before);
  });
});

describe('setupTracing', () => {
  it('leaves no listener behind after shutdown, however often it is set up', async () => {
    const before = counts();
    const endpoint = `http://127.0.0.1:${await closedPort()}/v1/traces`;
    for (let round = 0; round < 3; round++) {
      const tracing = setupTracing({ serviceName: 'hooks', endpoint });
      expect(counts()).toEqual(before.map((n) => n + 1));
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
