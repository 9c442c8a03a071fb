// Bug in the reference flow runtime (examples/flow-runtime/run.ts): what a
// handler throws is passed to execution.end() as it is. The tracker keeps
// an Error's message or a string, and anything else "as text", so a thrown
// plain object is recorded (and exported as the span's status message and
// exception) as "[object Object]", and a thrown null or undefined leaves a
// failed record with no error at all. The runtime has messageOf() for
// exactly these ("handlers can throw strings, plain objects or null as
// well as Errors") and uses it for the run's outcome and the error event,
// so the record and the trace say less than the runtime knows.
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
