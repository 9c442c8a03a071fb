/**
 * The command line of the benchmark and the two profiles it runs with: the
 * full run (a few minutes on two cores) and `--quick`, a smoke run of the
 * same scenarios with fewer and shorter rounds.
 */

/** The scenarios, in the order they run. */
export const SCENARIO_IDS = [
  'overhead',
  'mirror',
  'queries',
  'memory',
  'routilux',
] as const;

/** One scenario's id. */
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** How long and how often each comparison is measured. */
export interface Profile {
  readonly name: 'full' | 'quick';
  /** Rounds per comparison; each round measures every contender once. */
  readonly rounds: number;
  /** Time budget per contender and round, in milliseconds. */
  readonly timeMs: number;
  /** Warm-up budget per contender and round, in milliseconds. */
  readonly warmupMs: number;
  /** Time budget per query contender and round: queries barely allocate. */
  readonly queryTimeMs: number;
  /** Executions timed together as one sample. */
  readonly executionsPerSample: number;
  /** Recorded executions at which the queries are timed. */
  readonly querySizes: readonly number[];
  /** Executions recorded to measure the heap of one retained record. */
  readonly memoryRecords: number;
  /** Executions for the bounded heap: at the default bounds, and past them. */
  readonly boundedSizes: readonly [number, number];
  /** Rounds of the Python side, and executions timed per round. */
  readonly pythonRounds: number;
  readonly pythonExecutionsPerRound: number;
  /** Executions recorded before the Python query is timed. */
  readonly pythonQuerySize: number;
}

const FULL: Profile = {
  name: 'full',
  rounds: 9,
  timeMs: 500,
  warmupMs: 150,
  queryTimeMs: 200,
  executionsPerSample: 200,
  querySizes: [1e3, 1e4, 1e5, 1e6],
  memoryRecords: 200_000,
  boundedSizes: [1e5, 1e6],
  pythonRounds: 15,
  pythonExecutionsPerRound: 10_000,
  pythonQuerySize: 1e5,
};

const QUICK: Profile = {
  name: 'quick',
  rounds: 3,
  timeMs: 60,
  warmupMs: 30,
  queryTimeMs: 40,
  executionsPerSample: 200,
  querySizes: [1e3, 1e4, 1e5, 1e6],
  memoryRecords: 50_000,
  boundedSizes: [1e5, 1e6],
  pythonRounds: 5,
  pythonExecutionsPerRound: 5_000,
  pythonQuerySize: 1e5,
};

/**
 * The arguments that make a process of its own run what `options` asks
 * for, in one process.
 */
export function argsForOneProcess(options: BenchOptions): string[] {
  return [
    ...(options.profile.name === 'quick' ? ['--quick'] : []),
    '--only',
    options.scenarios.join(','),
  ];
}

/** What the command line asked for. */
export interface BenchOptions {
  readonly profile: Profile;
  readonly json: boolean;
  readonly scenarios: readonly ScenarioId[];
  /** Fresh processes to run the scenarios in; 1 runs them in this one. */
  readonly processes: number;
}

const USAGE = `usage: node --expose-gc --import tsx bench/run.ts [--quick] [--json] [--only <ids>] [--processes <n>]

  --quick           a smoke run: fewer and shorter rounds
  --json            print one JSON object instead of the table
  --only <ids>      run only these scenarios, comma-separated: ${SCENARIO_IDS.join(', ')}
  --processes <n>   run them in n fresh processes, one after the other, and
                    report each figure's median over the processes
  --help            show this`;

/** More processes than this would run for hours. */
const MAX_PROCESSES = 50;

/** Parses `argv` (without node and the script); exits on a bad option. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  let profile = FULL;
  let json = false;
  let scenarios: ScenarioId[] = [...SCENARIO_IDS];
  let processes = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = splitInline(arg);
    switch (flag) {
      case '--quick':
        profile = QUICK;
        break;
      case '--json':
        json = true;
        break;
      case '--only':
        scenarios = parseScenarios(inline ?? argv[++i]);
        break;
      case '--processes':
        processes = parseCount(inline ?? argv[++i]);
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  return { profile, json, scenarios, processes };
}

/** `--only=a,b` as `['--only', 'a,b']`; any other argument as it is. */
function splitInline(arg: string): [string, string | undefined] {
  for (const flag of ['--only', '--processes']) {
    if (arg.startsWith(`${flag}=`)) return [flag, arg.slice(flag.length + 1)];
  }
  return [arg, undefined];
}

function parseCount(text: string | undefined): number {
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > MAX_PROCESSES) {
    fail(`--processes needs a whole number from 1 to ${MAX_PROCESSES}`);
  }
  return count;
}

function parseScenarios(list: string | undefined): ScenarioId[] {
  if (list === undefined || list === '') fail('--only needs scenario ids');
  const ids = list.split(',').map((id) => id.trim());
  for (const id of ids) {
    if (!isScenarioId(id)) fail(`unknown scenario ${JSON.stringify(id)}`);
  }
  return SCENARIO_IDS.filter((id) => ids.includes(id));
}

function isScenarioId(id: string): id is ScenarioId {
  return (SCENARIO_IDS as readonly string[]).includes(id);
}

function fail(message: string): never {
  console.error(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}
