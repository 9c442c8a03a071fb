// Vitest globalSetup: what the end-to-end and browser tests need from
// outside npm is made ready once, before any test file starts and outside
// every test timeout. Building the pinned Jaeger takes minutes on a fresh
// machine; a fresh machine also has no browser for the timeline tests.
import { ensureChromium } from '../../scripts/ensure-chromium.mjs';
import { ensureJaeger } from '../../scripts/build-jaeger.mjs';

/**
 * Builds the pinned Jaeger unless the cached binary is current, and makes
 * sure Debian's Chromium is installed; fails the run, rather than skipping
 * tests, when Go is missing, a build breaks or no browser can be had.
 */
export default async function setup(): Promise<void> {
  await ensureJaeger();
  ensureChromium();
}
