// examples/license-audit/main.ts, run as `npm run demo` runs it: with no
// collector at the endpoint, and with a real Jaeger that must then hold the
// whole run as one trace. It writes the demo's own files in out/.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SerializedTracker } from '../../src/index.js';
import {
  serviceOf,
  startJaeger,
  tagValue,
  waitForTrace,
  type JaegerInstance,
  type JaegerSpan,
} from '../support/jaeger.js';

const project = fileURLToPath(new URL('../../', import.meta.url));
const ROUTINES = ['discover', 'parse', 'classify', 'aggregate', 'report'];

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

/** Runs the demo with only the given OTEL_* and JAEGER_UI_URL variables. */
function runDemo(env: Record<string, string>): Promise<DemoRun> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('OTEL_') && key !== 'JAEGER_UI_URL',
    ),
  );
  const child = spawn(
    join(project, 'node_modules/.bin/tsx'),
    ['examples/license-audit/main.ts'],
    { cwd: project, env: { ...inherited, ...env } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr, lines: stdout.trimEnd().split('\n') });
    });
  });
}

/** A port of 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') {
    throw new Error('no port');
  }
  return address.port;
}

async function readDump(): Promise<SerializedTracker> {
  return JSON.parse(
    await readFile(join(project, 'out/license-audit.json'), 'utf8'),
  ) as SerializedTracker;
}

describe('npm run demo, with no collector', () => {
  it('runs the audit, writes its files and says in one line that no collector answered', async () => {
    const port = await closedPort();
    const run = await runDemo({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines[0]).toBe('license audit of node_modules');
    expect(run.stdout).toMatch(
      /^\d+ manifests: \d+ classified, 0 could not be used$/m,
    );
    expect(run.stdout).toContain('report written to out/license-report.json');
    expect(run.stdout).toMatch(/^routine +runs +failed +success/m);
    expect(run.stdout).toContain(
      'serialized run written to out/license-audit.json',
    );
    expect(run.stdout).toContain('timeline written to out/license-audit.html');
    const html = await readFile(
      join(project, 'out/license-audit.html'),
      'utf8',
    );
    expect(html).toContain('license audit of node_modules');
    expect(html).toMatch(/<\/html>\s*$/);
    expect(run.lines.at(-1)).toBe(
      `no collector answered at http://127.0.0.1:${port}/v1/traces; to see this run as a trace, ` +
        `start one: see 'View your flows in Jaeger' in the README`,
    );
    expect(run.stdout.match(/collector/g)).toHaveLength(1);

    const dump = await readDump();
    expect(dump.flow_id).toBe('license-audit');
    expect(Object.keys(dump.routine_executions).sort()).toEqual(
      [...ROUTINES].sort(),
    );
    const report = JSON.parse(
      await readFile(join(project, 'out/license-report.json'), 'utf8'),
    ) as { totals: { manifests: number } };
    expect(dump.routine_executions.parse).toHaveLength(report.totals.manifests);
  }, 60_000);
});

describe('npm run demo, with Jaeger', () => {
  let jaeger: JaegerInstance;
  beforeAll(async () => {
    jaeger = await startJaeger();
  });
  afterAll(async () => {
    await jaeger.stop();
  });

  it('prints the trace id and its Jaeger link, and Jaeger holds the whole run', async () => {
    const run = await runDemo({
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpEndpoint,
      JAEGER_UI_URL: `${jaeger.queryUrl}/`,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const [traceLine, linkLine] = run.lines.slice(-2);
    const match = /^trace ([0-9a-f]{32}) \((\d+) spans sent to (.+)\)$/.exec(
      traceLine ?? '',
    );
    expect(match, traceLine).not.toBeNull();
    const [, traceId = '', sent = '', endpoint] = match ?? [];
    expect(endpoint).toBe(`${jaeger.otlpHttpEndpoint}/v1/traces`);
    expect(linkLine).toBe(`open ${jaeger.queryUrl}/trace/${traceId}`);

    const dump = await readDump();
    const executions = Object.values(dump.routine_executions).reduce(
      (sum, records) => sum + records.length,
      0,
    );
    // One span per execution, and the root.
    expect(Number(sent)).toBe(executions + 1);

    const found = await waitForTrace(jaeger.queryUrl, traceId, {
      spans: executions + 1,
      timeoutMs: 20_000,
    });
    expect(found.spans).toHaveLength(executions + 1);
    const byId = new Map(found.spans.map((s) => [s.spanID, s]));
    const parentOf = (span: JaegerSpan): JaegerSpan | undefined => {
      const ref = span.references.find((r) => r.refType === 'CHILD_OF');
      return ref === undefined ? undefined : byId.get(ref.spanID);
    };
    const named = (name: string): JaegerSpan[] =>
      found.spans.filter((s) => s.operationName === name);

    const [root] = named('flow license-audit');
    expect(root).toBeDefined();
    expect(serviceOf(found, root as JaegerSpan)).toBe('license-audit');
    for (const id of ROUTINES) {
      expect(named(id), id).toHaveLength(
        dump.routine_executions[id]?.length ?? -1,
      );
    }
    // Each execution hangs under the execution that emitted to it.
    const parents = (id: string): Set<string | undefined> =>
      new Set(named(id).map((s) => parentOf(s)?.operationName));
    expect(parents('discover')).toEqual(new Set(['flow license-audit']));
    expect(parents('parse')).toEqual(new Set(['discover']));
    expect(parents('classify')).toEqual(new Set(['parse']));
    expect(parents('aggregate')).toEqual(
      new Set([
        'discover',
        'classify',
        ...(hasFailures(dump) ? ['parse'] : []),
      ]),
    );
    expect(parents('report')).toEqual(new Set(['aggregate']));
    for (const span of named('classify')) {
      expect(tagValue(span, 'flow.routine.params.path')).toBe(
        tagValue(parentOf(span) as JaegerSpan, 'flow.routine.params.path'),
      );
    }
  }, 90_000);
});

function hasFailures(dump: SerializedTracker): boolean {
  return (dump.routine_executions.parse ?? []).some(
    (r) => r.status !== 'completed',
  );
}
