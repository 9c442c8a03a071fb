// Bug: `execution-tracker replay` cannot replay a dump of more than about
// 9,000 executions. replayTracker starts every span synchronously, the batch
// span processor's queue (8192 by default) overflows and drops the rest,
// and the command then blames the backend: "could not deliver 785 of 10001
// spans to …: the backend did not answer", although the backend took
// everything it was sent. The tracker's own default bound is 10,000
// executions per routine, so ordinary dumps are past this limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  startJaeger,
  waitForTrace,
  type JaegerInstance,
} from '../../support/jaeger.js';
import { cli, dumpOf, scratch } from './helpers.js';

const files = scratch('large');
let jaeger: JaegerInstance;
beforeAll(async () => {
  jaeger = await startJaeger();
});
afterAll(async () => {
  await jaeger.stop();
  files.cleanup();
});

describe('replay of a large dump', () => {
  it('sends every span of a 10,000-execution dump to a Jaeger that takes them all', async () => {
    const path = files.file('ten-thousand.json', dumpOf(10_000));
    const { code, out, err } = await cli(
      'replay',
      path,
      '--endpoint',
      `${jaeger.otlpHttpEndpoint}/v1/traces`,
      '--service-name',
      'trial-large',
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('sent 10001 spans');
    const traceId = /trace id ([0-9a-f]{32})/.exec(out)?.[1] ?? '';
    const trace = await waitForTrace(jaeger.queryUrl, traceId, {
      spans: 10_001,
      timeoutMs: 20_000,
    });
    expect(trace.spans).toHaveLength(10_001);
  }, 60_000);
});
