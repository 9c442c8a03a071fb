import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(
  new URL('../../scripts/build-jaeger.mjs', import.meta.url),
);

describe('scripts/build-jaeger.mjs', () => {
  it('fails, saying what to install, where Go is missing', () => {
    // An empty PATH: node is run by its full path, and no `go` is found.
    const empty = mkdtempSync(join(tmpdir(), 'no-go-'));
    try {
      const result = spawnSync(process.execPath, [SCRIPT, '--force'], {
        env: { PATH: empty, HOME: empty },
        encoding: 'utf8',
      });
      expect(result.status).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toMatch(
        /install Go 1\.26\+ and put it on PATH/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
