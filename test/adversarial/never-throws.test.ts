// Adversarial tests: "Recording never throws" (README, "Recording never
// throws"), "trackRoutine rethrows the error of the function it runs,
// unchanged", and "This and deserialize are the only places the tracker
// throws".
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe('a diag logger that throws', () => {
  afterEach(() => {
    diag.disable();
  });

  function installThrowingLogger(): void {
    const boom = (): void => {
      throw new Error('log sink is down');
    };
    const logger: DiagLogger = {
      error: boom,
      warn: boom,
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    };
    diag.setLogger(logger, {
      logLevel: DiagLogLevel.WARN,
      suppressOverrideMessage: true,
    });
  }

  it('recordRoutineEnd of a routine that is not running does not throw', () => {
    installThrowingLogger();
    const tracker = new ExecutionTracker('throwing-logger');
    // The misuse warning goes to diag.warn, which throws; the catch then
    // calls diag.error, which throws again, out of recordRoutineEnd.
    expect(() => {
      tracker.recordRoutineEnd('never-started');
    }).not.toThrow();
  });

  it('recordEvent with an id that is not a string does not throw', () => {
    installThrowingLogger();
    const tracker = new ExecutionTracker('throwing-logger-2');
    expect(() => {
      tracker.recordEvent({} as unknown as string, 'output');
    }).not.toThrow();
  });

  it('trackRoutine rethrows the function error, not the logger error', () => {
    installThrowingLogger();
    const tracker = new ExecutionTracker('throwing-logger-3');
    const fnError = new Error('the routine failed');
    let caught: unknown;
    try {
      tracker.trackRoutine('r', {}, (execution) => {
        // The routine ends its own execution (harmless per the README:
        // "a handle ended twice"), then fails.
        execution.end('completed');
        throw fnError;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(fnError);
  });
});

describe('trackRoutine with hostile return values and errors', () => {
  it('a function returning a revoked Proxy is recorded as completed, without throwing', () => {
    const tracker = new ExecutionTracker('revoked-result');
    const value = revokedProxy();
    // isThenable() reads `.then` on the value outside any try.
    expect(() => tracker.trackRoutine('r', {}, () => value)).not.toThrow();
    expect(tracker.getRoutinePerformance('r')?.completed).toBe(1);
  });

  it('a function returning a strict config Proxy (throws on unknown keys) is recorded as completed', () => {
    const tracker = new ExecutionTracker('strict-proxy');
    const config = new Proxy<Record<string, unknown>>(
      { port: 8080 },
      {
        get(target, key) {
          if (!(key in target)) throw new Error(`unknown key ${String(key)}`);
          return target[key as string];
        },
      },
    );
    let returned: unknown;
    expect(() => {
      returned = tracker.trackRoutine('load-config', {}, () => config);
    }).not.toThrow();
    expect(returned).toBe(config);
    expect(tracker.routineExecutions.get('load-config')?.[0]?.status).toBe(
      'completed',
    );
  });

  it('a thenable whose then() throws still ends the execution, as failed', async () => {
    const tracker = new ExecutionTracker('throwing-then');
    const thenable = {
      then(): never {
        throw new Error('then exploded');
      },
    };
    const returned = tracker.trackRoutine('r', {}, () => thenable);
    await expect(returned).rejects.toThrow('then exploded');
    expect(tracker.getPerformanceMetrics().running_executions).toBe(0);
    expect(tracker.routineExecutions.get('r')?.[0]).toMatchObject({
      status: 'failed',
      error: 'then exploded',
    });
  });

  it('a function that throws a revoked Proxy is recorded as failed', () => {
    const tracker = new ExecutionTracker('revoked-error');
    const thrown = revokedProxy();
    let caught: unknown;
    try {
      tracker.trackRoutine('r', {}, () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the attack
        throw thrown;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(thrown);
    // errorMessage() runs `error instanceof Error` on the revoked Proxy,
    // which throws inside finishExecution before the mirror is touched:
    // the record stays `running` forever.
    expect(tracker.routineExecutions.get('r')?.[0]?.status).toBe('failed');
  });

  it('recordRoutineEnd with a revoked Proxy as the error still ends the execution', () => {
    const tracker = new ExecutionTracker('revoked-error-2');
    tracker.recordRoutineStart('r');
    tracker.recordRoutineEnd('r', 'failed', undefined, revokedProxy());
    expect(tracker.getRoutinePerformance('r')?.failed).toBe(1);
  });

  it('awaiting a minimal thenable through trackRoutine yields its value', async () => {
    const tracker = new ExecutionTracker('thenable');
    // A valid Promises/A+ thenable whose then() returns nothing: `await`
    // on it gives 42, and so must awaiting what trackRoutine returns.
    const thenable = {
      then(resolve: (value: number) => void): void {
        resolve(42);
      },
    };
    const result: unknown = await tracker.trackRoutine('r', {}, () => thenable);
    expect(result).toBe(42);
  });

  it('trackRoutine given something that is not a function does not throw', () => {
    const tracker = new ExecutionTracker('not-a-function');
    // README: "Whatever a call is given ... recording does not throw";
    // "This and deserialize are the only places the tracker throws".
    expect(() => {
      tracker.trackRoutine('r', {}, 'oops' as unknown as () => void);
    }).not.toThrow();
  });
});

describe('readers given hostile recorded values', () => {
  it('eventFlow does not throw when an event carried a revoked Proxy', () => {
    const tracker = new ExecutionTracker('revoked-data');
    tracker.recordEvent(
      'a',
      'out',
      null,
      revokedProxy() as Record<string, unknown>,
    );
    // snapshot() calls Array.isArray() on the value outside any try.
    expect(() => tracker.eventFlow).not.toThrow();
  });

  it('routineExecutions and handle.record do not throw for a revoked Proxy result', () => {
    const tracker = new ExecutionTracker('revoked-result-read');
    const execution = tracker.recordRoutineStart('a');
    execution.end('completed', revokedProxy());
    expect(() => execution.record).not.toThrow();
    expect(() => tracker.routineExecutions).not.toThrow();
  });

  it('routineExecutions does not throw for an array Proxy whose get trap throws', () => {
    const tracker = new ExecutionTracker('array-proxy');
    const hostile = new Proxy([1, 2, 3], {
      get() {
        throw new Error('no reads');
      },
    });
    tracker.recordRoutineStart('a', { rows: hostile }).end();
    // snapshot() reads `value.length` of an array outside read().
    expect(() => tracker.routineExecutions).not.toThrow();
  });
});
