// Types for build-jaeger.mjs, which stays plain JavaScript so that it runs
// with `node` alone, before anything is compiled.

/** Options for {@link ensureJaeger}. */
export interface EnsureJaegerOptions {
  /** Rebuild even when a binary for the current pin exists. */
  force?: boolean;
  /** Receives progress lines; they go to stderr by default. */
  log?: (line: string) => void;
}

/**
 * Reads the Jaeger module version pinned in tools/jaeger/go.mod.
 * @returns the module version, e.g. `v1.75.0`
 */
export function jaegerVersion(): string;

/**
 * Where the binary for the pinned version lives, whether or not it is built.
 * @returns an absolute path below .cache/jaeger/
 */
export function jaegerBinaryPath(): string;

/**
 * Finds a binary already built from the current pin.
 * @returns its path, or undefined when it must be built
 */
export function findBuiltJaeger(): string | undefined;

/**
 * Makes sure the Jaeger binary for the pin in tools/jaeger/go.mod exists,
 * building it when it does not.
 * @returns the absolute path of the binary
 */
export function ensureJaeger(options?: EnsureJaegerOptions): Promise<string>;
