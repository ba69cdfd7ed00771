import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { createHttpFetch } from '../../src/models/http-fetch.js';
import { closedPort } from '../helpers/closed-port.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
const servers: Server[] = [];
after(() => {
  for (const server of servers) server.close();
});

/** A real loopback HTTP server answering with `handler`; resolves to its base URL. */
async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('a request goes out with its method, headers and body, and the answer comes back whole', async () => {
  const url = await serve((req, body, res) => {
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.setHeader('content-type', 'application/json');
    res.statusCode = 201;
    res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization, body }));
  });
  const fetch = createHttpFetch();
  const text = 'é '.repeat(50_000);
  const response = await fetch(`${url}/v1/chat`, {
    method: 'POST',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  assert.equal(response.status, 201);
  assert.equal(response.headers.get('content-type'), 'application/json');
  assert.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
  assert.deepEqual(await response.json(), {
    method: 'POST',
    auth: 'Bearer k',
    body: JSON.stringify({ text }),
  });
});

test('error statuses are answers, and a 204 has no body', async () => {
  const url = await serve((req, _body, res) => {
    res.statusCode = req.url === '/empty' ? 204 : 503;
    res.end(req.url === '/empty' ? undefined : 'busy');
  });
  const fetch = createHttpFetch();
  const busy = await fetch(`${url}/x`);
  assert.equal(busy.status, 503);
  assert.equal(await busy.text(), 'busy');
  const empty = await fetch(`${url}/empty`);
  assert.equal(empty.status, 204);
  assert.equal(empty.body, null);
});

test('a refused connection rejects with the system error code', async () => {
  const port = await closedPort();
  await assert.rejects(createHttpFetch()(`http://127.0.0.1:${port}/`), { code: 'ECONNREFUSED' });
});

test('an abort rejects with an AbortError, before or during the answer', async () => {
  const url = await serve((req, _body, res) => {
    if (req.url === '/slow-body') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    }
    // Otherwise never answers.
  });
  const fetch = createHttpFetch();
  const early = new AbortController();
  const pending = fetch(`${url}/hang`, { signal: early.signal });
  setTimeout(() => early.abort(), 50);
  await assert.rejects(pending, { name: 'AbortError' });
  const late = new AbortController();
  const partial = fetch(`${url}/slow-body`, { signal: late.signal });
  setTimeout(() => late.abort(), 100);
  await assert.rejects(partial, { name: 'AbortError' });
});

test('an answer cut off mid-way, or larger than the limit, is an error and not a short body', async () => {
  const url = await serve((req, _body, res) => {
    if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('x'.repeat(10));
      setTimeout(() => res.socket?.destroy(), 20);
    } else res.end('y'.repeat(5000));
  });
  const fetch = createHttpFetch(1000);
  await assert.rejects(fetch(`${url}/cut`));
  await assert.rejects(fetch(`${url}/big`), /larger than 1000 bytes/);
});
