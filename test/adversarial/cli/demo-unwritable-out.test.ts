// `npm run demo` when out/ cannot be created (a file named out is in the
// way): the run ends with a line saying so and a non-zero exit, not an
// uncaught exception.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

const project = fileURLToPath(new URL('../../../', import.meta.url));
const copy = mkdtempSync(join(tmpdir(), 'trial-demo-'));
afterAll(() => {
  rmSync(copy, { recursive: true, force: true });
});

describe('the demo when out/ cannot be written', () => {
  it('fails in a few clear lines, without a stack trace', () => {
    cpSync(join(project, 'examples'), join(copy, 'examples'), {
      recursive: true,
    });
    cpSync(join(project, 'src'), join(copy, 'src'), { recursive: true });
    cpSync(join(project, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(project, 'node_modules'), join(copy, 'node_modules'));
    writeFileSync(join(copy, 'out'), 'in the way\n');
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')),
    );
    const result = spawnSync(
      join(project, 'node_modules/.bin/tsx'),
      ['examples/license-audit/main.ts'],
      {
        cwd: copy,
        // Nothing listens on port 9 of 127.0.0.1: no export is attempted
        // beyond the probe.
        env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain('the audit stopped');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  }, 90_000);
});
