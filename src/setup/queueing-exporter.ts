import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

import { logger, OnceLogger } from '../internal/diag.js';
import { readText, safeString } from '../internal/values.js';

/** What the exporter has done with the spans it was given. */
export interface ExportStats {
  /** Spans the backend accepted. */
  readonly exportedSpans: number;
  /**
   * Spans dropped: because the queue was full while the backend was away,
   * because they were still undelivered at shutdown, or because the backend
   * refused a span on its own as too large (HTTP 413).
   */
  readonly droppedSpans: number;
  /** Spans waiting in the queue or in a request now. */
  readonly pendingSpans: number;
  /**
   * Export requests that failed. Their spans were tried again later, or at
   * once in smaller requests when the backend refused the request as too
   * large.
   */
  readonly failedRequests: number;
  /** Why the latest failed request failed, if one did. */
  readonly lastError: string | undefined;
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
  /**
   * With it, spans wait up to this long for a full batch before they are
   * sent; without it, every export is sent at once.
   */
  readonly scheduledDelayMillis?: number;
}

/**
 * Stands between the batch span processor and the OTLP exporter so that a
 * backend that is down, slow or refusing never reaches the application: it
 * takes every batch at once into a bounded queue, sends from it with a
 * bounded number of requests in flight, and puts a failed batch back at the
 * front to try again after a growing delay. A backend that comes back
 * therefore receives everything the queue could hold. A request refused as
 * too large (HTTP 413) is split in two and sent again at once, down to
 * single spans; a span refused on its own can never be delivered, so it is
 * dropped and counted. The first failure is logged through `diag`, with
 * what follows counted rather than logged, and the recovery is logged with
 * the count.
 */
export class QueueingExporter implements SpanExporter {
  // Spans never sent yet, oldest first.
  private _queue: ReadableSpan[] = [];
  // Batches whose request failed, by the order they were first sent in, so
  // that a retry keeps the spans in order however requests finished.
  private readonly _retry: FailedBatch[] = [];
  private _nextBatch = 0;
  private _inFlight = 0;
  private _inFlightSpans = 0;
  private _exported = 0;
  private _dropped = 0;
  private _failedRequests = 0;
  // Failures that wait for the retry delay: a flush stops at one of them.
  private _delayedFailures = 0;
  private _lastError: string | undefined;
  private _failuresSinceSuccess = 0;
  private _retryRounds = 0;
  private _retryTimer: NodeJS.Timeout | undefined;
  private _batchTimer: NodeJS.Timeout | undefined;
  private _shutDown = false;
  private _shutdown: Promise<void> | undefined;
  // Called whenever a request settles, for flushes waiting on the queue.
  private _waiters: (() => void)[] = [];
  private readonly _once = new OnceLogger();

  constructor(
    private readonly _inner: SpanExporter,
    private readonly _options: QueueingExporterOptions,
  ) {}

  /** Counts of what happened to the spans so far. */
  get stats(): ExportStats {
    return {
      exportedSpans: this._exported,
      droppedSpans: this._dropped,
      pendingSpans:
        this._queue.length + this._retrySpans() + this._inFlightSpans,
      failedRequests: this._failedRequests,
      lastError: this._lastError,
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

    this._queue.push(...spans);
    this._applyBound();
    this._schedule();
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /** Sends now if a batch is full or no delay is set; else soon. */
  private _schedule(): void {
    const delay = this._options.scheduledDelayMillis;
    if (
      delay === undefined ||
      this._queue.length >= this._options.maxBatchSize
    ) {
      this._pump();
      return;
    }
    if (this._batchTimer !== undefined) return;
    this._batchTimer = setTimeout(() => {
      this._batchTimer = undefined;
      this._pump();
    }, delay);
    this._batchTimer.unref();
  }

  /**
   * Sends what is queued now, without waiting for a pending retry delay,
   * and resolves once the queue is empty or a request has failed again.
   */
  async forceFlush(): Promise<void> {
    this._cancelRetry();
    const failuresBefore = this._delayedFailures;
    this._pump();
    while (this._hasWork()) {
      if (this._delayedFailures > failuresBefore && this._inFlight === 0) break;
      await new Promise<void>((resolve) => this._waiters.push(resolve));
    }
    await this._inner.forceFlush?.();
  }

  /** Flushes once more, then shuts the OTLP exporter down. */
  shutdown(): Promise<void> {
    this._shutdown ??= this._shutDownOnce();
    return this._shutdown;
  }

  private async _shutDownOnce(): Promise<void> {
    await this.forceFlush();
    this._shutDown = true;
    this._cancelRetry();

    this._dropped += this._queue.length + this._retrySpans();
    this._queue = [];
    this._retry.length = 0;
    if (this._dropped > 0) {
      logger.warn(
        `${this._dropped} spans could not be delivered to ${this._options.destination}; ${this._exported} were delivered`,
      );
    }
    await this._inner.shutdown();
  }

  private _hasWork(): boolean {
    return (
      this._queue.length > 0 || this._retry.length > 0 || this._inFlight > 0
    );
  }

  private _retrySpans(): number {
    let count = 0;
    for (const batch of this._retry) count += batch.spans.length;
    return count;
  }

  /** Past the bound, the oldest spans go: failed ones first, then queued. */
  private _applyBound(): void {
    let excess =
      this._queue.length + this._retrySpans() - this._options.maxQueuedSpans;
    while (excess > 0 && this._retry.length > 0) {
      const oldest = this._retry[0] as FailedBatch;
      const cut = Math.min(excess, oldest.spans.length);
      oldest.spans.splice(0, cut);
      if (oldest.spans.length === 0) this._retry.shift();
      this._dropped += cut;
      excess -= cut;
    }
    if (excess > 0) {
      this._queue.splice(0, excess);
      this._dropped += excess;
    }
  }

  private _pump(): void {
    // A failure answered synchronously sets the retry timer inside this
    // loop; checking it on every turn keeps such a backend from being
    // called again and again at once.
    while (
      this._retryTimer === undefined &&
      this._inFlight < this._options.maxConcurrentRequests
    ) {
      const batch = this._nextBatchToSend();
      if (batch === undefined) return;
      this._send(batch);
    }
  }

  /**
   * Failed spans first, then queued ones, up to the batch size. A part of a
   * request refused as too large goes alone, or it would grow back into
   * the request that was refused; and queued spans wait until every failed
   * one has gone, so that they stay in order.
   */
  private _nextBatchToSend(): FailedBatch | undefined {
    const first = this._retry[0];
    if (first?.alone === true) {
      this._retry.shift();
      return first;
    }
    const max = this._options.maxBatchSize;
    const spans: ReadableSpan[] = [];
    let order: number | undefined;
    while (this._retry.length > 0 && spans.length < max) {
      const oldest = this._retry[0] as FailedBatch;
      if (oldest.alone) break;
      order ??= oldest.order;
      spans.push(...oldest.spans.splice(0, max - spans.length));
      if (oldest.spans.length === 0) this._retry.shift();
    }
    if (
      spans.length < max &&
      this._retry.length === 0 &&
      this._queue.length > 0
    ) {
      spans.push(...this._queue.splice(0, max - spans.length));
    }
    if (spans.length === 0) return undefined;
    return { order: order ?? this._nextBatch++, width: 1, spans, alone: false };
  }

  private _send(batch: FailedBatch): void {
    this._inFlight++;
    this._inFlightSpans += batch.spans.length;
    let settled = false;
    const settle = (result: ExportResult): void => {
      if (settled) return;
      settled = true;
      this._inFlight--;
      this._inFlightSpans -= batch.spans.length;
      this._onResult(batch, result);
    };
    try {
      this._inner.export(batch.spans, settle);
    } catch (error) {
      settle({ code: ExportResultCode.FAILED, error: toError(error) });
    }
  }

  private _onResult(batch: FailedBatch, result: ExportResult): void {
    if (result.code === ExportResultCode.SUCCESS) {
      this._exported += batch.spans.length;
      if (this._failuresSinceSuccess > 0) {
        logger.info(
          `span export to ${this._options.destination} recovered after ${this._failuresSinceSuccess} failed requests`,
        );
      }
      this._failuresSinceSuccess = 0;
      this._retryRounds = 0;
      this._pump();
    } else if (!this._shutDown && httpStatus(result.error) === 413) {
      this._failedRequests++;
      this._lastError = describeError(result.error);
      this._split(batch);
      // The backend is up and has said what is wrong: no reason to wait.
      this._pump();
    } else if (!isRetryable(result.error)) {
      this._failedRequests++;
      this._lastError = describeError(result.error);
      this._dropped += batch.spans.length;
      this._once.warn(
        `permanent-${String(httpStatus(result.error) ?? errorCode(result.error))}`,
        `span export to ${this._options.destination} failed (${this._lastError}), which retrying cannot change: its ${batch.spans.length} spans were dropped and counted; further such failures are counted, not logged`,
      );
      this._pump();
    } else {
      this._failedRequests++;
      this._lastError = describeError(result.error);
      if (this._failuresSinceSuccess === 0) {
        logger.warn(
          `span export to ${this._options.destination} failed: ${this._lastError}; spans are kept and retried (up to ${this._options.maxQueuedSpans}), further failures are counted, not logged`,
        );
      }
      this._failuresSinceSuccess++;
      if (this._shutDown) {
        this._dropped += batch.spans.length;
      } else {
        this._delayedFailures++;
        this._requeue(batch);
        this._applyBound();
        this._scheduleRetry();
      }
    }

    const waiters = this._waiters;
    this._waiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * A request refused as too large goes back as two halves, each to be sent
   * alone; a single span refused so can never be delivered, and is dropped.
   */
  private _split(batch: FailedBatch): void {
    const { spans } = batch;
    if (spans.length <= 1) {
      this._dropped += spans.length;
      this._once.warn(
        'span-too-large',
        `span export to ${this._options.destination}: the backend refused a single span as too large (HTTP 413); it cannot be delivered, so it was dropped and counted`,
      );
      return;
    }
    this._once.warn(
      'request-too-large',
      `span export to ${this._options.destination}: the backend refused a request of ${spans.length} spans as too large (HTTP 413); sending it again in smaller requests (a lower maxExportBatchSize avoids this)`,
    );
    const half = Math.ceil(spans.length / 2);
    // The halves share the batch's place in the order, the first before the
    // second, however often either fails from here on.
    const width = batch.width / 2;
    this._requeue({
      order: batch.order,
      width,
      spans: spans.slice(0, half),
      alone: true,
    });
    this._requeue({
      order: batch.order + width,
      width,
      spans: spans.slice(half),
      alone: true,
    });
    this._applyBound();
  }

  private _requeue(batch: FailedBatch): void {
    const at = this._retry.findIndex((other) => other.order > batch.order);
    if (at === -1) this._retry.push(batch);
    else this._retry.splice(at, 0, batch);
  }

  /** The delay doubles with each round of tries, up to its maximum. */
  private _scheduleRetry(): void {
    if (this._retryTimer !== undefined) return;
    const first = this._options.retryDelayMillis ?? 1000;
    const longest = this._options.maxRetryDelayMillis ?? 30_000;
    const delay = Math.min(
      first * 2 ** Math.min(this._retryRounds, 16),
      longest,
    );
    this._retryRounds++;
    this._retryTimer = setTimeout(() => {
      this._retryTimer = undefined;
      this._pump();
    }, delay);
    // A retry must not keep a finished application alive.
    this._retryTimer.unref();
  }

  private _cancelRetry(): void {
    if (this._batchTimer !== undefined) {
      clearTimeout(this._batchTimer);
      this._batchTimer = undefined;
    }
    if (this._retryTimer === undefined) return;
    clearTimeout(this._retryTimer);
    this._retryTimer = undefined;
  }
}

/** A batch as sent, with its place in the order of sending. */
interface FailedBatch {
  /**
   * Where the batch sits among the others: the batches sent take the whole
   * numbers, and the halves of a split one share its interval.
   */
  readonly order: number;
  readonly width: number;
  readonly spans: ReadableSpan[];
  /** Part of a request refused as too large: sent as it is, never merged. */
  readonly alone: boolean;
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(safeString(value));
}

/**
 * The HTTP status the backend answered a failed request with, if it
 * answered: the OTLP exporter's error carries it as `code`.
 */
function httpStatus(error: Error | undefined): number | undefined {
  try {
    const code = (error as { code?: unknown } | undefined)?.code;
    return typeof code === 'number' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The answers OTLP/HTTP says may be retried; any other status may not. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Whether a failed request may succeed if sent again: the backend did not
 * answer (down, unreachable, too slow), or answered with a status that says
 * "later". Any other answer (a 400 for a payload it cannot read, a 401 for
 * a missing credential, a 404 for a wrong path, a 500) would be the same
 * next time, and a batch retried for ever would hold up every batch behind
 * it.
 */
function isRetryable(error: Error | undefined): boolean {
  const status = httpStatus(error);
  if (status !== undefined) return RETRYABLE_STATUSES.has(status);
  // Node's own errors for a request it would not make (a header it cannot
  // send, say) are ERR_…; those of a network that failed are E… (ECONNREFUSED,
  // ECONNRESET, ETIMEDOUT), and a timeout has no code: those may pass later.
  const code = errorCode(error);
  return code?.startsWith('ERR_') !== true;
}

function errorCode(error: Error | undefined): string | undefined {
  try {
    const code = (error as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

function describeError(error: Error | undefined): string {
  return error === undefined ? 'unknown error' : readText(() => error.message);
}
