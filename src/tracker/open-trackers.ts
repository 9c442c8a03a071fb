/**
 * The trackers of this process that have not been ended, so that the
 * set-up helper's exit hooks can end them (and so flush their spans) when
 * the process is told to stop. Held weakly: a tracker the application has
 * let go of is not kept alive by this list.
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

interface OpenTrackerList {
  readonly refs: Set<WeakRef<OpenTracker>>;
  readonly finalizer: FinalizationRegistry<WeakRef<OpenTracker>>;
}

const KEY = Symbol.for('otel-execution-tracker.open-trackers');

function list(): OpenTrackerList {
  const holder = globalThis as { [KEY]?: OpenTrackerList };
  let found = holder[KEY];
  if (found === undefined) {
    const refs = new Set<WeakRef<OpenTracker>>();
    found = {
      refs,
      finalizer: new FinalizationRegistry((ref) => refs.delete(ref)),
    };
    holder[KEY] = found;
  }
  return found;
}

/** Adds a tracker; the returned token takes it off again. */
export function registerOpenTracker(
  tracker: OpenTracker,
): WeakRef<OpenTracker> {
  const { refs, finalizer } = list();
  const ref = new WeakRef(tracker);
  refs.add(ref);
  finalizer.register(tracker, ref, ref);
  return ref;
}

/** Takes a tracker off the list, as it ends. */
export function unregisterOpenTracker(ref: WeakRef<OpenTracker>): void {
  const { refs, finalizer } = list();
  refs.delete(ref);
  finalizer.unregister(ref);
}

/** Ends every open tracker; returns how many there were. */
export function endOpenTrackers(): number {
  let ended = 0;
  for (const ref of [...list().refs]) {
    const tracker = ref.deref();
    if (tracker === undefined || tracker.ended) continue;
    tracker.end();
    ended++;
  }
  return ended;
}
