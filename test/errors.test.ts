import { describe, expect, it } from 'vitest';

import { TrackerFormatError } from '../src/errors.js';

describe('TrackerFormatError', () => {
  it('is an Error named TrackerFormatError that keeps the path', () => {
    const error = new TrackerFormatError(
      'routine_executions.worker[2].start_time',
      'an ISO-8601 timestamp string',
      'yesterday',
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(TrackerFormatError);
    expect(error.name).toBe('TrackerFormatError');
    expect(error.path).toBe('routine_executions.worker[2].start_time');
    expect(error.message).toBe(
      'routine_executions.worker[2].start_time: expected an ISO-8601 timestamp string, received the string "yesterday"',
    );
    expect(String(error)).toBe(`TrackerFormatError: ${error.message}`);
  });

  it('names the top-level value "the serialized tracker" when the path is empty', () => {
    const error = new TrackerFormatError('', 'an object', null);
    expect(error.path).toBe('');
    expect(error.message).toBe(
      'the serialized tracker: expected an object, received null',
    );
  });

  it.each([
    [undefined, 'nothing'],
    [null, 'null'],
    [[1, 2], 'an array'],
    [{ a: 1 }, 'an object'],
    ['text', 'the string "text"'],
    ['say "hi"', 'the string "say \\"hi\\""'],
    [7, 'number 7'],
    [-0.5, 'number -0.5'],
    [NaN, 'number NaN'],
    [false, 'boolean false'],
    [12n, 'bigint 12'],
    [(): void => undefined, 'a function'],
    [Symbol('s'), 'symbol Symbol(s)'],
  ])('describes the received value %s as %s', (received, description) => {
    const error = new TrackerFormatError('flow_id', 'a string', received);
    expect(error.message).toBe(
      `flow_id: expected a string, received ${description}`,
    );
  });

  it('shows at most 40 characters of a long received string', () => {
    const error = new TrackerFormatError('flow_id', 'a string', 'y'.repeat(41));
    expect(error.message).toBe(
      `flow_id: expected a string, received the string "${'y'.repeat(40)}…"`,
    );
    const exact = new TrackerFormatError('flow_id', 'a string', 'y'.repeat(40));
    expect(exact.message).toBe(
      `flow_id: expected a string, received the string "${'y'.repeat(40)}"`,
    );
  });
});
