/**
 * The same benchmark run in several fresh processes, one after the other,
 * with the median of each figure over them. One process measures its
 * contenders side by side, which cancels the machine's drift within the
 * run; what it cannot cancel is the process itself: the compiler's and the
 * collector's choices (what to inline, what to allocate straight into the
 * old generation) differ from one start to the next and move the figures
 * of a whole run together. A figure that holds over the median of several
 * processes does not depend on one start's luck.
 */
import { spawn } from 'node:child_process';

import { median } from './measure.js';
import { formatValue, type TargetSummary } from './report.js';
import type { Row, ScenarioResult, Unit } from './results.js';

/** What one process printed with `--json`, as far as this reads it. */
interface ProcessOutput {
  readonly scenarios: readonly ScenarioResult[];
}

/** One figure over every process. */
export interface FigureOverProcesses {
  readonly scenario: string;
  readonly key: string;
  readonly label: string;
  readonly unit: Unit;
  /** Each process's figure, in the order they ran; null where unmeasured. */
  readonly values: readonly (number | null)[];
  /** The median of the measured values; null when none was. */
  readonly median: number | null;
  readonly target?: Pick<TargetSummary, 'direction' | 'limit'> & {
    /** Whether the median meets it; null when nothing was measured. */
    readonly met: boolean | null;
    /** The processes whose own figure meets it. */
    readonly metIn: number;
  };
}

/**
 * Runs `script` with `args` and `--json` in `count` fresh processes, one
 * at a time (in parallel they would slow each other down), with the
 * runtime flags of this one.
 *
 * @param onProcess told as each process ends, for progress
 */
export async function runInProcesses(
  script: string,
  args: readonly string[],
  count: number,
  onProcess: (done: number, seconds: number) => void,
): Promise<ProcessOutput[]> {
  const outputs: ProcessOutput[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    outputs.push(await runOnce(script, [...args, '--json']));
    onProcess(i + 1, (performance.now() - started) / 1000);
  }
  return outputs;
}

function runOnce(
  script: string,
  args: readonly string[],
): Promise<ProcessOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, script, ...args],
      // Progress goes straight through; the JSON is read here.
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`a benchmark process exited with code ${code}`));
        return;
      }
      try {
        resolve(asProcessOutput(JSON.parse(Buffer.concat(chunks).toString())));
      } catch (error) {
        reject(
          new Error(`a benchmark process printed no JSON: ${String(error)}`),
        );
      }
    });
  });
}

function asProcessOutput(parsed: unknown): ProcessOutput {
  const scenarios = (parsed as { scenarios?: unknown } | null)?.scenarios;
  if (!Array.isArray(scenarios)) throw new Error('it has no scenarios');
  return { scenarios: scenarios as ScenarioResult[] };
}

/**
 * Every figure of the first process, with its value in each process and
 * the median over them; a target is judged on the median.
 */
export function figuresOverProcesses(
  outputs: readonly ProcessOutput[],
): FigureOverProcesses[] {
  const first = outputs[0];
  if (first === undefined) return [];
  return first.scenarios.flatMap((scenario) =>
    scenario.rows.map((row) => {
      const values = outputs.map(
        (output) => rowOf(output, scenario.id, row.key)?.value ?? null,
      );
      return overProcesses(scenario.id, row, values);
    }),
  );
}

function rowOf(
  output: ProcessOutput,
  scenario: string,
  key: string,
): Row | undefined {
  return output.scenarios
    .find((result) => result.id === scenario)
    ?.rows.find((row) => row.key === key);
}

function overProcesses(
  scenario: string,
  row: Row,
  values: readonly (number | null)[],
): FigureOverProcesses {
  const measured = values.filter(
    (value): value is number => value !== null && !Number.isNaN(value),
  );
  const middle = measured.length > 0 ? median(measured) : null;
  const figure = {
    scenario,
    key: row.key,
    label: row.label,
    unit: row.unit,
    values,
    median: middle,
  };
  if (row.target === undefined) return figure;
  const { direction, limit } = row.target;
  const meets = (value: number): boolean =>
    direction === 'at most' ? value <= limit : value >= limit;
  return {
    ...figure,
    target: {
      direction,
      limit,
      met: middle === null ? null : meets(middle),
      metIn: measured.filter(meets).length,
    },
  };
}

/** The figures as a table: one column per process, then the median. */
export function formatFiguresOverProcesses(
  figures: readonly FigureOverProcesses[],
  count: number,
): string {
  const header = [
    'figure',
    ...Array.from({ length: count }, (_, i) => `#${i + 1}`),
    'median',
    'target',
    '',
  ];
  const lines = figures.map((figure) => [
    `${figure.scenario}: ${figure.label}`,
    ...figure.values.map((value) => formatValue(value, figure.unit)),
    formatValue(figure.median, figure.unit),
    figure.target === undefined
      ? ''
      : `${figure.target.direction === 'at most' ? '<=' : '>='} ${formatValue(figure.target.limit, figure.unit)}`,
    figure.target === undefined ? '' : verdictOf(figure.target, count),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const last = header.length - 1;
  const render = (cells: readonly string[]): string =>
    `  ${cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return column === 0 || column === last
          ? cell.padEnd(width)
          : cell.padStart(width);
      })
      .join('  ')
      .trimEnd()}`;
  return [render(header), ...lines.map(render)].join('\n');
}

function verdictOf(
  target: NonNullable<FigureOverProcesses['target']>,
  count: number,
): string {
  if (target.met === null) return 'not measured';
  return `${target.met ? 'met' : 'MISSED'} (${target.metIn} of ${count} processes)`;
}
