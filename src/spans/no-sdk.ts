import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';

/** What a global API's tracer provider is asked: its delegate. */
interface DelegatingProvider {
  getDelegate(): unknown;
  /** The delegate's tracer; undefined while it has no delegate. */
  getDelegateTracer(name: string, version?: string): unknown;
}

/**
 * A tracer provider of the global API and its delegate, as they were when
 * a tracer of that provider gave the API's span of no trace: no SDK
 * behind it. While the delegate is unchanged, that tracer goes on giving
 * such spans, and asking it for one per execution can be left out.
 *
 * A tracer from the global API's provider asks that provider for a
 * delegate on every span until it gets one, and the provider gets one
 * only as an SDK registers as the global provider while it is the global
 * one. A provider that stopped being the global one (`trace.disable()`)
 * never gets one, and neither do its tracers: its delegate alone says
 * whether they can make spans, and reading it is a field read, where
 * asking the API for the global provider is a lookup on the global object.
 */
export class NoSdkSnapshot {
  private constructor(
    private readonly _provider: DelegatingProvider,
    private readonly _delegate: unknown,
  ) {}

  /**
   * The delegate of `provider` as it is now; undefined if it has none to
   * ask for (a provider that is not the global API's own).
   */
  static take(provider: object): NoSdkSnapshot | undefined {
    const candidate = provider as Partial<DelegatingProvider>;
    if (
      typeof candidate.getDelegate !== 'function' ||
      typeof candidate.getDelegateTracer !== 'function'
    ) {
      return undefined;
    }
    const delegating = candidate as DelegatingProvider;
    // With an SDK behind it, a span of no trace came from tracing being
    // suppressed where it was asked for, and its next ones may record. The
    // tracer asked for is the tracker's own, which the SDK already holds.
    if (delegating.getDelegateTracer(PACKAGE_NAME, PACKAGE_VERSION)) {
      return undefined;
    }
    return new NoSdkSnapshot(delegating, delegating.getDelegate());
  }

  /** Whether the provider's delegate is still the one taken. */
  unchanged(): boolean {
    return this._provider.getDelegate() === this._delegate;
  }
}
