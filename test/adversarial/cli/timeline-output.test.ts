// Bugs in how `timeline -o` writes its file ("written to a temporary file
// and renamed, so they appear whole or not at all"):
// 1. An output path whose folder is a regular file gets an error line that
//    is not the command's own: "execution-tracker: Error: ENOTDIR: not a
//    directory, lstat '<dir>/.x.html.<hex>.tmp'". The clean-up
//    `rm(temporary, { force: true })` throws ENOTDIR (force only ignores
//    ENOENT) and masks the "cannot write <path>: …" line.
// 2. Interrupted while the page is being written (Ctrl-C, SIGTERM), it
//    leaves the partial temporary file `.<name>.<hex>.tmp` behind (seen
//    with a real SIGTERM 1.58 s into `timeline` of a 10^5-execution dump:
//    a 1.5 MB `.big.html.<hex>.tmp`). Runs the built CLI (npm run build).
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
