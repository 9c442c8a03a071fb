// The reference flow runtime records what a handler throws by its content:
// a plain object, null or undefined must not become "[object Object]" or
// no error at all.
import { describe, expect, it } from 'vitest';

import { Flow, messageOf } from '../../../examples/flow-runtime/index.js';

async function recordedError(thrown: unknown): Promise<unknown> {
  const flow = new Flow('thrown');
  const fail = flow.add({
    id: 'fail',
    slots: ['in'],
    errorPolicy: 'continue',
    handler: () => {
      throw thrown;
    },
  });
  const outcome = await flow.run(fail, 1);
  return outcome.tracker.routineExecutions.get('fail')?.[0]?.error;
}

describe('flow runtime: what a failed execution records', () => {
  it('records a thrown plain object by its content, not "[object Object]"', async () => {
    const thrown = { code: 'E_QUOTA', limit: 5 };
    expect(await recordedError(thrown)).toBe(messageOf(thrown));
  });

  it.each([null, undefined])(
    'records an error for a thrown %s',
    async (thrown) => {
      expect(await recordedError(thrown)).toBe(messageOf(thrown));
    },
  );
});
