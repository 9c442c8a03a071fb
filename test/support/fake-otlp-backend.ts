// An OTLP/HTTP trace receiver whose answers a test switches at will: it
// accepts and counts spans, refuses with a status, refuses bodies over a
// size, or takes a request and never answers. It understands the JSON
// encoding only, which is what setupTracing's exporter sends; anything
// else is refused and counted, so that a change of encoding fails loudly.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The only address the fake backend listens on. */
const HOST = '127.0.0.1';

/** How the backend answers the requests that arrive from now on. */
export type Behaviour =
  /** 200 and counts the spans; 413 for a body over `maxBodyBytes`. */
  | { readonly answer: 'accept'; readonly maxBodyBytes?: number }
  /** The given status (500, 503, ...) without reading the spans. */
  | { readonly answer: 'status'; readonly status: number }
  /** Reads the request and never answers it. */
  | { readonly answer: 'hang' };

/** One request as the backend saw it. */
export interface ReceivedRequest {
  readonly status: number | 'hung';
  readonly bodyBytes: number;
  /** Spans in the body, counted for every request that could be decoded. */
  readonly spans: number;
  readonly headers: IncomingHttpHeaders;
}

/** A running fake backend; see {@link startFakeOtlpBackend}. */
export interface FakeOtlpBackend {
  /** The traces URL: `http://127.0.0.1:PORT/v1/traces`. */
  readonly url: string;
  readonly port: number;
  /** How requests are answered; assign to switch. */
  behaviour: Behaviour;
  /** Every request so far, in the order they arrived. */
  readonly requests: readonly ReceivedRequest[];
  /** Spans in requests answered 200. */
  readonly acceptedSpans: number;
  /** Span ids accepted more than once: a resend of a delivered batch. */
  readonly duplicateSpans: number;
  /** Names of the spans accepted, in order. */
  readonly acceptedNames: readonly string[];
  /** Requests that were not OTLP JSON. */
  readonly undecodable: number;
  /** Stops listening and drops every connection, hung ones included. */
  close(): Promise<void>;
}

interface OtlpJsonSpan {
  spanId?: string;
  name?: string;
}

interface OtlpJsonRequest {
  resourceSpans?: { scopeSpans?: { spans?: OtlpJsonSpan[] }[] }[];
}

/** The spans of an OTLP JSON body: resourceSpans → scopeSpans → spans. */
function spansOf(body: OtlpJsonRequest): OtlpJsonSpan[] {
  return (body.resourceSpans ?? []).flatMap((resource) =>
    (resource.scopeSpans ?? []).flatMap((scope) => scope.spans ?? []),
  );
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

/**
 * Starts a fake OTLP/HTTP backend on 127.0.0.1.
 * @param options `port` to listen on a given port (one a test found closed,
 *   to bring the backend up late), else a free one; `behaviour` to start with
 * @returns the running backend; call its `close()` when done
 */
export async function startFakeOtlpBackend(
  options: { port?: number; behaviour?: Behaviour } = {},
): Promise<FakeOtlpBackend> {
  const requests: ReceivedRequest[] = [];
  const seen = new Set<string>();
  const acceptedNames: string[] = [];
  let acceptedSpans = 0;
  let duplicateSpans = 0;
  let undecodable = 0;

  const answer = (response: ServerResponse, status: number): void => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(status === 200 ? '{}' : `{"code":${status}}`);
  };

  const handle = async (
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> => {
    // The behaviour when the request arrived decides its answer.
    const behaviour = backend.behaviour;
    const body = await readBody(request);
    const record = (status: number | 'hung', spans: number): void => {
      requests.push({
        status,
        bodyBytes: body.length,
        spans,
        headers: request.headers,
      });
    };
    let spans: OtlpJsonSpan[] | undefined;
    if (request.headers['content-type']?.startsWith('application/json')) {
      try {
        spans = spansOf(JSON.parse(body.toString('utf8')) as OtlpJsonRequest);
      } catch {
        spans = undefined;
      }
    }
    if (spans === undefined) {
      undecodable++;
      record(415, 0);
      answer(response, 415);
      return;
    }

    switch (behaviour.answer) {
      case 'hang':
        record('hung', spans.length);
        return;
      case 'status':
        record(behaviour.status, spans.length);
        answer(response, behaviour.status);
        return;
      case 'accept':
        if (body.length > (behaviour.maxBodyBytes ?? Infinity)) {
          record(413, spans.length);
          answer(response, 413);
          return;
        }
        for (const span of spans) {
          const id = span.spanId ?? '';
          if (seen.has(id)) duplicateSpans++;
          seen.add(id);
          acceptedNames.push(span.name ?? '');
        }
        acceptedSpans += spans.length;
        record(200, spans.length);
        answer(response, 200);
    }
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error(`unexpected address for a TCP server: ${String(address)}`);
  }

  const backend: FakeOtlpBackend = {
    url: `http://${HOST}:${address.port}/v1/traces`,
    port: address.port,
    behaviour: options.behaviour ?? { answer: 'accept' },
    requests,
    get acceptedSpans() {
      return acceptedSpans;
    },
    get duplicateSpans() {
      return duplicateSpans;
    },
    acceptedNames,
    get undecodable() {
      return undecodable;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
  return backend;
}

/** A port of 127.0.0.1 that nothing listens on: bound, then released. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') {
          reject(new Error('unexpected address for a TCP server'));
        } else {
          resolve(address.port);
        }
      });
    });
  });
}

/**
 * Waits until `condition` holds, checking every few milliseconds.
 * @param what what is awaited, for the message on timeout
 * @param condition checked until it returns true
 * @param timeoutMs how long to wait at most
 */
export async function waitUntil(
  what: string,
  condition: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(10);
  }
}
