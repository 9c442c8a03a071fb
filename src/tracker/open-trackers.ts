import { logger } from '../internal/diag.js';

/**
 * The trackers of this process that have not been ended, so that the
 * set-up helper's exit hooks can end them, and so export their spans, when
 * the process stops. The list holds them strongly on purpose: a script's
 * tracker is often unreachable long before the process exits (nothing
 * keeps a finished top-level scope alive), and a weakly held one would be
 * collected with its open spans. A tracker leaves the list when it ends.
 *
 * The list lives on `globalThis` under a registered symbol, so that the ES
 * module and CommonJS builds of the package, should an application load
 * both, share one list.
 */

/** What the list needs of a tracker. */
export interface OpenTracker {
  readonly ended: boolean;
  end(): void;
}

/** Past this many open trackers, a warning says that some are never ended. */
const MANY_OPEN_TRACKERS = 10_000;

interface OpenTrackerList {
  readonly trackers: Set<OpenTracker>;
  warned: boolean;
}

const KEY = Symbol.for('otel-execution-tracker.open-trackers');

function list(): OpenTrackerList {
  const holder = globalThis as { [KEY]?: OpenTrackerList };
  holder[KEY] ??= { trackers: new Set(), warned: false };
  return holder[KEY];
}

/** Adds a tracker that has started recording. */
export function registerOpenTracker(tracker: OpenTracker): void {
  const open = list();
  open.trackers.add(tracker);
  if (open.trackers.size > MANY_OPEN_TRACKERS && !open.warned) {
    open.warned = true;
    logger.warn(
      `more than ${MANY_OPEN_TRACKERS} trackers are open at once: call end() on each tracker when its flow run is over, or they are kept until the process exits`,
    );
  }
}

/** Takes a tracker off the list, as it ends. */
export function unregisterOpenTracker(tracker: OpenTracker): void {
  list().trackers.delete(tracker);
}

/**
 * Ends every open tracker, and the spans of executions started after an
 * ended tracker's end() (such a tracker is on the list again until they
 * finish); returns how many trackers there were.
 */
export function endOpenTrackers(): number {
  const open = [...list().trackers];
  for (const tracker of open) tracker.end();
  return open.length;
}
