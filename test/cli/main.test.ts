import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { PerformanceMetrics } from '../../src/index.js';
import { ExecutionTracker } from '../../src/index.js';
import { routiluxDump } from '../support/routilux-vectors.js';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a file into the test's folder and returns its path. */
function file(name: string, contents: string): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

function vectorFile(name: string): string {
  return file(`${name}.json`, JSON.stringify(routiluxDump(name)));
}

const run = runCli;

describe('execution-tracker', () => {
  it('lists its commands with --help', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    for (const command of ['report', 'replay', 'timeline']) {
      expect(result.out).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('has --help for every command', async () => {
    for (const command of ['report', 'replay', 'timeline']) {
      const result = await run(command, '--help');
      expect(result.code, command).toBe(0);
      expect(result.out).toMatch(
        new RegExp(`^Usage: execution-tracker ${command} `),
      );
    }
  });

  it('refuses an unknown command or option in one line, with exit code 2', async () => {
    const unknown = await run('frobnicate');
    expect(unknown).toMatchObject({ code: 2, out: '' });
    expect(unknown.err).toBe(
      'execution-tracker: unknown command "frobnicate"; try \'execution-tracker --help\'\n',
    );
    const option = await run('report', 'x.json', '--colour');
    expect(option.code).toBe(2);
    expect(option.err.trim().split('\n')).toHaveLength(1);
    expect(option.err).toContain("Unknown option '--colour'");
    const missing = await run('report');
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toBe(
      'execution-tracker: usage: execution-tracker report <dump.json> [--json]\n',
    );
  });
});

describe('report', () => {
  it("prints the performance table of routilux's multi-routine flow", async () => {
    const result = await run('report', vectorFile('multi_routine_flow'));
    expect(result).toMatchObject({ code: 0, err: '' });
    const lines = result.out.split('\n');
    expect(lines[0]).toBe('flow f9');
    expect(lines[2]).toMatch(
      /^routine\s+runs\s+failed\s+success\s+avg ms\s+p50 ms\s+p95 ms\s+max ms\s+share$/,
    );
    // By share: transform 6.229 ms, extract 4.222 ms, load 2.2 ms.
    expect(lines[3]).toMatch(
      /^transform \*\s+1\s+0\s+100\.0%\s+6\.2\s+6\.2\s+6\.2\s+6\.2\s+49\.2%$/,
    );
    expect(lines[4]).toMatch(
      /^extract\s+1\s+0\s+100\.0%\s+4\.2\s+4\.2\s+4\.2\s+4\.2\s+33\.4%$/,
    );
    expect(lines[5]).toMatch(
      /^load\s+1\s+1\s+0\.0%\s+2\.2\s+2\.2\s+2\.2\s+2\.2\s+17\.4%$/,
    );
    expect(result.out).toContain(
      '3 executions of 3 routines, 1 failed, 2 events',
    );
    expect(result.out).toContain('* the bottleneck');
  });

  it('prints getPerformanceMetrics() with --json, for a dump of this library', async () => {
    const tracker = new ExecutionTracker('own');
    tracker.recordRoutineStart('a').end('completed');
    tracker.recordRoutineStart('a').end('failed', undefined, 'no');
    const path = file('own.json', JSON.stringify(tracker));

    const result = await run('report', path, '--json');
    expect(result.code).toBe(0);
    const metrics = JSON.parse(result.out) as PerformanceMetrics;
    expect(metrics).toEqual(
      ExecutionTracker.deserialize(
        JSON.parse(readFileSync(path, 'utf8')),
      ).getPerformanceMetrics(),
    );
    expect(metrics.routines.a).toMatchObject({
      total_executions: 2,
      failed: 1,
    });
  });

  it('says when the dump lacks records its writer had dropped', async () => {
    const tracker = new ExecutionTracker({
      flowId: 'bounded',
      maxExecutionsPerRoutine: 10,
    });
    for (let i = 0; i < 100; i++) {
      tracker.recordRoutineStart('r').end(i < 50 ? 'failed' : 'completed');
    }
    const bounded = await run(
      'report',
      file('bounded.json', JSON.stringify(tracker)),
    );
    expect(bounded.code).toBe(0);
    expect(bounded.out).toContain('10 executions of 1 routines, 0 failed');
    expect(bounded.out).toContain(
      'note: the figures cover the records this dump holds; 90 execution records and 0 events had been dropped',
    );
    const whole = await run('report', vectorFile('multi_routine_flow'));
    expect(whole.out).not.toContain('note:');
  });

  it('names executions that continued after an error or still run', async () => {
    const statuses = await run('report', vectorFile('statuses'));
    expect(statuses.out).toContain(
      '3 executions of 3 routines, 0 failed, 1 continued after an error, 0 events',
    );
    const open = await run('report', vectorFile('running_left_open'));
    expect(open.out).toContain(
      '2 executions of 1 routines, 0 failed, 1 still running',
    );
  });

  it('reports the large real routilux chain', async () => {
    const result = await run('report', vectorFile('routilux_chain'), '--json');
    const metrics = JSON.parse(result.out) as PerformanceMetrics;
    expect(metrics).toMatchObject({
      flow_id: 'routilux_chain',
      total_executions: 1,
      running_executions: 1,
      total_events: 6,
    });
  });

  it('says in one line what is wrong with its input, and exits 1', async () => {
    const cases: [string, string][] = [
      [
        join(dir, 'absent.json'),
        `cannot read ${join(dir, 'absent.json')}: no such file`,
      ],
      [file('text.json', 'not json at all'), 'is not JSON: Unexpected token'],
      [
        file(
          'wrong.json',
          JSON.stringify({
            flow_id: 'x',
            routine_executions: { a: [{}] },
            event_flow: [],
          }),
        ),
        'is not a serialized tracker: routine_executions.a[0].routine_id: expected a string, received nothing',
      ],
      [dir, 'is a directory'],
    ];
    for (const [path, message] of cases) {
      const result = await run('report', path);
      expect(result.code, path).toBe(1);
      expect(result.out).toBe('');
      expect(result.err.split('\n')).toHaveLength(2);
      expect(result.err).toContain(message);
    }
  });
});

describe('replay', () => {
  it('fails in one line when the endpoint refuses, and writes nothing', async () => {
    const before = readdirSync(dir).length;
    const result = await run(
      'replay',
      vectorFile('single_completed'),
      '--endpoint',
      'http://127.0.0.1:9/v1/traces',
    );
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toMatch(
      /^execution-tracker: could not deliver 2 of 2 spans to http:\/\/127\.0\.0\.1:9\/v1\/traces: .+\n$/,
    );
    expect(readdirSync(dir).length).toBe(before + 1);
  }, 30_000);
});

describe('timeline', () => {
  it('writes a self-contained page for the real routilux chain', async () => {
    const output = join(dir, 'chain.html');
    const result = await run(
      'timeline',
      vectorFile('routilux_chain'),
      '-o',
      output,
    );
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(`wrote ${output}\n`);
    const html = readFileSync(output, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toMatch(
      /http-equiv="Content-Security-Policy" content="default-src (&#39;|')none/,
    );
    expect(html).toContain('routilux_chain');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']https?:/);
  });

  it('takes a title, and needs -o', async () => {
    const output = join(dir, 'titled.html');
    await run(
      'timeline',
      vectorFile('statuses'),
      '-o',
      output,
      '--title',
      'Nightly <run>',
    );
    expect(readFileSync(output, 'utf8')).toContain('Nightly &lt;run&gt;');
    const missing = await run('timeline', vectorFile('statuses'));
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(
      'execution-tracker: usage: execution-tracker timeline <dump.json> -o <run.html>\n',
    );
  });

  it('leaves nothing behind when the page cannot be written', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cli-nowrite-'));
    try {
      const output = join(folder, 'missing-folder', 'run.html');
      const result = await run(
        'timeline',
        vectorFile('statuses'),
        '-o',
        output,
      );
      expect(result.code).toBe(1);
      expect(result.err).toMatch(
        /^execution-tracker: cannot write .*run\.html: ENOENT/,
      );
      expect(readdirSync(folder)).toEqual([]);

      // A page that exists is replaced whole, never truncated.
      const existing = join(folder, 'run.html');
      writeFileSync(existing, 'old page');
      await run('timeline', vectorFile('statuses'), '-o', existing);
      expect(readFileSync(existing, 'utf8')).toMatch(
        /^<!DOCTYPE html>[\s\S]*<\/html>\n?$/,
      );
      expect(readdirSync(folder)).toEqual(['run.html']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
