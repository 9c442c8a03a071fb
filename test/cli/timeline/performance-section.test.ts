import { describe, expect, it } from 'vitest';

import { renderPerformanceSection } from '../../../src/cli/timeline/performance-section.js';
import { ExecutionTracker } from '../../../src/index.js';
import { fixedRun } from './sample-run.js';

/** The text of each cell of each body row of the table. */
function bodyCells(html: string): string[][] {
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(
      (cell) =>
        (cell[1] ?? '')
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
    ),
  );
}

describe('renderPerformanceSection', () => {
  const tracker = fixedRun([
    { id: 'transform', start: 0, end: 10 },
    { id: 'transform', start: 5, end: 25 },
    { id: 'transform', start: 6, end: 36, status: 'failed', error: 'x' },
    { id: 'transform', start: 7, end: 47 },
    { id: 'extract', start: 0, end: 30 },
    { id: 'load', start: 40, end: 45 },
    { id: 'load', start: 46 },
  ]);
  const metrics = tracker.getPerformanceMetrics();
  const html = renderPerformanceSection(metrics);

  it('lists every routine by share, with the figures of getPerformanceMetrics', () => {
    const rows = bodyCells(html);
    expect(rows.map((row) => row[0])).toEqual([
      'transform bottleneck',
      'extract',
      'load',
    ]);
    // transform: 4 runs of 10, 20, 30 and 40 ms, one failed; 100 of 135 ms.
    const transform = metrics.routines.transform;
    expect(rows[0]).toEqual([
      'transform bottleneck',
      '4',
      '1',
      '75.0%',
      '25.0',
      ((transform?.p50_execution_time ?? 0) * 1000).toFixed(1),
      ((transform?.p95_execution_time ?? 0) * 1000).toFixed(1),
      '40.0',
      `${((100 / 135) * 100).toFixed(1)}%`,
    ]);
    expect(rows[1]).toEqual([
      'extract',
      '1',
      '0',
      '100.0%',
      '30.0',
      '30.0',
      '30.0',
      '30.0',
      `${((30 / 135) * 100).toFixed(1)}%`,
    ]);
    // load: one of two still running, so 50% success over 2 executions.
    expect(rows[2]?.slice(0, 5)).toEqual(['load', '2', '0', '50.0%', '5.0']);
  });

  it('marks only the largest share as the bottleneck', () => {
    expect(html.match(/class="bottleneck"/g)).toHaveLength(1);
    expect(html).toContain(
      '<tr class="bottleneck"><th scope="row"><span class="routine-name">transform</span>',
    );
  });

  it('sums up the run', () => {
    expect(html).toContain(
      '7 executions of 3 routines, 1 failed, 0 events, 47.0 ms wall time, 127.7 executions/s',
    );
  });

  it('escapes routine ids', () => {
    const hostile = renderPerformanceSection(
      fixedRun([
        { id: '<img src=x onerror=alert(1)>', start: 0, end: 1 },
      ]).getPerformanceMetrics(),
    );
    expect(hostile).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(hostile).not.toContain('<img');
  });

  it('says when there is nothing to show and marks no bottleneck', () => {
    const empty = renderPerformanceSection(
      new ExecutionTracker('empty').getPerformanceMetrics(),
    );
    expect(empty).toContain('No executions recorded.');
    expect(empty).not.toContain('class="bottleneck"');
  });

  it('notes records dropped by the tracker bounds', () => {
    const bounded = new ExecutionTracker({
      flowId: 'bounded',
      maxExecutionsPerRoutine: 1,
    });
    for (let i = 0; i < 3; i++) {
      bounded.recordRoutineStart('a');
      bounded.recordRoutineEnd('a');
    }
    bounded.end();
    expect(renderPerformanceSection(bounded.getPerformanceMetrics())).toContain(
      'dropped 2 execution records',
    );
  });
});
