import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

import { logger } from '../internal/diag.js';
import { safeString } from '../internal/values.js';

/** What the exporter has done with the spans it was given. */
export interface ExportStats {
  /** Spans the backend accepted. */
  readonly exportedSpans: number;
  /** Spans dropped because the queue was full while the backend was away. */
  readonly droppedSpans: number;
  /** Spans waiting in the queue or in a request now. */
  readonly pendingSpans: number;
  /** Export requests that failed (each was retried later). */
  readonly failedRequests: number;
}

/** How a {@link QueueingExporter} queues and retries. */
export interface QueueingExporterOptions {
  /** Spans held while the backend cannot take them; the oldest go first. */
  readonly maxQueuedSpans: number;
  /** Spans per request. */
  readonly maxBatchSize: number;
  /** Requests in flight at once. */
  readonly maxConcurrentRequests: number;
  /** Where the spans go, for the log; never with credentials. */
  readonly destination: string;
  /** First delay before a failed request is tried again; it doubles. */
  readonly retryDelayMillis?: number;
  /** Longest delay between two tries. */
  readonly maxRetryDelayMillis?: number;
}

/**
 * Stands between the batch span processor and the OTLP exporter so that a
 * backend that is down, slow or refusing never reaches the application: it
 * takes every batch at once into a bounded queue, sends from it with a
 * bounded number of requests in flight, and puts a failed batch back at the
 * front to try again after a growing delay. A backend that comes back
 * therefore receives everything the queue could hold. The first failure is
 * logged through `diag`, with what follows counted rather than logged, and
 * the recovery is logged with the count.
 */
export class QueueingExporter implements SpanExporter {
  private _queue: ReadableSpan[] = [];
  private _inFlight = 0;
  private _inFlightSpans = 0;
  private _exported = 0;
  private _dropped = 0;
  private _failedRequests = 0;
  private _failuresSinceSuccess = 0;
  private _retryTimer: NodeJS.Timeout | undefined;
  private _shutDown = false;
  // Called whenever a request settles, for flushes waiting on the queue.
  private _waiters: (() => void)[] = [];

  constructor(
    private readonly _inner: SpanExporter,
    private readonly _options: QueueingExporterOptions,
  ) {}

  /** Counts of what happened to the spans so far. */
  get stats(): ExportStats {
    return {
      exportedSpans: this._exported,
      droppedSpans: this._dropped,
      pendingSpans: this._queue.length + this._inFlightSpans,
      failedRequests: this._failedRequests,
    };
  }

  /**
   * Takes the spans into the queue and reports success at once: from here
   * on they are this exporter's to deliver, retry or drop (and count).
   */
  export(
    spans: ReadableSpan[],
    resultCallback: (result: ExportResult) => void,
  ): void {
    if (this._shutDown) {
      this._dropped += spans.length;
      resultCallback({
        code: ExportResultCode.FAILED,
        error: new Error('the exporter has been shut down'),
      });
      return;
    }

    this._enqueue(spans);
    this._pump();
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /**
   * Sends what is queued now, without waiting for a pending retry delay,
   * and resolves once the queue is empty or a request has failed again.
   */
  async forceFlush(): Promise<void> {
    this._cancelRetry();
    const failuresBefore = this._failedRequests;
    this._pump();
    while (this._queue.length > 0 || this._inFlight > 0) {
      if (this._failedRequests > failuresBefore && this._inFlight === 0) break;
      await new Promise<void>((resolve) => this._waiters.push(resolve));
      if (this._retryTimer !== undefined && this._inFlight === 0) break;
    }
    await this._inner.forceFlush?.();
  }

  /** Flushes once more, then shuts the OTLP exporter down. */
  async shutdown(): Promise<void> {
    if (this._shutDown) return;
    await this.forceFlush();
    this._shutDown = true;
    this._cancelRetry();

    const left = this._queue.length;
    if (left > 0) {
      this._dropped += left;
      this._queue = [];
    }
    if (this._dropped > 0) {
      logger.warn(
        `${this._dropped} spans could not be delivered to ${this._options.destination}; ${this._exported} were`,
      );
    }
    await this._inner.shutdown();
  }

  private _enqueue(spans: readonly ReadableSpan[]): void {
    this._queue.push(...spans);
    this._applyBound();
  }

  private _applyBound(): void {
    const excess = this._queue.length - this._options.maxQueuedSpans;
    if (excess <= 0) return;
    this._queue.splice(0, excess);
    this._dropped += excess;
  }

  private _pump(): void {
    if (this._retryTimer !== undefined) return;
    while (
      this._inFlight < this._options.maxConcurrentRequests &&
      this._queue.length > 0
    ) {
      this._send(this._queue.splice(0, this._options.maxBatchSize));
    }
  }

  private _send(batch: ReadableSpan[]): void {
    this._inFlight++;
    this._inFlightSpans += batch.length;
    let settled = false;
    const settle = (result: ExportResult): void => {
      if (settled) return;
      settled = true;
      this._inFlight--;
      this._inFlightSpans -= batch.length;
      this._onResult(batch, result);
    };
    try {
      this._inner.export(batch, settle);
    } catch (error) {
      settle({ code: ExportResultCode.FAILED, error: toError(error) });
    }
  }

  private _onResult(batch: ReadableSpan[], result: ExportResult): void {
    if (result.code === ExportResultCode.SUCCESS) {
      this._exported += batch.length;
      if (this._failuresSinceSuccess > 0) {
        logger.info(
          `span export to ${this._options.destination} recovered after ${this._failuresSinceSuccess} failed requests`,
        );
      }
      this._failuresSinceSuccess = 0;
      this._pump();
    } else {
      this._failedRequests++;
      if (this._failuresSinceSuccess === 0) {
        logger.warn(
          `span export to ${this._options.destination} failed: ${describeError(result.error)}; spans are kept and retried (up to ${this._options.maxQueuedSpans}), further failures are counted, not logged`,
        );
      }
      this._failuresSinceSuccess++;
      if (!this._shutDown) {
        // Back at the front: the oldest spans go first when it returns.
        this._queue.unshift(...batch);
        this._applyBound();
        this._scheduleRetry();
      } else {
        this._dropped += batch.length;
      }
    }

    const waiters = this._waiters;
    this._waiters = [];
    for (const wake of waiters) wake();
  }

  private _scheduleRetry(): void {
    if (this._retryTimer !== undefined) return;
    const first = this._options.retryDelayMillis ?? 1000;
    const longest = this._options.maxRetryDelayMillis ?? 30_000;
    const steps = Math.min(this._failuresSinceSuccess - 1, 16);
    const delay = Math.min(first * 2 ** steps, longest);
    this._retryTimer = setTimeout(() => {
      this._retryTimer = undefined;
      this._pump();
    }, delay);
    // A retry must not keep a finished application alive.
    this._retryTimer.unref();
  }

  private _cancelRetry(): void {
    if (this._retryTimer === undefined) return;
    clearTimeout(this._retryTimer);
    this._retryTimer = undefined;
  }
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(safeString(value));
}

function describeError(error: Error | undefined): string {
  return error === undefined ? 'unknown error' : safeString(error.message);
}
