// Makes sure the headless browser that the HTML timeline tests drive is
// there: Debian's chromium package. Where it is missing and this runs as
// root on Debian, it installs it with apt-get (a fresh machine has no
// browser); anywhere else it fails with what to install. It never
// downloads a browser build of its own.
//
// Usage: node scripts/ensure-chromium.mjs
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * How the browser is started headless here: no sandbox (tests run as
 * root), no GPU, and none of the background traffic a first run makes, so
 * that it reaches for nothing off the machine.
 */
export const HEADLESS_CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/**
 * Returns the browser's path, installing Debian's chromium first where it
 * is missing and that is possible.
 * @returns {string}
 */
export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt =
    spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new Error(
      `The HTML timeline tests need a headless Chromium at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install chromium).`,
    );
  }

  process.stdout.write(
    "[chromium] not installed: installing Debian's chromium package (about a minute)…\n",
  );
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const result = spawnSync('apt-get', args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0) {
      throw new Error(
        `apt-get ${args.join(' ')} failed; install Debian's chromium package by hand.`,
      );
    }
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`chromium was installed but ${CHROMIUM_PATH} is missing.`);
  }
  process.stdout.write(`[chromium] installed at ${CHROMIUM_PATH}\n`);
  return CHROMIUM_PATH;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureChromium();
  } catch (error) {
    process.stderr.write(
      `${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
