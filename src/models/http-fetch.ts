/**
 * The `fetch` the model client hands to the `openai` library: one request over Node's own HTTP
 * client with keep-alive connections, the answer read whole into a standard `Response`. Node's
 * built-in fetch spends several times more CPU per request (web streams, request cloning), which
 * at hundreds of concurrent episodes is a visible share of the harness (docs/performance.md).
 *
 * Only what a chat completion needs: a string or byte body, no streaming, no redirects. Errors are
 * Node's own (their `code`, e.g. ECONNREFUSED, is what network-error.ts reports); an abort rejects
 * with an `AbortError`, as fetch does.
 */
import http from 'node:http';
import https from 'node:https';

/** By default an answer larger than this is refused instead of being held in memory. */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export function createHttpFetch(maxResponseBytes = MAX_RESPONSE_BYTES): typeof fetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };
  return (input, init = {}) =>
    new Promise<Response>((resolve, rejectWith) => {
      // After an abort every failure is the abort, as with fetch.
      const reject = (err: unknown) => rejectWith(init.signal?.aborted ? abortError(init.signal) : err);
      const url = new URL(input instanceof Request ? input.url : String(input));
      const protocol = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
      if (!protocol) {
        reject(new TypeError(`unsupported URL scheme ${url.protocol} in ${url.href}`));
        return;
      }
      const body = init.body;
      if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
        reject(new TypeError('unsupported request body (a string or bytes is expected)'));
        return;
      }
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => {
        headers[name] = value;
      });
      const request = protocol.request(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          agent: agents[url.protocol as 'http:' | 'https:'],
          signal: init.signal ?? undefined,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxResponseBytes) {
              response.destroy(new Error(`the answer is larger than ${maxResponseBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', reject);
          response.on('end', () => {
            try {
              resolve(toResponse(response, Buffer.concat(chunks)));
            } catch (err) {
              reject(err);
            }
          });
          // Closed without 'end': the answer was cut off (a settled promise ignores this).
          response.on('close', () => {
            if (!response.complete) reject(new Error('the connection closed before the answer was complete'));
          });
        },
      );
      request.on('error', reject);
      request.end(body ?? undefined);
    });
}

function abortError(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === 'AbortError'
    ? reason
    : new DOMException('This operation was aborted', 'AbortError');
}

/** A fetch `Response` of a finished Node answer. */
function toResponse(answer: http.IncomingMessage, body: Buffer): Response {
  const status = answer.statusCode ?? 0;
  if (status < 200 || status > 599) throw new TypeError(`the server answered with HTTP status ${status}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  // 204, 205 and 304 answers carry no body by definition (the constructor refuses one).
  const bodyless = status === 204 || status === 205 || status === 304;
  return new Response(bodyless ? null : body, { status, statusText: answer.statusMessage ?? '', headers });
}
