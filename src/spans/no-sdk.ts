import { trace } from '@opentelemetry/api';

/** What the global API's tracer provider is asked: its delegate. */
interface DelegatingProvider {
  getDelegate(): unknown;
}

/**
 * The global tracer provider and its delegate, as they were when a tracer
 * from `trace.getTracer` gave the API's span of no trace: no SDK behind
 * it. While both are unchanged, that tracer goes on giving such spans, and
 * asking it for one per execution can be left out.
 *
 * A tracer from `trace.getTracer` asks the provider it was made from for
 * a delegate on every span until it gets one, and a provider gets one only
 * as an SDK registers it as the global provider. Its span of no trace says
 * it had none. If that provider is the global one, it gets one only by
 * {@link unchanged}'s delegate changing; if it is not (another copy of the
 * API registered first, or the global one was replaced since), it is never
 * registered as the global provider while the global one stays, and never
 * gets one either.
 */
export class NoSdkSnapshot {
  private constructor(
    private readonly _provider: DelegatingProvider,
    private readonly _delegate: unknown,
  ) {}

  /**
   * The global provider as it is now; undefined if it has no delegate to
   * ask for (an API that keeps its providers another way).
   */
  static take(): NoSdkSnapshot | undefined {
    const provider = trace.getTracerProvider() as Partial<DelegatingProvider>;
    if (typeof provider.getDelegate !== 'function') return undefined;
    const delegating = provider as DelegatingProvider;
    return new NoSdkSnapshot(delegating, delegating.getDelegate());
  }

  /** Whether the global provider and its delegate are still those taken. */
  unchanged(): boolean {
    const current: unknown = trace.getTracerProvider();
    return (
      current === this._provider &&
      this._provider.getDelegate() === this._delegate
    );
  }
}
