/**
 * Whether a trace collector is there to receive the run, and where to see
 * the run once it is.
 */
import { connect } from 'node:net';

/** Where Jaeger's UI is when nothing else is said. */
export const DEFAULT_JAEGER_UI_URL = 'http://localhost:16686';

/**
 * Whether anything accepts a TCP connection at the host and port of an
 * OTLP/HTTP endpoint. Nothing is sent: this only tells "no collector is
 * running" apart from "one is", so that the demo can say which, where an
 * export failure would otherwise pass silently. Only the endpoint's own
 * host is contacted.
 * @param endpoint the URL spans are posted to
 * @param timeoutMs how long to wait for the connection
 * @returns true when the connection was accepted in time
 */
export function probeEndpoint(
  endpoint: string,
  timeoutMs = 300,
): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return Promise.resolve(false);
  }
  const port =
    url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  // URL keeps the brackets of an IPv6 host; net.connect takes it bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const finish = (answered: boolean): void => {
      socket.destroy();
      resolve(answered);
    };
    socket.once('connect', () => {
      finish(true);
    });
    socket.once('timeout', () => {
      finish(false);
    });
    socket.once('error', () => {
      finish(false);
    });
  });
}

/**
 * The Jaeger UI page of one trace.
 * @param traceId the trace id, in hex
 * @param base the UI's base URL; default `JAEGER_UI_URL`, else
 *   {@link DEFAULT_JAEGER_UI_URL}
 */
export function jaegerTraceUrl(
  traceId: string,
  base: string = jaegerUiUrl(),
): string {
  return `${base.replace(/\/+$/, '')}/trace/${traceId}`;
}

/** `JAEGER_UI_URL`, unless unset or blank, as `OTEL_*` variables are read. */
function jaegerUiUrl(): string {
  const value = process.env.JAEGER_UI_URL?.trim();
  return value === undefined || value === '' ? DEFAULT_JAEGER_UI_URL : value;
}
