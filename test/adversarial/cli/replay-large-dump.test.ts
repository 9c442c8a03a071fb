// `replay` of a dump larger than the default export queue (8192 spans)
// must deliver every span: the queue is sized for the whole dump.
import { afterAll, describe, expect, it } from 'vitest';

import { waitForTrace, useJaegerInThisFile } from '../../support/jaeger.js';
import { dumpOf, replayInto, scratch } from './helpers.js';

const files = scratch('large');
const jaeger = useJaegerInThisFile();
afterAll(() => {
  files.cleanup();
});

describe('replay of a large dump', () => {
  it('sends every span of a 10,000-execution dump to a Jaeger that takes them all', async () => {
    const path = files.file('ten-thousand.json', dumpOf(10_000));
    const { code, out, err, traceId } = await replayInto(
      jaeger().otlpHttpEndpoint,
      path,
      'trial-large',
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('sent 10001 spans');
    const trace = await waitForTrace(jaeger().queryUrl, traceId, {
      spans: 10_001,
      timeoutMs: 20_000,
    });
    expect(trace.spans).toHaveLength(10_001);
  }, 60_000);
});
