import {
  ROOT_CONTEXT,
  SpanKind,
  TraceFlags,
  trace,
  type Context,
} from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { samplerFromEnvironment } from '../../src/setup/sampler.js';
import { spyOnDiag, type DiagSpy } from '../support/diag-spy.js';

// The ratio sampler XORs the four 32-bit words of the trace id and samples
// when the result is below ratio * 0xffffffff.
const LOW_TRACE_ID = '00000000000000000000000000000001'; // 1
const QUARTER_TRACE_ID = '40000000000000000000000000000000'; // 0x40000000
const HIGH_TRACE_ID = 'ffffffff000000000000000000000000'; // 0xffffffff
const SPAN_ID = '0102030405060708';

/** A context whose parent is a remote span with the given sampled flag. */
function remoteParent(sampled: boolean): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: LOW_TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

/** What `sampler` decides for a span of trace `traceId` under `parent`. */
function decide(
  sampler: Sampler,
  traceId: string = LOW_TRACE_ID,
  parent: Context = ROOT_CONTEXT,
): SamplingDecision {
  return sampler.shouldSample(
    parent,
    traceId,
    'span',
    SpanKind.INTERNAL,
    {},
    [],
  ).decision;
}

const SAMPLED = SamplingDecision.RECORD_AND_SAMPLED;
const DROPPED = SamplingDecision.NOT_RECORD;

let diagSpy: DiagSpy;

beforeEach(() => {
  diagSpy = spyOnDiag();
});

afterEach(() => {
  diagSpy.restore();
});

describe('samplerFromEnvironment: the specification names', () => {
  it('always_on samples a root span, and also one whose parent was not sampled', () => {
    const sampler = samplerFromEnvironment('always_on', undefined);
    expect(sampler).toBeInstanceOf(AlwaysOnSampler);
    expect(decide(sampler)).toBe(SAMPLED);
    expect(decide(sampler, LOW_TRACE_ID, remoteParent(false))).toBe(SAMPLED);
  });

  it('always_off drops a root span, and also one whose parent was sampled', () => {
    const sampler = samplerFromEnvironment('always_off', undefined);
    expect(sampler).toBeInstanceOf(AlwaysOffSampler);
    expect(decide(sampler)).toBe(DROPPED);
    expect(decide(sampler, LOW_TRACE_ID, remoteParent(true))).toBe(DROPPED);
  });

  it('traceidratio with ratio 1 samples every trace id', () => {
    const sampler = samplerFromEnvironment('traceidratio', '1');
    expect(sampler).toBeInstanceOf(TraceIdRatioBasedSampler);
    expect(decide(sampler, LOW_TRACE_ID)).toBe(SAMPLED);
    expect(decide(sampler, HIGH_TRACE_ID)).toBe(SAMPLED);
  });

  it('traceidratio with ratio 0 drops every trace id', () => {
    const sampler = samplerFromEnvironment('traceidratio', '0');
    expect(decide(sampler, LOW_TRACE_ID)).toBe(DROPPED);
    expect(decide(sampler, HIGH_TRACE_ID)).toBe(DROPPED);
  });

  it('traceidratio ignores the parent decision', () => {
    const sampler = samplerFromEnvironment('traceidratio', '0');
    expect(decide(sampler, LOW_TRACE_ID, remoteParent(true))).toBe(DROPPED);
  });

  it('parentbased_always_on samples a root span and follows an unsampled parent', () => {
    const sampler = samplerFromEnvironment('parentbased_always_on', undefined);
    expect(sampler).toBeInstanceOf(ParentBasedSampler);
    expect(decide(sampler)).toBe(SAMPLED);
    expect(decide(sampler, LOW_TRACE_ID, remoteParent(false))).toBe(DROPPED);
    expect(decide(sampler, LOW_TRACE_ID, remoteParent(true))).toBe(SAMPLED);
  });

  it('parentbased_always_off drops a root span and follows a sampled parent', () => {
    const sampler = samplerFromEnvironment('parentbased_always_off', undefined);
    expect(sampler).toBeInstanceOf(ParentBasedSampler);
    expect(decide(sampler)).toBe(DROPPED);
    expect(decide(sampler, LOW_TRACE_ID, remoteParent(true))).toBe(SAMPLED);
    expect(decide(sampler, LOW_TRACE_ID, remoteParent(false))).toBe(DROPPED);
  });

  it('parentbased_traceidratio with ratio 0 drops a root span and follows a sampled parent', () => {
    const sampler = samplerFromEnvironment('parentbased_traceidratio', '0');
    expect(sampler).toBeInstanceOf(ParentBasedSampler);
    expect(decide(sampler, LOW_TRACE_ID)).toBe(DROPPED);
    expect(decide(sampler, LOW_TRACE_ID, remoteParent(true))).toBe(SAMPLED);
  });

  it('parentbased_traceidratio with ratio 1 samples a root span and follows an unsampled parent', () => {
    const sampler = samplerFromEnvironment('parentbased_traceidratio', '1');
    expect(decide(sampler, HIGH_TRACE_ID)).toBe(SAMPLED);
    expect(decide(sampler, LOW_TRACE_ID, remoteParent(false))).toBe(DROPPED);
  });

  it('reads the name case-insensitively and with surrounding whitespace', () => {
    expect(decide(samplerFromEnvironment('  ALWAYS_OFF ', undefined))).toBe(
      DROPPED,
    );
    expect(
      decide(samplerFromEnvironment('TraceIdRatio', '0'), LOW_TRACE_ID),
    ).toBe(DROPPED);
    expect(diagSpy.warnings).toEqual([]);
  });

  it('uses parentbased_always_on when no name is set, and when it is empty', () => {
    for (const name of [undefined, '', '   ']) {
      const sampler = samplerFromEnvironment(name, undefined);
      expect(sampler).toBeInstanceOf(ParentBasedSampler);
      expect(decide(sampler)).toBe(SAMPLED);
      expect(decide(sampler, LOW_TRACE_ID, remoteParent(false))).toBe(DROPPED);
    }
    expect(diagSpy.warnings).toEqual([]);
  });

  it('ignores an argument given to a sampler that takes none, without a warning', () => {
    expect(decide(samplerFromEnvironment('always_on', '0'))).toBe(SAMPLED);
    expect(decide(samplerFromEnvironment('always_off', 'junk'))).toBe(DROPPED);
    expect(diagSpy.warnings).toEqual([]);
  });
});

describe('samplerFromEnvironment: the ratio argument', () => {
  it('parses a fractional ratio: 0.5 samples a trace id a ratio of 0.25 drops', () => {
    const half = samplerFromEnvironment('traceidratio', '0.5');
    const quarter = samplerFromEnvironment('traceidratio', '0.25');
    expect(half.toString()).toBe('TraceIdRatioBased{0.5}');
    expect(quarter.toString()).toBe('TraceIdRatioBased{0.25}');
    expect(decide(half, QUARTER_TRACE_ID)).toBe(SAMPLED);
    expect(decide(quarter, QUARTER_TRACE_ID)).toBe(DROPPED);
    expect(decide(quarter, LOW_TRACE_ID)).toBe(SAMPLED);
    expect(decide(half, HIGH_TRACE_ID)).toBe(DROPPED);
    expect(diagSpy.warnings).toEqual([]);
  });

  it('parses the ratio of parentbased_traceidratio for root spans', () => {
    const sampler = samplerFromEnvironment('parentbased_traceidratio', '0.25');
    expect(decide(sampler, LOW_TRACE_ID)).toBe(SAMPLED);
    expect(decide(sampler, QUARTER_TRACE_ID)).toBe(DROPPED);
  });

  it('uses ratio 1 without a warning when no argument is set', () => {
    const sampler = samplerFromEnvironment('traceidratio', undefined);
    expect(decide(sampler, HIGH_TRACE_ID)).toBe(SAMPLED);
    expect(diagSpy.warnings).toEqual([]);
  });

  it('treats an empty argument as unset: ratio 1, as the specification asks of empty values', () => {
    for (const argument of ['', '  ']) {
      const sampler = samplerFromEnvironment('traceidratio', argument);
      expect(decide(sampler, LOW_TRACE_ID)).toBe(SAMPLED);
      expect(decide(sampler, HIGH_TRACE_ID)).toBe(SAMPLED);
    }
  });

  it.each(['abc', '1.5', '-0.1', 'NaN', '50%'])(
    'falls back to ratio 1 with a warning for the invalid argument %j',
    (argument) => {
      const sampler = samplerFromEnvironment('traceidratio', argument);
      expect(decide(sampler, HIGH_TRACE_ID)).toBe(SAMPLED);
      expect(diagSpy.warnings).toHaveLength(1);
      expect(diagSpy.warnings[0]).toContain('OTEL_TRACES_SAMPLER_ARG');
    },
  );

  it('falls back to ratio 1 with a warning for an invalid parentbased_traceidratio argument', () => {
    const sampler = samplerFromEnvironment('parentbased_traceidratio', 'x');
    expect(decide(sampler, HIGH_TRACE_ID)).toBe(SAMPLED);
    expect(diagSpy.warnings).toHaveLength(1);
    expect(diagSpy.warnings[0]).toContain('OTEL_TRACES_SAMPLER_ARG');
  });
});

describe('samplerFromEnvironment: unknown names', () => {
  it.each(['jaeger_remote', 'xray', 'always-on', 'sometimes'])(
    'falls back to parentbased_always_on with a warning naming %j',
    (name) => {
      const sampler = samplerFromEnvironment(name, undefined);
      expect(sampler).toBeInstanceOf(ParentBasedSampler);
      expect(decide(sampler)).toBe(SAMPLED);
      expect(decide(sampler, LOW_TRACE_ID, remoteParent(false))).toBe(DROPPED);
      expect(diagSpy.warnings).toHaveLength(1);
      expect(diagSpy.warnings[0]).toContain('OTEL_TRACES_SAMPLER');
      expect(diagSpy.warnings[0]).toContain(name);
    },
  );
});
