// The collector configuration shipped at the repository's top level, as the
// tests that run it and the tests of the example that mounts it see it: one
// path, so that both are about the very same file.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { load } from 'js-yaml';

/** The repository's top-level directory, with a trailing separator. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The path of `otel-collector.yaml`. */
export const collectorConfigPath = fileURLToPath(
  new URL('../../otel-collector.yaml', import.meta.url),
);

/** The contrib collector's health check, layered over the config. */
export const contribHealthCheckPath = fileURLToPath(
  new URL('../../examples/otel-collector.health-check.yaml', import.meta.url),
);

/**
 * Parses a YAML file.
 * @param path the file
 * @returns its one document, as plain data
 */
export async function readYaml(path: string): Promise<unknown> {
  return load(await readFile(path, 'utf8'), { filename: path });
}

/** A `${env:NAME}` or `${env:NAME:-default}` reference in a config. */
export interface EnvReference {
  name: string;
  /** The text after `:-`, when there is one. */
  fallback: string | undefined;
}

const envReference = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Lists the environment variables a collector config reads. It walks the
 * parsed values, so references in comments do not count, as the collector
 * does not expand them either.
 * @param config a parsed config
 * @returns each variable once, by name
 */
export function envReferences(config: unknown): Map<string, EnvReference> {
  const found = new Map<string, EnvReference>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(envReference)) {
        const name = match[1] ?? '';
        found.set(name, { name, fallback: match[2] });
      }
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (typeof value === 'object' && value !== null) {
      Object.values(value).forEach(visit);
    }
  };
  visit(config);
  return found;
}
