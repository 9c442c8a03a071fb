/**
 * The license audit as a flow. Its connections:
 *
 *   discover.manifest   → parse.manifest       one per manifest found
 *   discover.discovered → aggregate.expected   how many to wait for
 *   parse.parsed        → classify.manifest
 *   parse.error         → aggregate.failure    manifests that cannot be used
 *   classify.classified → aggregate.package
 *   aggregate.tallied   → report.tallied       once, when all are in
 *
 * `parse` runs once per manifest, many at once. A manifest that cannot be
 * parsed is a recorded failure (`error_continued`) whose error event still
 * reaches `aggregate`: that is how the aggregate knows when every manifest
 * has been accounted for, and the report can be written.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { ExecutionTracker } from '../../src/index.js';
import {
  Flow,
  messageOf,
  type ErrorEventData,
  type FlowOutcome,
  type RoutineError,
} from '../flow-runtime/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { classifyLicense } from './licenses.js';
import {
  findManifests,
  ManifestError,
  parseManifest,
  type ManifestLocation,
  type PackageManifest,
} from './manifests.js';
import {
  LicenseTally,
  type LicenseReport,
  type ManifestFailure,
  type PackageLicense,
} from './report.js';

/** The routines of the audit, in flow order. */
export const AUDIT_ROUTINES = [
  'discover',
  'parse',
  'classify',
  'aggregate',
  'report',
] as const;

/** One of {@link AUDIT_ROUTINES}. */
export type AuditRoutine = (typeof AUDIT_ROUTINES)[number];

/** The default name of the report file. */
export const REPORT_FILE = 'license-report.json';

/** Options of {@link runLicenseAudit}. */
export interface LicenseAuditOptions {
  /** A `node_modules` folder, or a folder laid out like one. */
  readonly root: string;
  /** Where the report is written; created if missing. */
  readonly outDir: string;
  /**
   * The run's tracker; default a new one with the flow id
   * `license-audit`. The run ends it.
   */
  readonly tracker?: ExecutionTracker;
  /** Manifests parsed at once. Default 16: enough to overlap reads, few file handles. */
  readonly concurrency?: number;
  /** The report's file name in `outDir`. Default {@link REPORT_FILE}. */
  readonly reportFile?: string;
}

/** What an audit run found, and what it did. */
export interface LicenseAuditResult {
  /** `failed` when the flow stopped (the tree could not be walked, the report not written). */
  readonly status: 'completed' | 'failed';
  /** Why the flow stopped, if it did. */
  readonly error: RoutineError | undefined;
  /** The report file, once written. */
  readonly reportPath: string | undefined;
  /** The report's content, once written. */
  readonly report: LicenseReport | undefined;
  /** Manifests `discover` found. */
  readonly manifests: number;
  /** Executions per routine, every attempt counted. */
  readonly executions: Readonly<Record<AuditRoutine, number>>;
  /** The manifests that could not be used, by path. */
  readonly failures: readonly ManifestFailure[];
  /** The run's trace id, when a span was recorded. */
  readonly traceId: string | undefined;
  /** The flow's own outcome, with the ended tracker. */
  readonly outcome: FlowOutcome;
}

/**
 * Audits the licenses of the packages installed under `root`, and writes
 * the report to `outDir`.
 *
 * @example
 * const result = await runLicenseAudit({ root: 'node_modules', outDir: 'out' });
 * result.report?.categories; // { permissive: 180, 'weak-copyleft': 2, … }
 */
export async function runLicenseAudit(
  options: LicenseAuditOptions,
): Promise<LicenseAuditResult> {
  const root = resolve(options.root);
  const reportPath = resolve(options.outDir, options.reportFile ?? REPORT_FILE);
  const tracker = options.tracker ?? new ExecutionTracker('license-audit');
  const tally = new LicenseTally();
  let written: LicenseReport | undefined;
  let found = 0;

  // Built per run: the tally and the written report are this run's state,
  // held by the handlers' closures.
  const flow = new Flow('license-audit');

  const discover = flow.add({
    id: 'discover',
    slots: ['root'],
    events: ['manifest', 'discovered'],
    // A partial walk would make a report that looks complete: stop.
    errorPolicy: 'stop',
    params: () => ({ root }),
    handler: async (_delivery, { emit, signal }) => {
      for await (const location of findManifests(root)) {
        // A stopped flow starts no new work; stop walking too.
        if (signal.aborted) break;
        emit('manifest', location);
        found++;
      }
      emit('discovered', { manifests: found });
      return { manifests: found };
    },
  });

  const parse = flow.add({
    id: 'parse',
    slots: ['manifest'],
    events: ['parsed'],
    // One bad manifest must not cost the audit of the others.
    errorPolicy: 'continue',
    concurrency: options.concurrency ?? 16,
    params: ({ data }) => ({ path: (data as ManifestLocation).path }),
    handler: async ({ data }, { emit }) => {
      const location = data as ManifestLocation;
      const manifest = parseManifest(
        await readFile(location.file, 'utf8'),
        location.path,
      );
      emit('parsed', manifest);
      return {
        name: manifest.name,
        version: manifest.version,
        form: manifest.form,
      };
    },
  });

  const classify = flow.add({
    id: 'classify',
    slots: ['manifest'],
    events: ['classified'],
    errorPolicy: 'stop',
    params: ({ data }) => ({ path: (data as PackageManifest).path }),
    handler: ({ data }, { emit }) => {
      const manifest = data as PackageManifest;
      const license = classifyLicense(manifest.declared);
      const row: PackageLicense = {
        path: manifest.path,
        name: manifest.name,
        version: manifest.version,
        license: license.license,
        ids: license.ids,
        category: license.category,
        form: manifest.form,
        spdx: license.spdx,
      };
      emit('classified', row);
      return { license: row.license, category: row.category };
    },
  });

  const aggregate = flow.add({
    id: 'aggregate',
    slots: ['package', 'failure', 'expected'],
    events: ['tallied'],
    errorPolicy: 'stop',
    // A reducer: one input at a time, so that "is everything in?" is
    // answered once, by the execution that brought the last input.
    concurrency: 1,
    params: ({ slot, data }) =>
      slot === 'expected'
        ? { manifests: (data as { manifests: number }).manifests }
        : { path: pathOf(slot, data) },
    handler: ({ slot, data }, { emit }) => {
      const wasComplete = tally.complete;
      if (slot === 'package') tally.addPackage(data as PackageLicense);
      else if (slot === 'failure') tally.addFailure(failureOf(data));
      else tally.expect((data as { manifests: number }).manifests);
      if (tally.complete && !wasComplete) emit('tallied', tally.build(root));
      return { received: tally.received, expected: tally.expected ?? null };
    },
  });

  const report = flow.add({
    id: 'report',
    slots: ['tallied'],
    // A write can fail for a moment (a full disk being cleaned, a virus
    // scanner holding the file); the audit is worth three tries.
    errorPolicy: { attempts: 3, then: 'stop', delayMs: 50 },
    params: () => ({ path: reportPath }),
    handler: async ({ data }) => {
      const content = data as LicenseReport;
      await writeFileAtomic(
        reportPath,
        `${JSON.stringify(content, null, 2)}\n`,
      );
      written = content;
      return { path: reportPath, packages: content.totals.classified };
    },
  });

  flow
    .connect(discover, 'manifest', parse, 'manifest')
    .connect(discover, 'discovered', aggregate, 'expected')
    .connect(parse, 'parsed', classify, 'manifest')
    .connect(parse, 'error', aggregate, 'failure')
    .connect(classify, 'classified', aggregate, 'package')
    .connect(aggregate, 'tallied', report, 'tallied');

  const outcome = await flow.run(discover, { root }, { tracker });
  const executions = Object.fromEntries(
    AUDIT_ROUTINES.map((id) => [
      id,
      tracker.getRoutinePerformance(id)?.total_executions ?? 0,
    ]),
  ) as Record<AuditRoutine, number>;
  return {
    status: outcome.status,
    error: outcome.error,
    reportPath: written === undefined ? undefined : reportPath,
    report: written,
    manifests: found,
    executions,
    failures: written?.failures ?? tally.build(root).failures,
    traceId: outcome.traceId,
    outcome,
  };
}

/** The manifest path a delivery to `aggregate` is about. */
function pathOf(slot: string, data: unknown): string {
  return slot === 'failure'
    ? failureOf(data).path
    : (data as PackageLicense).path;
}

/** A failed parse, from the error event `parse` emits. */
function failureOf(data: unknown): ManifestFailure {
  const { error, input } = data as ErrorEventData;
  const { path } = input as ManifestLocation;
  return {
    path,
    code:
      error instanceof ManifestError
        ? error.code
        : (errorCode(error) ?? 'UNREADABLE'),
    message: messageOf(error),
  };
}

/** The code of a file system error (`ENOENT`, `EACCES`, …). */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) {
    return undefined;
  }
  return typeof error.code === 'string' ? error.code : undefined;
}
