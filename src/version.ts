/** The package's name: the default tracer's name and the logger's namespace. */
export const PACKAGE_NAME = 'otel-execution-tracker';
/** The package's version, reported as the default tracer's version. */
export const PACKAGE_VERSION = '0.1.0';
