/**
 * The benchmark: what the tracker costs on the hot path, what its queries
 * and its mirror cost as a run grows, and how it compares with raw
 * OpenTelemetry and with routilux's Python tracker. It reports figures and
 * asserts nothing.
 *
 *   node --expose-gc --import tsx bench/run.ts [--quick] [--json] [--only <ids>] [--processes <n>]
 */
import { fileURLToPath } from 'node:url';

import { describeMachine } from './machine.js';
import {
  argsForOneProcess,
  parseOptions,
  type BenchOptions,
  type ScenarioId,
} from './options.js';
import {
  figuresOverProcesses,
  formatFiguresOverProcesses,
  runInProcesses,
} from './processes.js';
import {
  formatHeader,
  formatScenario,
  formatSummary,
  targetsOf,
} from './report.js';
import type { ScenarioContext, ScenarioResult } from './results.js';
import { runMemory } from './scenarios/memory.js';
import { runMirror } from './scenarios/mirror.js';
import { runOverhead } from './scenarios/overhead.js';
import { runQueries } from './scenarios/queries.js';
import { runRoutilux } from './scenarios/routilux.js';

type Scenario = (
  context: ScenarioContext,
) => ScenarioResult | Promise<ScenarioResult>;

const SCENARIOS: Readonly<Record<ScenarioId, Scenario>> = {
  overhead: runOverhead,
  mirror: runMirror,
  queries: runQueries,
  memory: runMemory,
  routilux: runRoutilux,
};

const TITLES: Readonly<Record<ScenarioId, string>> = {
  overhead: 'Full tracker against raw OpenTelemetry',
  mirror: 'The mirror alone against raw OpenTelemetry',
  queries: 'Query cost as the run grows',
  memory: 'Memory',
  routilux: 'routilux (Python) on the same call sequence',
};

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.processes > 1) {
    await runAcrossProcesses(options);
    return;
  }
  const { profile } = options;
  const machine = describeMachine();
  const started = performance.now();
  if (!options.json) console.log(`${formatHeader(machine, profile)}\n`);

  const results: ScenarioResult[] = [];
  for (const id of options.scenarios) {
    const log = (message: string): void => {
      console.error(`[${id}] ${message}`);
    };
    const scenarioStarted = performance.now();
    let result: ScenarioResult;
    try {
      result = await SCENARIOS[id]({ profile, log });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`failed: ${message}`);
      result = {
        id,
        title: TITLES[id],
        rows: [],
        notes: [`failed: ${message}`],
        data: { error: message },
        seconds: (performance.now() - scenarioStarted) / 1000,
      };
    }
    results.push(result);
    if (!options.json) {
      const number = 1 + Object.keys(SCENARIOS).indexOf(id);
      console.log(`${formatScenario(number, result)}\n`);
    }
  }

  const seconds = (performance.now() - started) / 1000;
  const targets = targetsOf(results);
  if (options.json) {
    printJson(profile, machine, seconds, { scenarios: results, targets });
  } else {
    console.log(formatSummary(targets, seconds));
  }
}

async function runAcrossProcesses(options: BenchOptions): Promise<void> {
  const { processes, profile } = options;
  const machine = describeMachine();
  const started = performance.now();
  if (!options.json) console.log(`${formatHeader(machine, profile)}\n`);
  const outputs = await runInProcesses(
    fileURLToPath(import.meta.url),
    argsForOneProcess(options),
    processes,
    (done, seconds) => {
      console.error(
        `[processes] ${done} of ${processes} done (${seconds.toFixed(0)} s)`,
      );
    },
  );
  const figures = figuresOverProcesses(outputs);
  const seconds = (performance.now() - started) / 1000;
  if (options.json) {
    printJson(profile, machine, seconds, { processes, figures });
    return;
  }
  console.log(
    `Each figure in ${processes} fresh processes, run one after the other, and its median over them (targets are judged on the median)`,
  );
  console.log(formatFiguresOverProcesses(figures, processes));
  console.log(`total ${seconds.toFixed(1)} s`);
}

/** The run as one JSON object: what ran where, then its figures. */
function printJson(
  profile: BenchOptions['profile'],
  machine: ReturnType<typeof describeMachine>,
  seconds: number,
  figures: Readonly<Record<string, unknown>>,
): void {
  console.log(
    JSON.stringify({
      benchmark: 'otel-execution-tracker',
      profile,
      machine,
      seconds,
      ...figures,
    }),
  );
}

await main();
