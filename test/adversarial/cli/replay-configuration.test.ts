// How `replay` reports its configuration: OTEL_* variables it ignores are
// named on standard error; a sampler or a disabled SDK that sent nothing is
// not blamed on the backend; a malformed --endpoint is a usage error that
// shows what was given.
import { readFileSync } from 'node:fs';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { cli, scratch, sink } from './helpers.js';

const files = scratch('config');
const fixture = (
  JSON.parse(
    readFileSync(
      new URL('../../fixtures/routilux/routilux-0.11.0.json', import.meta.url),
      'utf8',
    ),
  ) as { vectors: { name: string; serialized: unknown }[] }
).vectors.find((v) => v.name === 'multi_routine_flow')?.serialized;
let dump: string;
let server: Awaited<ReturnType<typeof sink>>;
const saved = { ...process.env };

beforeAll(async () => {
  dump = files.file('f9.json', JSON.stringify(fixture));
  server = await sink(200);
});
afterEach(() => {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('OTEL_') && !(key in saved))
      Reflect.deleteProperty(process.env, key);
  }
  Object.assign(process.env, saved);
});
afterAll(async () => {
  await server.close();
  files.cleanup();
});

describe('replay configuration', () => {
  it('says so when an OTEL_* variable is invalid and is ignored', async () => {
    // The invalid traces endpoint is passed over for the valid base one,
    // which points at this test's own server.
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT =
      'htp:/collector.internal:4318';
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = new URL(server.url).origin;
    process.env.OTEL_BSP_SCHEDULE_DELAY = 'soon';
    const before = server.requests();
    const { code, err } = await cli('replay', dump);
    expect(err).toContain('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
    expect(err).toContain('OTEL_BSP_SCHEDULE_DELAY');
    expect(code).toBe(0);
    expect(server.requests()).toBeGreaterThan(before);
  }, 30_000);

  it.each([
    ['OTEL_TRACES_SAMPLER', 'always_off'],
    ['OTEL_SDK_DISABLED', 'true'],
  ])(
    'does not blame the backend when %s=%s kept every span from it',
    async (name, value) => {
      process.env[name] = value;
      const before = server.requests();
      const { err } = await cli('replay', dump, '--endpoint', server.url);
      expect(server.requests()).toBe(before);
      expect(err).not.toContain('the backend did not answer');
    },
    30_000,
  );

  it('treats a malformed --endpoint as a wrong invocation, naming what was given', async () => {
    const { code, err } = await cli('replay', dump, '--endpoint', 'not a url');
    expect(code).toBe(2);
    expect(err).toContain('not a url');
    expect(err).not.toContain('setupTracing');
  });
});
