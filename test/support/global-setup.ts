// Vitest globalSetup: the end-to-end tests run a real Jaeger, and building it
// from the pin in tools/jaeger/go.mod takes minutes on a fresh machine, so it
// happens once, before any test file starts and outside every test timeout.
import { ensureJaeger } from '../../scripts/build-jaeger.mjs';

/**
 * Builds the pinned Jaeger unless the cached binary is current; fails the
 * run, rather than skipping tests, when Go is missing or the build breaks.
 */
export default async function setup(): Promise<void> {
  await ensureJaeger();
}
