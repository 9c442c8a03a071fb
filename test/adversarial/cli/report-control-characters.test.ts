// `report` and the command line's errors never write control characters
// from a dump or a file to the terminal (ESC, BEL, CR, newline): they are
// shown escaped, so a dump cannot clear the screen or forge lines.
import { afterAll, describe, expect, it } from 'vitest';

import { cli, scratch } from './helpers.js';

const files = scratch('ctl');
afterAll(() => {
  files.cleanup();
});

// C0 controls but tab and newline, DEL and CSI, as a list of the offenders.
function controls(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (
      (code < 0x20 && code !== 0x0a && code !== 0x09) ||
      code === 0x7f ||
      code === 0x9b
    ) {
      found.push(`\\u${code.toString(16).padStart(4, '0')}`);
    }
  }
  return found;
}

describe('report and control characters from the dump', () => {
  it('does not write ESC, BEL or CR taken from ids to the terminal', async () => {
    const id = 'load\u001b[2J\u001b]0;pwned\u0007\rfake';
    const path = files.file(
      'ctl.json',
      JSON.stringify({
        flow_id: 'f\u001b[31mred',
        routine_executions: {
          [id]: [
            {
              routine_id: id,
              start_time: '2026-01-01T00:00:00+00:00',
              status: 'completed',
              end_time: '2026-01-01T00:00:01+00:00',
              execution_time: 1,
            },
          ],
        },
        event_flow: [],
      }),
    );
    const { code, out } = await cli('report', path);
    expect(code).toBe(0);
    expect(controls(out)).toEqual([]);
  });

  it('does not let a newline in an id forge a line of the table', async () => {
    const forged =
      'load        1       0   100.0%     0.0     0.0     0.0     0.0   0.0%';
    const record = (id: string, status: string): object => ({
      routine_id: id,
      start_time: '2026-01-01T00:00:00+00:00',
      status,
      end_time: '2026-01-01T00:00:01+00:00',
      execution_time: 1,
    });
    const path = files.file(
      'newline.json',
      JSON.stringify({
        flow_id: 'nl',
        routine_executions: {
          load: [record('load', 'failed')],
          [`x\n${forged}`]: [record(`x\n${forged}`, 'completed')],
        },
        event_flow: [],
      }),
    );
    const { code, out } = await cli('report', path);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines.filter((line) => line.startsWith('load '))).toHaveLength(1);
    expect(out).toContain(`x\\u000a${forged}`);
  });

  it('does not echo raw control bytes of a file that is not JSON', async () => {
    const path = files.file('ansi.json', '\u001b]0;pwned\u0007\u001b[2J');
    const { code, err } = await cli('report', path);
    expect(code).toBe(1);
    expect(err).toMatch(/is not JSON/);
    expect(controls(err)).toEqual([]);
  });
});
