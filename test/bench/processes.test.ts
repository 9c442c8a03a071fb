import { describe, expect, it } from 'vitest';

import { argsForOneProcess, parseOptions } from '../../bench/options.js';
import {
  figuresOverProcesses,
  formatFiguresOverProcesses,
} from '../../bench/processes.js';
import type { Row, ScenarioResult } from '../../bench/results.js';
import { target } from '../../bench/results.js';

function ratio(value: number | null): Row {
  return {
    key: 'full_over_raw',
    label: 'full tracker / raw',
    value,
    unit: 'ratio',
    target: target(value, 'at most', 1.15),
  };
}

function output(rows: readonly Row[]): { scenarios: ScenarioResult[] } {
  return {
    scenarios: [
      { id: 'overhead', title: 't', rows, notes: [], data: {}, seconds: 1 },
    ],
  };
}

describe('figures over processes', () => {
  it('takes the median of each figure and judges its target on it', () => {
    const time: Row = { key: 'full_ns', label: 'full', value: 0, unit: 'ns' };
    const outputs = [1.2, 1.1, 1.14, 1.3, 1.16].map((value, i) =>
      output([{ ...time, value: 2000 + i }, ratio(value)]),
    );
    const [ns, ratioFigure] = figuresOverProcesses(outputs);
    expect(ns).toMatchObject({
      key: 'full_ns',
      values: [2000, 2001, 2002, 2003, 2004],
      median: 2002,
    });
    expect(ns?.target).toBeUndefined();
    expect(ratioFigure).toMatchObject({
      values: [1.2, 1.1, 1.14, 1.3, 1.16],
      median: 1.16,
      target: { direction: 'at most', limit: 1.15, met: false, metIn: 2 },
    });
  });

  it('leaves out what a process could not measure', () => {
    const figures = figuresOverProcesses([
      output([ratio(null)]),
      output([ratio(1.1)]),
      output([]),
    ]);
    expect(figures[0]).toMatchObject({
      values: [null, 1.1, null],
      median: 1.1,
      target: { met: true, metIn: 1 },
    });
    expect(
      figuresOverProcesses([output([ratio(null)])])[0]?.target?.met,
    ).toBeNull();
  });

  it('prints a column per process, the median and the verdict', () => {
    const figures = figuresOverProcesses([
      output([ratio(1.1)]),
      output([ratio(1.2)]),
      output([ratio(1.3)]),
    ]);
    const table = formatFiguresOverProcesses(figures, 3).split('\n');
    expect(table[0]).toMatch(/figure\s+#1\s+#2\s+#3\s+median\s+target/);
    expect(table[1]).toMatch(
      /overhead: full tracker \/ raw\s+1\.100\s+1\.200\s+1\.300\s+1\.200\s+<= 1\.150\s+MISSED \(1 of 3 processes\)/,
    );
  });
});

describe('the --processes option', () => {
  it('is read in both spellings, and one process is the default', () => {
    expect(parseOptions([]).processes).toBe(1);
    expect(parseOptions(['--processes', '5']).processes).toBe(5);
    expect(parseOptions(['--processes=3', '--quick']).processes).toBe(3);
  });

  it('starts each process with the profile and scenarios asked for', () => {
    const options = parseOptions([
      '--quick',
      '--processes',
      '4',
      '--json',
      '--only=mirror,overhead',
    ]);
    expect(argsForOneProcess(options)).toEqual([
      '--quick',
      '--only',
      'overhead,mirror',
    ]);
    expect(argsForOneProcess(parseOptions([]))).toEqual([
      '--only',
      'overhead,mirror,queries,memory,routilux',
    ]);
  });
});
