// How `timeline -o` writes its file, whole or not at all: a path it cannot
// write gets the command's own one-line error, and an interrupted write
// leaves no temporary file behind.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { cli, dumpOf, scratch } from './helpers.js';

const files = scratch('tl');
afterAll(() => {
  files.cleanup();
});
const project = fileURLToPath(new URL('../../../', import.meta.url));

describe('timeline -o into a path it cannot write', () => {
  it('says "cannot write <path>" when a folder of the path is a file', async () => {
    const dump = files.file('run.json', dumpOf(3));
    const notADir = files.file('plain-file', 'x');
    const target = join(notADir, 'run.html');
    const { code, err } = await cli('timeline', dump, '-o', target);
    expect(code).toBe(1);
    expect(err).toContain(`execution-tracker: cannot write ${target}: `);
    expect(err).not.toMatch(/\.tmp/);
  });
});

describe('timeline interrupted while writing', () => {
  it('leaves no temporary file behind', () => {
    const dump = files.file('big.json', dumpOf(2000));
    const outDir = join(files.dir, 'out');
    mkdirSync(outDir);
    // Writes part of the temporary file, then the user presses Ctrl-C.
    const preload = files.file(
      'interrupt.cjs',
      `const fs = require('node:fs');
const original = fs.promises.writeFile;
fs.promises.writeFile = async (path, data, options) => {
  if (String(path).endsWith('.tmp')) {
    await original(path, String(data).slice(0, 1000), options);
    process.kill(process.pid, 'SIGINT');
    // The rest of the write is still on its way when the signal lands.
    return new Promise((resolve) => setTimeout(resolve, 10_000));
  }
  return original(path, data, options);
};
require('node:module').syncBuiltinESMExports();
`,
    );
    const result = spawnSync(
      process.execPath,
      [
        '--require',
        preload,
        join(project, 'dist/esm/cli/bin.js'),
        'timeline',
        dump,
        '-o',
        join(outDir, 'run.html'),
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.status === 0).toBe(false);
    expect(readdirSync(outDir)).toEqual([]);
  });
});
