import {
  measureSideBySide,
  type Contender,
  type Measured,
} from '../measure.js';
import type { RecordingSdk } from '../otel.js';
import type { ScenarioContext } from '../results.js';
import {
  realisticParams,
  smallParams,
  type ParamsFactory,
} from '../workload.js';

/** The contenders measured with one small param, and with realistic ones. */
export interface ParamSizeRuns {
  readonly small: readonly (Measured | undefined)[];
  readonly realistic: readonly (Measured | undefined)[];
}

/**
 * Measures the same contenders twice, side by side: with one small param
 * and with realistic params, flushing the SDK between rounds so that its
 * export work does not land on the next contender's time.
 */
export async function measureBothParamSizes(
  context: ScenarioContext,
  sdk: RecordingSdk,
  what: string,
  pair: (params: ParamsFactory) => Contender[],
): Promise<ParamSizeRuns> {
  const options = {
    profile: context.profile,
    batch: context.profile.executionsPerSample,
    betweenRounds: () => sdk.flush(),
  };
  context.log(`${what}, one small param`);
  const small = await measureSideBySide(pair(smallParams), options);
  context.log(`${what}, realistic params`);
  const realistic = await measureSideBySide(pair(realisticParams), options);
  return { small, realistic };
}
