/**
 * The audit's aggregate: what `aggregate` accumulates and `report` writes.
 */
import { LICENSE_CATEGORIES, type LicenseCategory } from './licenses.js';
import {
  LICENSE_FORMS,
  type LicenseForm,
  type ManifestErrorCode,
} from './manifests.js';

/** One installed package, classified: a row of the report. */
export interface PackageLicense {
  /** The manifest's path, relative to the audited folder. */
  readonly path: string;
  /** The package's name, if it has one. */
  readonly name: string | null;
  /** The package's version, if it has one. */
  readonly version: string | null;
  /** What it is counted under (see `LicenseClassification.license`). */
  readonly license: string;
  /** The SPDX ids it names. */
  readonly ids: readonly string[];
  /** Its category. */
  readonly category: LicenseCategory;
  /** How the manifest declared it. */
  readonly form: LicenseForm;
  /** Whether the declaration was a valid SPDX expression. */
  readonly spdx: boolean;
}

/** A manifest that could not be used. */
export interface ManifestFailure {
  /** The manifest's path, relative to the audited folder. */
  readonly path: string;
  /** Why: a {@link ManifestErrorCode}, or the file system's code (`EACCES`, …). */
  readonly code: ManifestErrorCode | (string & Record<never, never>);
  /** What went wrong. */
  readonly message: string;
}

/**
 * The report file's content. It holds no timestamps or run ids, so that
 * two audits of the same tree write the same bytes and a diff shows only
 * what changed in the tree.
 */
export interface LicenseReport {
  /** The audited folder, as given. */
  readonly root: string;
  /** How many manifests were found, classified, and could not be used. */
  readonly totals: {
    readonly manifests: number;
    readonly classified: number;
    readonly failed: number;
  };
  /** Packages per category; every category is listed, zeros included. */
  readonly categories: Readonly<Record<LicenseCategory, number>>;
  /** Packages per license, most used first, then by name. */
  readonly licenses: Readonly<Record<string, number>>;
  /** Packages per declaration form; every form is listed. */
  readonly forms: Readonly<Record<LicenseForm, number>>;
  /** The manifests that could not be used, by path. */
  readonly failures: readonly ManifestFailure[];
  /** Every classified package, by path. */
  readonly packages: readonly PackageLicense[];
}

/**
 * Accumulates packages and failures until every manifest discovered has
 * been accounted for, one way or the other. The inputs arrive in any
 * order, the expected count included, since parses run concurrently.
 */
export class LicenseTally {
  readonly #packages: PackageLicense[] = [];
  readonly #failures: ManifestFailure[] = [];
  #expected: number | undefined;

  /** Adds one classified package. */
  addPackage(row: PackageLicense): void {
    this.#packages.push(row);
  }

  /** Adds one manifest that could not be used. */
  addFailure(failure: ManifestFailure): void {
    this.#failures.push(failure);
  }

  /** Sets how many manifests were discovered. */
  expect(manifests: number): void {
    this.#expected = manifests;
  }

  /** Packages and failures so far. */
  get received(): number {
    return this.#packages.length + this.#failures.length;
  }

  /** How many manifests were discovered, once known. */
  get expected(): number | undefined {
    return this.#expected;
  }

  /** Whether every discovered manifest has been accounted for. */
  get complete(): boolean {
    return this.#expected !== undefined && this.received >= this.#expected;
  }

  /**
   * The report of what was received, sorted so that arrival order, which
   * concurrency makes vary, does not show.
   * @param root the audited folder, as given
   */
  build(root: string): LicenseReport {
    const byPath = <T extends { path: string }>(a: T, b: T): number =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
    const packages = [...this.#packages].sort(byPath);
    const failures = [...this.#failures].sort(byPath);

    const categories = Object.fromEntries(
      LICENSE_CATEGORIES.map((c) => [c, 0]),
    ) as Record<LicenseCategory, number>;
    const forms = Object.fromEntries(
      LICENSE_FORMS.map((f) => [f, 0]),
    ) as Record<LicenseForm, number>;
    const licenses = new Map<string, number>();
    for (const row of packages) {
      categories[row.category]++;
      forms[row.form]++;
      licenses.set(row.license, (licenses.get(row.license) ?? 0) + 1);
    }
    return {
      root,
      totals: {
        manifests: this.#expected ?? this.received,
        classified: packages.length,
        failed: failures.length,
      },
      categories,
      licenses: Object.fromEntries(
        [...licenses].sort(
          ([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0),
        ),
      ),
      forms,
      failures,
      packages,
    };
  }
}
