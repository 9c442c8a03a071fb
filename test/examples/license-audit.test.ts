// The license audit: exact figures on a fixed copy of real manifests
// (test/fixtures/manifests, see its README), the odd license forms on
// manifests written here, and structural facts on the live node_modules.
import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  REPORT_FILE,
  runLicenseAudit,
  type LicenseAuditResult,
} from '../../examples/license-audit/audit.js';
import { classifyLicense } from '../../examples/license-audit/licenses.js';
import type { LicenseReport } from '../../examples/license-audit/report.js';
import { ExecutionTracker } from '../../src/index.js';

const project = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(project, 'test/fixtures/manifests');

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'license-audit-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Every package manifest in the fixtures: the copied ones, then the made-up ones. */
const FIXTURE_PACKAGES = [
  '@datadog/sketches-js/package.json',
  '@eslint-community/eslint-utils/node_modules/eslint-visitor-keys/package.json',
  '@eslint-community/eslint-utils/package.json',
  '@isaacs/nonrecursive-glob-match/package.json',
  '@opentelemetry/api/package.json',
  '@opentelemetry/core/package.json',
  '@opentelemetry/sdk-trace-base/package.json',
  '@types/node/package.json',
  '@typescript-eslint/eslint-plugin/node_modules/ignore/package.json',
  '@typescript-eslint/eslint-plugin/package.json',
  '@typescript-eslint/typescript-estree/node_modules/balanced-match/package.json',
  '@typescript-eslint/typescript-estree/node_modules/brace-expansion/package.json',
  '@typescript-eslint/typescript-estree/node_modules/minimatch/package.json',
  '@typescript-eslint/typescript-estree/package.json',
  '@typescript-eslint/visitor-keys/node_modules/eslint-visitor-keys/package.json',
  '@typescript-eslint/visitor-keys/package.json',
  '@vitest/spy/package.json',
  'acorn/package.json',
  'argparse/package.json',
  'balanced-match/package.json',
  'brace-expansion/package.json',
  'detect-libc/package.json',
  'eslint-plugin-jsdoc/node_modules/eslint-visitor-keys/package.json',
  'eslint-plugin-jsdoc/node_modules/espree/package.json',
  'eslint-plugin-jsdoc/package.json',
  'eslint-scope/package.json',
  'eslint-visitor-keys/package.json',
  'eslint/package.json',
  'espree/package.json',
  'esquery/package.json',
  'esrecurse/package.json',
  'estraverse/package.json',
  'esutils/package.json',
  'expect-type/package.json',
  'flatted/package.json',
  'glob-parent/package.json',
  'html-entities/package.json',
  'ignore/package.json',
  'isexe/package.json',
  'lightningcss-linux-x64-gnu/package.json',
  'lightningcss/package.json',
  'minimatch/package.json',
  'ms/package.json',
  'nanoid/package.json',
  'picocolors/package.json',
  'playwright-core/package.json',
  'prettier/package.json',
  'semver/package.json',
  'siginfo/package.json',
  'source-map-js/package.json',
  'spdx-exceptions/package.json',
  'spdx-expression-parse/package.json',
  'spdx-license-ids/package.json',
  'tsx/package.json',
  'typescript/package.json',
  'uri-js/package.json',
  'vitest/package.json',
  'which/package.json',
];

const MALFORMED = [
  { path: '@fixture/trailing-comma/package.json', code: 'INVALID_JSON' },
  { path: 'array-manifest/package.json', code: 'NOT_AN_OBJECT' },
  { path: 'broken-truncated/package.json', code: 'INVALID_JSON' },
  { path: 'empty-manifest/package.json', code: 'EMPTY' },
];

describe('the audit of the fixture manifests', () => {
  let result: LicenseAuditResult;
  let tracker: ExecutionTracker;
  beforeAll(async () => {
    tracker = new ExecutionTracker('fixture-audit');
    result = await runLicenseAudit({
      root: fixtures,
      outDir: join(scratch, 'fixtures'),
      tracker,
      concurrency: 4,
    });
  });

  it('completes, finding every package manifest and nothing else', () => {
    expect(result.status).toBe('completed');
    expect(result.error).toBeUndefined();
    expect(FIXTURE_PACKAGES).toHaveLength(58);
    expect(result.manifests).toBe(62);
    expect(result.report?.packages.map((p) => p.path)).toEqual(
      FIXTURE_PACKAGES,
    );
  });

  it('runs each routine as often as the input asks', () => {
    expect(result.executions).toEqual({
      discover: 1,
      parse: 62,
      classify: 58,
      // One per package, one per failure, one for the expected count.
      aggregate: 63,
      report: 1,
    });
    expect(tracker.getPerformanceMetrics().status_counts).toEqual({
      completed: 181,
      error_continued: 4,
    });
  });

  it('records one failure per malformed manifest, and goes on', () => {
    expect(result.failures.map(({ path, code }) => ({ path, code }))).toEqual(
      MALFORMED,
    );
    for (const failure of result.failures) {
      expect(failure.message).toMatch(new RegExp(`^${failure.path}: `));
    }
    expect(result.outcome.failures).toHaveLength(4);
    expect(
      result.outcome.failures.every(
        (f) => f.routineId === 'parse' && f.handling === 'continued',
      ),
    ).toBe(true);
    const failedParses = (tracker.routineExecutions.get('parse') ?? [])
      .filter((r) => r.status === 'error_continued')
      .map((r) => r.params.path)
      .sort();
    expect(failedParses).toEqual(MALFORMED.map((m) => m.path));
  });

  it('counts every license and category exactly', () => {
    expect(result.report?.totals).toEqual({
      manifests: 62,
      classified: 58,
      failed: 4,
    });
    expect(result.report?.categories).toEqual({
      permissive: 55,
      'weak-copyleft': 2,
      copyleft: 0,
      'public-domain': 1,
      proprietary: 0,
      unknown: 0,
    });
    // Most used first, then by name; the key order is part of the file.
    expect(Object.entries(result.report?.licenses ?? {})).toEqual([
      ['MIT', 21],
      ['Apache-2.0', 12],
      ['ISC', 8],
      ['BSD-2-Clause', 7],
      ['BSD-3-Clause', 3],
      ['BlueOak-1.0.0', 2],
      ['MPL-2.0', 2],
      ['CC-BY-3.0', 1],
      ['CC0-1.0', 1],
      ['Python-2.0', 1],
    ]);
    expect(result.report?.forms).toEqual({
      string: 58,
      object: 0,
      list: 0,
      none: 0,
      invalid: 0,
    });
  });

  it('lists each package with what it declares, nested and scoped ones included', () => {
    const row = (path: string) =>
      result.report?.packages.find((p) => p.path === path);
    expect(
      row(
        '@typescript-eslint/typescript-estree/node_modules/minimatch/package.json',
      ),
    ).toEqual({
      path: '@typescript-eslint/typescript-estree/node_modules/minimatch/package.json',
      name: 'minimatch',
      version: '11.0.10',
      license: 'BlueOak-1.0.0',
      ids: ['BlueOak-1.0.0'],
      category: 'permissive',
      form: 'string',
      spdx: true,
    });
    expect(row('lightningcss/package.json')).toMatchObject({
      name: 'lightningcss',
      version: '1.33.0',
      category: 'weak-copyleft',
    });
    expect(row('spdx-license-ids/package.json')).toMatchObject({
      license: 'CC0-1.0',
      category: 'public-domain',
    });
    expect(row('@types/node/package.json')).toMatchObject({
      name: '@types/node',
      version: '20.19.43',
      license: 'MIT',
    });
    expect(row('argparse/package.json')).toMatchObject({
      license: 'Python-2.0',
      category: 'permissive',
    });
  });

  it('writes the report file atomically, exactly as returned', async () => {
    const path = join(scratch, 'fixtures', REPORT_FILE);
    expect(result.reportPath).toBe(path);
    const text = await readFile(path, 'utf8');
    expect(text).toBe(`${JSON.stringify(result.report, null, 2)}\n`);
    const written = JSON.parse(text) as LicenseReport;
    expect(written.root).toBe(fixtures);
    expect(written.totals).toEqual({
      manifests: 62,
      classified: 58,
      failed: 4,
    });
    // No temporary file is left next to it.
    expect(await readdir(dirname(path))).toEqual([REPORT_FILE]);
  });

  it('writes the same bytes on a second audit of the same tree', async () => {
    const again = await runLicenseAudit({
      root: fixtures,
      outDir: join(scratch, 'fixtures-again'),
      concurrency: 32,
    });
    const [first, second] = await Promise.all(
      [result.reportPath, again.reportPath].map((p) =>
        readFile(p ?? '', 'utf8'),
      ),
    );
    expect(second).toBe(first);
  });

  it('records every emit with its target', () => {
    const count = (source: string, event: string, target: string | null) =>
      tracker.eventFlow.filter(
        (e) =>
          e.source_routine_id === source &&
          e.event_name === event &&
          e.target_routine_id === target,
      ).length;
    expect(count('discover', 'manifest', 'parse')).toBe(62);
    expect(count('discover', 'discovered', 'aggregate')).toBe(1);
    expect(count('parse', 'parsed', 'classify')).toBe(58);
    expect(count('parse', 'error', 'aggregate')).toBe(4);
    expect(count('classify', 'classified', 'aggregate')).toBe(58);
    expect(count('aggregate', 'tallied', 'report')).toBe(1);
    expect(tracker.eventFlow).toHaveLength(184);
  });
});

/** Manifests in the forms the installation here does not have. */
const ODD_MANIFESTS: Record<string, string> = {
  'obj/package.json': JSON.stringify({
    name: 'obj',
    version: '1.0.0',
    license: { type: 'MIT', url: 'https://opensource.org/licenses/MIT' },
  }),
  'list/package.json': JSON.stringify({
    name: 'list',
    licenses: [
      { type: 'MIT', url: 'https://example.org/mit' },
      { type: 'Apache-2.0', url: 'https://example.org/apache' },
    ],
  }),
  'list-strings/package.json': JSON.stringify({
    name: 'list-strings',
    license: ['ISC', 'GPL-3.0'],
  }),
  'dual/package.json': JSON.stringify({
    name: 'dual',
    license: '(MIT OR Apache-2.0)',
  }),
  'dual/node_modules/inner/package.json': JSON.stringify({
    name: 'inner',
    license: 'AGPL-3.0-only',
  }),
  'both/package.json': JSON.stringify({
    name: 'both',
    license: '(MIT AND GPL-2.0-only)',
  }),
  'gpl-cp/package.json': JSON.stringify({
    name: 'gpl-cp',
    license: 'GPL-2.0-only WITH Classpath-exception-2.0',
  }),
  'lgpl/package.json': JSON.stringify({
    name: 'lgpl',
    license: 'lgpl-3.0-or-later',
  }),
  'private/package.json': JSON.stringify({
    name: 'private',
    license: 'UNLICENSED',
    private: true,
  }),
  'see/package.json': JSON.stringify({
    name: 'see',
    license: 'SEE LICENSE IN LICENSE.md',
  }),
  'missing/package.json': JSON.stringify({ name: 'missing', version: '0.0.1' }),
  'informal/package.json': JSON.stringify({
    name: 'informal',
    license: 'Apache 2.0',
  }),
  'unlicense/package.json': JSON.stringify({
    name: 'unlicense',
    license: 'Unlicense',
  }),
  'bom/package.json': `\uFEFF${JSON.stringify({ name: 'bom', license: 'MIT' })}`,
  'weird/package.json': JSON.stringify({ name: 'weird', license: 42 }),
  'custom-ref/package.json': JSON.stringify({
    name: 'custom-ref',
    license: 'LicenseRef-Acme-Commercial',
  }),
  '@scope/and-or/package.json': JSON.stringify({
    name: '@scope/and-or',
    license: 'MIT OR (GPL-3.0 AND BSD-3-Clause)',
  }),
  // Not packages: a module-format marker, dot folders, a stray file.
  'dual/dist/esm/package.json': JSON.stringify({ type: 'module' }),
  '.bin/package.json': JSON.stringify({ name: 'not-a-package' }),
  '.package-lock.json': '{}',
};

describe('the audit of odd license forms', () => {
  let report: LicenseReport | undefined;
  beforeAll(async () => {
    const root = join(scratch, 'odd', 'node_modules');
    for (const [path, text] of Object.entries(ODD_MANIFESTS)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    const result = await runLicenseAudit({
      root,
      outDir: join(scratch, 'odd-out'),
    });
    expect(result.status).toBe('completed');
    report = result.report;
  });

  it('reads each form and classifies it', () => {
    const rows = Object.fromEntries(
      (report?.packages ?? []).map((p): [string, unknown[]] => [
        p.name ?? '',
        [p.license, p.category, p.form, p.spdx],
      ]),
    );
    expect(rows).toEqual({
      '@scope/and-or': [
        'MIT OR (GPL-3.0 AND BSD-3-Clause)',
        'permissive',
        'string',
        true,
      ],
      bom: ['MIT', 'permissive', 'string', true],
      both: ['MIT AND GPL-2.0-only', 'copyleft', 'string', true],
      'custom-ref': ['LicenseRef-Acme-Commercial', 'unknown', 'string', true],
      dual: ['MIT OR Apache-2.0', 'permissive', 'string', true],
      inner: ['AGPL-3.0-only', 'copyleft', 'string', true],
      'gpl-cp': [
        'GPL-2.0-only WITH Classpath-exception-2.0',
        'weak-copyleft',
        'string',
        true,
      ],
      informal: ['Apache-2.0', 'permissive', 'string', false],
      lgpl: ['LGPL-3.0-or-later', 'weak-copyleft', 'string', true],
      list: ['MIT OR Apache-2.0', 'permissive', 'list', true],
      'list-strings': ['ISC OR GPL-3.0', 'permissive', 'list', true],
      missing: ['(none)', 'unknown', 'none', false],
      obj: ['MIT', 'permissive', 'object', true],
      private: ['UNLICENSED', 'proprietary', 'string', false],
      see: ['SEE LICENSE IN LICENSE.md', 'unknown', 'string', false],
      unlicense: ['Unlicense', 'public-domain', 'string', true],
      weird: ['(none)', 'unknown', 'invalid', false],
    });
  });

  it('totals them', () => {
    expect(report?.totals).toEqual({
      manifests: 17,
      classified: 17,
      failed: 0,
    });
    expect(report?.categories).toEqual({
      permissive: 7,
      'weak-copyleft': 2,
      copyleft: 2,
      'public-domain': 1,
      proprietary: 1,
      unknown: 4,
    });
    expect(report?.forms).toEqual({
      string: 12,
      object: 1,
      list: 2,
      none: 1,
      invalid: 1,
    });
    expect(report?.licenses['MIT OR Apache-2.0']).toBe(2);
    expect(report?.licenses.MIT).toBe(2);
  });
});

describe('an audit that cannot walk its root', () => {
  it('stops at discover, reports why, and writes no report', async () => {
    const outDir = join(scratch, 'missing-out');
    const result = await runLicenseAudit({
      root: join(scratch, 'no-such-folder'),
      outDir,
    });

    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ routineId: 'discover', attempt: 1 });
    expect((result.error?.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(result.executions).toEqual({
      discover: 1,
      parse: 0,
      classify: 0,
      aggregate: 0,
      report: 0,
    });
    expect(result.reportPath).toBeUndefined();
    expect(result.report).toBeUndefined();
    await expect(readdir(outDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('license expressions', () => {
  it.each([
    ['mit', 'MIT', ['MIT'], 'permissive'],
    [
      'MIT or Apache-2.0',
      'MIT OR Apache-2.0',
      ['MIT', 'Apache-2.0'],
      'permissive',
    ],
    ['((MIT))', 'MIT', ['MIT'], 'permissive'],
    ['GPL-2.0+', 'GPL-2.0+', ['GPL-2.0+'], 'copyleft'],
    [
      '(GPL-3.0 OR LGPL-2.1)',
      'GPL-3.0 OR LGPL-2.1',
      ['GPL-3.0', 'LGPL-2.1'],
      'weak-copyleft',
    ],
    ['MIT AND CC0-1.0', 'MIT AND CC0-1.0', ['MIT', 'CC0-1.0'], 'permissive'],
    ['MIT AND Foo-1.0', 'MIT AND Foo-1.0', ['MIT', 'Foo-1.0'], 'unknown'],
    ['Foo-1.0 OR ISC', 'Foo-1.0 OR ISC', ['Foo-1.0', 'ISC'], 'permissive'],
    [
      '(MIT OR ISC) AND MPL-2.0',
      '(MIT OR ISC) AND MPL-2.0',
      ['MIT', 'ISC', 'MPL-2.0'],
      'weak-copyleft',
    ],
    ['MIT OR MIT', 'MIT OR MIT', ['MIT'], 'permissive'],
  ])('%s', (declared, license, ids, category) => {
    expect(classifyLicense(declared)).toEqual({
      license,
      ids,
      category,
      spdx: true,
    });
  });

  it.each([
    '(MIT',
    'MIT OR',
    'MIT AND AND ISC',
    'MIT)',
    'MIT WITH',
    'Apache License',
  ])('is not an expression: %s', (declared) => {
    expect(classifyLicense(declared)).toMatchObject({
      license: declared,
      ids: [],
      category: 'unknown',
      spdx: false,
    });
  });
});

describe('the audit of the live node_modules', () => {
  let result: LicenseAuditResult;
  beforeAll(async () => {
    result = await runLicenseAudit({
      root: join(project, 'node_modules'),
      outDir: join(scratch, 'live'),
    });
  });

  it('audits hundreds of manifests without a crash, one parse each', () => {
    expect(result.status).toBe('completed');
    expect(result.manifests).toBeGreaterThanOrEqual(100);
    expect(result.executions.discover).toBe(1);
    expect(result.executions.parse).toBe(result.manifests);
    expect(result.executions.classify + result.failures.length).toBe(
      result.manifests,
    );
    expect(result.executions.aggregate).toBe(result.manifests + 1);
    expect(result.executions.report).toBe(1);
  });

  it('writes the report', async () => {
    expect(result.reportPath).toBe(join(scratch, 'live', REPORT_FILE));
    const written = JSON.parse(
      await readFile(result.reportPath ?? '', 'utf8'),
    ) as LicenseReport;
    expect(written).toEqual(result.report);
    expect(written.totals.manifests).toBe(result.manifests);
    const categorized = Object.values(written.categories).reduce(
      (a, b) => a + b,
      0,
    );
    expect(categorized).toBe(written.totals.classified);
  });

  it("finds exactly the packages npm's own record of the installation lists", async () => {
    // npm writes node_modules/.package-lock.json from the manifests it
    // installed: an account of the tree the audit did not produce.
    const lock = JSON.parse(
      await readFile(join(project, 'node_modules/.package-lock.json'), 'utf8'),
    ) as { packages: Record<string, { version?: string; license?: unknown }> };
    const installed = Object.entries(lock.packages).filter(
      ([key, entry]) => key.startsWith('node_modules/') && !('link' in entry),
    );
    const toKey = (path: string): string =>
      `node_modules/${path.replace(/\/package\.json$/, '')}`;
    const found = [
      ...(result.report?.packages ?? []).map((p) => p.path),
      ...result.failures.map((f) => f.path),
    ].map(toKey);
    expect(found.sort()).toEqual(installed.map(([key]) => key).sort());

    const byKey = new Map(installed);
    for (const row of result.report?.packages ?? []) {
      const entry = byKey.get(toKey(row.path));
      expect(row.version, row.path).toBe(entry?.version);
      if (typeof entry?.license === 'string') {
        expect(row.license, row.path).toBe(
          classifyLicense(entry.license).license,
        );
      }
    }
  });
});
