/**
 * A small event-driven flow runtime, written to show how a flow engine
 * integrates the execution tracker: see `run.ts` for every tracker call.
 *
 * @example
 * import { Flow } from './flow-runtime/index.js';
 *
 * const flow = new Flow('orders');
 * const fetch = flow.add({ id: 'fetch', slots: ['url'], events: ['page'], handler: … });
 * const parse = flow.add({ id: 'parse', slots: ['page'], handler: …, errorPolicy: 'continue' });
 * flow.connect(fetch, 'page', parse, 'page');
 * const outcome = await flow.run(fetch, 'https://example.com/orders');
 */
export {
  Flow,
  type FlowGraph,
  type FlowOptions,
  type RoutineEntry,
  type RunOptions,
  type Target,
} from './flow.js';
export { FlowRun, type FlowOutcome } from './run.js';
export {
  ERROR_EVENT,
  Skip,
  type Delivery,
  type ErrorEvent,
  type ErrorEventData,
  type EventSource,
  type Handler,
  type HandlerContext,
  type Routine,
  type RoutineSpec,
} from './routine.js';
export {
  FlowDefinitionError,
  messageOf,
  resolvePolicy,
  RoutineError,
  type ErrorPolicy,
  type FailureHandling,
  type ResolvedPolicy,
  type RetryPolicy,
  type RoutineFailure,
} from './errors.js';
