export { setupTracing, type TracingHandle } from './setup-tracing.js';
export { DEFAULT_TRACES_ENDPOINT, type TracingOptions } from './config.js';
export type { ExportStats } from './queueing-exporter.js';
