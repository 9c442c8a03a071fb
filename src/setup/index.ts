export { setupTracing, type TracingHandle } from './setup-tracing.js';
export {
  DEFAULT_TRACES_ENDPOINT,
  tracesEndpoint,
  type TracingOptions,
} from './config.js';
export type { ExportStats } from './queueing-exporter.js';
