import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';

import { logger } from '../internal/diag.js';

/**
 * The sampler named by `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`,
 * as the OpenTelemetry specification defines them; the specification's
 * default, `parentbased_always_on`, when unset or unknown.
 */
export function samplerFromEnvironment(
  name: string | undefined,
  argument: string | undefined,
): Sampler {
  const ratio = (): number => {
    // An empty variable is an unset one, as the specification has it.
    const text = argument?.trim() ?? '';
    if (text === '') return 1;
    const value = Number(text);
    if (value >= 0 && value <= 1) return value;
    {
      logger.warn(
        `OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1; using 1`,
      );
    }
    return 1;
  };

  switch (name?.trim().toLowerCase()) {
    case undefined:
    case '':
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio());
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({
        root: new TraceIdRatioBasedSampler(ratio()),
      });
    default:
      logger.warn(
        `OTEL_TRACES_SAMPLER ${JSON.stringify(name)} is not supported; using parentbased_always_on`,
      );
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
