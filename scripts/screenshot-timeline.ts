/**
 * Renders the sample run of the timeline tests and takes a screenshot of
 * it with Debian's Chromium, for the documentation:
 *
 *   npx tsx scripts/screenshot-timeline.ts [out.png]
 *
 * Writes docs/timeline.png unless given another path.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

import { renderTimelineHtml } from '../src/cli/timeline/render-timeline.js';
import { CHROMIUM_PATH, HEADLESS_CHROMIUM_ARGS } from './ensure-chromium.mjs';
import { recordSampleRun } from '../test/cli/timeline/sample-run.js';

const CHROMIUM = CHROMIUM_PATH;

const out = resolve(process.argv[2] ?? 'docs/timeline.png');

if (!existsSync(CHROMIUM)) {
  console.error(
    `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`,
  );
  process.exit(1);
}

const tracker = await recordSampleRun();
mkdirSync(dirname(out), { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'timeline-shot-'));
const page = join(scratch, 'timeline.html');
writeFileSync(
  page,
  renderTimelineHtml(tracker, { title: 'nightly-import: sample run' }),
);

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [...HEADLESS_CHROMIUM_ARGS],
});
try {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await tab.goto(pathToFileURL(page).href);
  // Show the details of the failed transform, as a reader hovering it would.
  const failed = tab.locator('.bar.status-failed').first();
  await failed.hover();
  await tab.screenshot({ path: out });
} finally {
  await browser.close();
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`wrote ${out}`);
