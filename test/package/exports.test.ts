import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import type * as PackageApi from '../../src/index.js';
import { ExecutionTracker as SourceExecutionTracker } from '../../src/index.js';

const PACKAGE_NAME = 'otel-execution-tracker';
const BUILT_ENTRIES = ['dist/esm/index.js', 'dist/cjs/index.js'].map((entry) =>
  fileURLToPath(new URL(`../../${entry}`, import.meta.url)),
);

/** Fails with the fix spelled out when the package has not been built. */
function requireBuild(): void {
  const missing = BUILT_ENTRIES.filter((entry) => !existsSync(entry));
  if (missing.length > 0) {
    throw new Error(
      `The built package is missing (${missing.join(', ')}): run \`npm run build\` first (\`npm test\` builds before running vitest).`,
    );
  }
}

async function loadEsm(): Promise<typeof PackageApi> {
  requireBuild();
  // A variable specifier, so that the type checker does not need dist/.
  const specifier: string = PACKAGE_NAME;
  return (await import(specifier)) as typeof PackageApi;
}

function loadCjs(): typeof PackageApi {
  requireBuild();
  return createRequire(import.meta.url)(PACKAGE_NAME) as typeof PackageApi;
}

/** Records one execution and reads its figures back through the package. */
function exercise(api: typeof PackageApi): void {
  const tracker = new api.ExecutionTracker('package-check');
  expect(tracker).toBeInstanceOf(api.ExecutionTracker);
  expect(tracker.flowId).toBe('package-check');

  tracker.recordRoutineStart('load', { path: 'in.csv' });
  tracker.recordRoutineEnd('load', 'completed', { rows: 3 });
  const performance = tracker.getRoutinePerformance('load');
  expect(performance).toMatchObject({
    total_executions: 1,
    completed: 1,
    failed: 0,
    success_rate: 1,
  });
  expect(performance?.avg_execution_time).toBeGreaterThanOrEqual(0);
  expect(tracker.getRoutinePerformance('missing')).toBeNull();
  tracker.end();

  const records = tracker.routineExecutions.get('load');
  expect(records?.[0]).toMatchObject({
    routine_id: 'load',
    params: { path: 'in.csv' },
    status: 'completed',
    result: { rows: 3 },
  });

  let caught: unknown;
  try {
    api.ExecutionTracker.deserialize({ flow_id: 3 });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(api.TrackerFormatError);
  expect(caught).toBeInstanceOf(Error);
  expect((caught as PackageApi.TrackerFormatError).path).toBe('flow_id');
  expect((caught as Error).name).toBe('TrackerFormatError');

  const direct = new api.TrackerFormatError('flow_id', 'a string', 3);
  expect(direct.message).toBe('flow_id: expected a string, received number 3');

  expect(api.PACKAGE_NAME).toBe(PACKAGE_NAME);
  expect(api.REDACTED).toBe('[REDACTED]');
  expect(api.DEFAULT_MAX_EVENTS).toBe(100_000);
}

describe('the built package', () => {
  it('loads with import() through its exports map and works', async () => {
    const esm = await loadEsm();
    expect(esm.ExecutionTracker).not.toBe(SourceExecutionTracker);
    exercise(esm);
  });

  it('loads with require() through its exports map and works', () => {
    const cjs = loadCjs();
    expect(cjs.ExecutionTracker).not.toBe(SourceExecutionTracker);
    exercise(cjs);
  });

  it('resolves import and require to the ESM and CommonJS builds', () => {
    requireBuild();
    const require = createRequire(import.meta.url);
    expect(require.resolve(PACKAGE_NAME)).toBe(BUILT_ENTRIES[1]);
    expect(fileURLToPath(import.meta.resolve(PACKAGE_NAME))).toBe(
      BUILT_ENTRIES[0],
    );
  });

  it('recognises a TrackerFormatError of the other build with instanceof', async () => {
    const esm = await loadEsm();
    const cjs = loadCjs();
    expect(esm.TrackerFormatError).not.toBe(cjs.TrackerFormatError);
    expect(new cjs.TrackerFormatError('x', 'a string', 1)).toBeInstanceOf(
      esm.TrackerFormatError,
    );
    expect(new esm.TrackerFormatError('x', 'a string', 1)).toBeInstanceOf(
      cjs.TrackerFormatError,
    );
    expect(new Error('plain')).not.toBeInstanceOf(esm.TrackerFormatError);
  });

  it('exports the set-up helper as otel-execution-tracker/setup, both ways', async () => {
    requireBuild();
    // Built at run time, so that the type checker does not need dist/.
    const specifier = [PACKAGE_NAME, 'setup'].join('/');
    const esm = (await import(specifier)) as Record<string, unknown>;
    const cjs = createRequire(import.meta.url)(specifier) as Record<
      string,
      unknown
    >;
    for (const setup of [esm, cjs]) {
      expect(typeof setup.setupTracing).toBe('function');
      expect(setup.DEFAULT_TRACES_ENDPOINT).toBe(
        'http://127.0.0.1:4318/v1/traces',
      );
    }
  });

  it('has a bin that runs the command line', () => {
    requireBuild();
    const manifest = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { bin: Record<string, string> };
    const bin = fileURLToPath(
      new URL(
        `../../${manifest.bin['execution-tracker'] ?? ''}`,
        import.meta.url,
      ),
    );
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe(
      '#!/usr/bin/env node',
    );

    const fixture = fileURLToPath(
      new URL('../fixtures/routilux/routilux-0.11.0.json', import.meta.url),
    );
    const help = spawnSync(process.execPath, [bin, '--help'], {
      encoding: 'utf8',
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: execution-tracker <command>');
    // The fixture file holds vectors, not a tracker: a clear one-line error.
    const wrong = spawnSync(process.execPath, [bin, 'report', fixture], {
      encoding: 'utf8',
    });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(
      /^execution-tracker: .* is not a serialized tracker: flow_id: expected a string, received nothing\n$/,
    );
  });
});
