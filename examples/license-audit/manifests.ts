/**
 * Package manifests: finding them in a `node_modules` tree, and reading
 * the license declaration out of the many shapes real ones have.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Where one manifest is. */
export interface ManifestLocation {
  /** Relative to the audited folder, with `/` on every platform. */
  readonly path: string;
  /** The absolute file name, to read it by. */
  readonly file: string;
}

/**
 * The packages installed in a `node_modules` folder, as manifest paths in
 * a stable order: `name/package.json`, `@scope/name/package.json`, and
 * the same again inside each package's own `node_modules`, to any depth.
 *
 * Only package folders are looked at, not every `package.json` below
 * them: the ones inside a package (`dist/esm/package.json` holding
 * `{"type": "module"}`) mark a module format and name no package, and
 * counting them would add unlicensed "packages" that do not exist.
 * Dot entries (`.bin`, `.package-lock.json`, `.cache`) are not packages.
 * A linked package is followed once, so a link cycle ends.
 */
export async function* findManifests(
  root: string,
): AsyncGenerator<ManifestLocation, void, undefined> {
  const seen = new Set<string>();

  async function* packagesIn(
    nodeModules: string,
  ): AsyncGenerator<ManifestLocation, void, undefined> {
    const real = await realpath(nodeModules);
    if (seen.has(real)) return;
    seen.add(real);
    for (const entry of await sortedDirectories(nodeModules)) {
      if (entry.name.startsWith('.')) continue;
      const folder = join(nodeModules, entry.name);
      if (entry.name.startsWith('@')) {
        for (const scoped of await sortedDirectories(folder)) {
          yield* packageAt(join(folder, scoped.name));
        }
      } else {
        yield* packageAt(folder);
      }
    }
  }

  async function* packageAt(
    folder: string,
  ): AsyncGenerator<ManifestLocation, void, undefined> {
    const file = join(folder, 'package.json');
    if (await isFile(file)) {
      yield { path: relative(root, file).split(sep).join('/'), file };
    }
    const nested = join(folder, 'node_modules');
    if (await isDirectory(nested)) yield* packagesIn(nested);
  }

  yield* packagesIn(root);
}

/** The folders (and links to folders) in a folder, by name in code-point order. */
async function sortedDirectories(folder: string): Promise<Dirent[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const folders: Dirent[] = [];
  for (const entry of entries) {
    if (
      entry.isDirectory() ||
      (entry.isSymbolicLink() && (await isDirectory(join(folder, entry.name))))
    ) {
      folders.push(entry);
    }
  }
  // Not localeCompare: the order must not depend on the machine's locale.
  return folders.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** Why a manifest could not be used. */
export type ManifestErrorCode = 'EMPTY' | 'INVALID_JSON' | 'NOT_AN_OBJECT';

/** A manifest that is not a JSON object. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';

  /**
   * @param code why it could not be used
   * @param path the manifest's path
   * @param message what is wrong with it
   */
  constructor(
    readonly code: ManifestErrorCode,
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${path}: ${message}`, options);
  }
}

/**
 * How a manifest declared its license:
 *
 * - `string`: `"license": "MIT"`, an SPDX expression or not;
 * - `object`: `"license": {"type": "MIT", "url": …}`, the old object form;
 * - `list`: `"license": ["MIT", …]` or `"licenses": [{"type": …}, …]`,
 *   the old list forms;
 * - `none`: neither `license` nor `licenses`;
 * - `invalid`: a `license` or `licenses` that names nothing usable.
 */
export type LicenseForm = 'string' | 'object' | 'list' | 'none' | 'invalid';

/** Every form, in the order reports list them. */
export const LICENSE_FORMS: readonly LicenseForm[] = [
  'string',
  'object',
  'list',
  'none',
  'invalid',
];

/** What the audit needs of one manifest. */
export interface PackageManifest {
  /** The manifest's path, as found. */
  readonly path: string;
  /** The package's name, when it has a string one. */
  readonly name: string | null;
  /** The package's version, when it has a string one. */
  readonly version: string | null;
  /**
   * The license declaration as one string, `null` when there is none:
   * list forms are joined with `OR` (each entry an alternative, as the
   * npm documentation reads them).
   */
  readonly declared: string | null;
  /** How it was declared. */
  readonly form: LicenseForm;
}

/**
 * Reads one manifest's text.
 * @param text the file's content
 * @param path the manifest's path, for messages
 * @throws ManifestError when it is empty, not JSON, or not a JSON object
 */
export function parseManifest(text: string, path: string): PackageManifest {
  // Editors on Windows write a byte-order mark; JSON.parse refuses it and
  // npm strips it.
  const json = text.replace(/^\uFEFF/, '');
  if (json.trim() === '') {
    throw new ManifestError('EMPTY', path, 'the manifest is empty');
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ManifestError(
      'INVALID_JSON',
      path,
      `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
  if (!isObject(value)) {
    throw new ManifestError(
      'NOT_AN_OBJECT',
      path,
      `expected a JSON object, found ${describeJson(value)}`,
    );
  }
  return {
    path,
    name: typeof value.name === 'string' ? value.name : null,
    version: typeof value.version === 'string' ? value.version : null,
    ...declaredLicense(value),
  };
}

/**
 * The license a manifest declares, from whichever of its shapes it uses:
 * `license` as a string, as a `{type, url}` object or as a list, else the
 * deprecated `licenses` list of strings or `{type, url}` objects (or one
 * such object). `license` wins when both are present, as npm reads it.
 */
export function declaredLicense(
  manifest: Readonly<Record<string, unknown>>,
): Pick<PackageManifest, 'declared' | 'form'> {
  const { license, licenses } = manifest;
  if (license !== undefined && license !== null && license !== '') {
    if (typeof license === 'string') {
      return { declared: license.trim(), form: 'string' };
    }
    if (Array.isArray(license)) return fromList(license);
    const type = isObject(license) ? typeTextOf(license) : undefined;
    return type === undefined
      ? { declared: null, form: 'invalid' }
      : { declared: type, form: 'object' };
  }
  if (Array.isArray(licenses)) return fromList(licenses);
  if (isObject(licenses)) {
    const type = typeTextOf(licenses);
    return type === undefined
      ? { declared: null, form: 'invalid' }
      : { declared: type, form: 'list' };
  }
  if (licenses !== undefined && licenses !== null) {
    return { declared: null, form: 'invalid' };
  }
  return { declared: null, form: 'none' };
}

function fromList(
  entries: readonly unknown[],
): Pick<PackageManifest, 'declared' | 'form'> {
  const names = entries
    .map((entry) =>
      typeof entry === 'string'
        ? entry.trim()
        : isObject(entry)
          ? typeTextOf(entry)
          : undefined,
    )
    .filter((name): name is string => name !== undefined && name !== '');
  if (names.length === 0) return { declared: null, form: 'invalid' };
  // An entry that is itself an expression keeps its grouping.
  const alternatives = names.map((name) =>
    names.length > 1 && /\s/.test(name) ? `(${name})` : name,
  );
  return { declared: alternatives.join(' OR '), form: 'list' };
}

function typeTextOf(
  entry: Readonly<Record<string, unknown>>,
): string | undefined {
  const type = entry.type;
  return typeof type === 'string' && type.trim() !== ''
    ? type.trim()
    : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
