import { readFileSync } from 'node:fs';

import type {
  FlowPerformance,
  RoutinePerformance,
  SerializedTracker,
} from '../../src/index.js';

/** One case of the reference file written by routilux 0.11.0. */
export interface RoutiluxVector {
  name: string;
  calls: unknown[][] | null;
  serialized: SerializedTracker;
  reference: {
    routine_performance: Record<string, Partial<RoutinePerformance> | null>;
    flow_performance: FlowPerformance;
  };
}

/** Every case of `test/fixtures/routilux/routilux-0.11.0.json`. */
export const routiluxVectors: readonly RoutiluxVector[] = (
  JSON.parse(
    readFileSync(
      new URL('../fixtures/routilux/routilux-0.11.0.json', import.meta.url),
      'utf8',
    ),
  ) as { vectors: RoutiluxVector[] }
).vectors;

/** The serialized tracker of the case named `name`. */
export function routiluxDump(name: string): SerializedTracker {
  const found = routiluxVectors.find((vector) => vector.name === name);
  if (found === undefined) throw new Error(`no routilux vector ${name}`);
  return found.serialized;
}
