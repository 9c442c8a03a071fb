// A frozen RegExp in redactKeys (a frozen configuration constant) redacts
// what it matches like any other and leaves the other keys exported: its
// lastIndex, which strict mode cannot assign on a frozen object, is left
// alone when it is already 0.
import { describe, expect, it } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import { KeyRedactor } from '../../src/spans/redaction.js';
import { createInMemoryTracing } from '../support/in-memory-tracing.js';

const SECRET_PATTERNS = Object.freeze([Object.freeze(/^ssn$/i)]);

describe('a frozen redactKeys RegExp', () => {
  it('answers isSecret without throwing', () => {
    const redactor = new KeyRedactor(SECRET_PATTERNS);
    expect(redactor.isSecret('SSN')).toBe(true);
    expect(redactor.isSecret('name')).toBe(false);
    expect(redactor.isSecret('password')).toBe(true);
  });

  it('redacts the keys it matches and exports the rest', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'f',
      tracer: tracing.tracer,
      redactKeys: [...SECRET_PATTERNS],
    });
    tracker.recordRoutineStart('r', { ssn: '123-45-6789', name: 'Ada' }).end();
    tracker.end();
    const { attributes } = tracing.span('r');
    expect(attributes['flow.routine.params.ssn']).toBe('[REDACTED]');
    expect(attributes['flow.routine.params.name']).toBe('Ada');
    expect(attributes['flow.attributes.dropped']).toBeUndefined();
  });
});
