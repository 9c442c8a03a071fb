// Durations no run has (1e308 s) would overflow the figures into Infinity
// and NaN: deserialize refuses them, so report and timeline never show such
// figures.
import { afterAll, describe, expect, it } from 'vitest';

import { cli, scratch } from './helpers.js';

const files = scratch('huge');
afterAll(() => {
  files.cleanup();
});

const record = (start: string, end: string, time: number) => ({
  routine_id: 'a',
  start_time: start,
  status: 'completed',
  end_time: end,
  execution_time: time,
});
const dump = JSON.stringify({
  flow_id: 'huge',
  routine_executions: {
    a: [
      record('2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00.5+00:00', 1e308),
      record('2026-01-01T00:00:01+00:00', '2026-01-01T00:00:01.5+00:00', 1e308),
    ],
  },
  event_flow: [],
});

describe('a dump with huge execution times', () => {
  it('report either refuses it in one line or prints no NaN or Infinity', async () => {
    const path = files.file('huge.json', dump);
    const { code, out, err } = await cli('report', path);
    if (code === 0) {
      expect(out).not.toMatch(/NaN|Infinity/);
    } else {
      expect(err).toMatch(/execution_time/);
      expect(err.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('report --json either refuses it or keeps every figure a number', async () => {
    const path = files.file('huge-json.json', dump);
    const { code, out } = await cli('report', path, '--json');
    if (code === 0) {
      const metrics = JSON.parse(out) as Record<string, unknown>;
      expect(typeof metrics.total_execution_time).toBe('number');
      expect(typeof metrics.avg_routine_time).toBe('number');
    } else {
      expect(code).toBe(1);
    }
  });
});
