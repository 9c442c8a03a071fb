// Bug: `report` writes the flow id and routine ids of the dump to the
// terminal as they are, control characters included, so a dump can clear
// the screen, retitle the terminal or forge lines (ESC, BEL, CR, newline).
// The bad-field path of a format error is quoted ("routine_executions["a\u001b[2J"]"),
// but the table is not. Likewise a file that is not JSON gets its first
// bytes echoed raw in the error line, through JSON.parse's message.
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

  it('does not echo raw control bytes of a file that is not JSON', async () => {
    const path = files.file('ansi.json', '\u001b]0;pwned\u0007\u001b[2J');
    const { code, err } = await cli('report', path);
    expect(code).toBe(1);
    expect(err).toMatch(/is not JSON/);
    expect(controls(err)).toEqual([]);
  });
});
