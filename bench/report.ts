/** The benchmark's output: a table for people, one JSON object for tools. */
import type { Machine } from './machine.js';
import type { Profile } from './options.js';
import type { Row, ScenarioResult, Target, Unit } from './results.js';

/** The header: what was measured on what. */
export function formatHeader(machine: Machine, profile: Profile): string {
  const packages = Object.entries(machine.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    'otel-execution-tracker benchmark',
    `machine  ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}`,
    `runtime  Node ${machine.node}${machine.gcExposed ? ', --expose-gc' : ', gc not exposed (memory is skipped)'}; ${packages}`,
    `profile  ${profile.name}: ${profile.rounds} rounds per comparison; per contender and round ${profile.warmupMs} ms warm-up + ${profile.timeMs} ms (queries ${profile.queryTimeMs} ms)`,
    "figures  times: the median over rounds of each round's mean time per call (GC included); ratios: the median of the per-round ratios",
  ].join('\n');
}

/** One scenario as a table, with its notes. */
export function formatScenario(number: number, result: ScenarioResult): string {
  const header = ['figure', 'value', 'per-round range', 'target', ''];
  const lines = result.rows.map((row) => [
    row.label,
    formatValue(row.value, row.unit),
    row.spread === undefined
      ? ''
      : `${formatPlain(row.spread[0], row.unit)} to ${formatPlain(row.spread[1], row.unit)}`,
    row.target === undefined ? '' : formatTarget(row.target, row.unit),
    row.target === undefined ? '' : verdict(row.target),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const render = (cells: readonly string[]): string =>
    `  ${cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        // Labels are left-aligned, figures right-aligned.
        return column === 0 || column === 4
          ? cell.padEnd(width)
          : cell.padStart(width);
      })
      .join('  ')
      .trimEnd()}`;
  const notes = [
    ...result.rows
      .filter((row) => row.note !== undefined)
      .map((row) => `${row.label}: ${row.note ?? ''}`),
    ...result.notes,
  ];
  return [
    `${number}. ${result.title}  (${result.seconds.toFixed(1)} s)`,
    render(header),
    ...lines.map(render),
    ...notes.map((note) => `  - ${note}`),
  ].join('\n');
}

/** Every target and whether it was met, as the summary lists them. */
export interface TargetSummary {
  readonly scenario: string;
  readonly key: string;
  readonly label: string;
  readonly value: number | null;
  readonly unit: Unit;
  readonly direction: Target['direction'];
  readonly limit: number;
  readonly met: boolean | null;
}

export function targetsOf(results: readonly ScenarioResult[]): TargetSummary[] {
  return results.flatMap((result) =>
    result.rows
      .filter(
        (row): row is Row & { target: Target } => row.target !== undefined,
      )
      .map((row) => ({
        scenario: result.id,
        key: row.key,
        label: row.label,
        value: row.value,
        unit: row.unit,
        direction: row.target.direction,
        limit: row.target.limit,
        met: row.target.met,
      })),
  );
}

/** The closing lines: targets met and missed, and the run's duration. */
export function formatSummary(
  targets: readonly TargetSummary[],
  seconds: number,
): string {
  const met = targets.filter((entry) => entry.met === true).length;
  const lines = [
    `targets: ${met} of ${targets.length} met (reported, not enforced)`,
  ];
  for (const entry of targets) {
    if (entry.met === true) continue;
    const status = entry.met === null ? 'not measured' : 'missed';
    lines.push(
      `  ${status}: ${entry.label}: ${formatValue(entry.value, entry.unit)}, target ${formatTarget(entry, entry.unit)}`,
    );
  }
  lines.push(`total ${seconds.toFixed(1)} s`);
  return lines.join('\n');
}

function verdict(target: Target): string {
  if (target.met === null) return 'not measured';
  return target.met ? 'met' : 'MISSED';
}

function formatTarget(
  target: Pick<Target, 'direction' | 'limit'>,
  unit: Unit,
): string {
  const sign = target.direction === 'at most' ? '<=' : '>=';
  return `${sign} ${formatValue(target.limit, unit)}`;
}

/** A figure with its unit, as the table shows it. */
export function formatValue(value: number | null, unit: Unit): string {
  if (value === null || Number.isNaN(value)) return 'n/a';
  switch (unit) {
    case 'ns':
      if (value >= 1e6) return `${(value / 1e6).toFixed(2)} ms`;
      if (value >= 1e4) return `${(value / 1e3).toFixed(1)} us`;
      return `${grouped(value, value < 100 ? 1 : 0)} ns`;
    case 'ratio':
      return value.toFixed(3);
    case 'speedup':
      return `${grouped(value, value < 100 ? 1 : 0)}x`;
    case 'bytes':
      return `${grouped(value, 0)} B`;
    case 'MiB':
      return `${value.toFixed(1)} MiB`;
    case 's':
      return `${value.toFixed(2)} s`;
  }
}

function formatPlain(value: number, unit: Unit): string {
  return unit === 'ratio' ? value.toFixed(3) : formatValue(value, unit);
}

function grouped(value: number, digits: number): string {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}
