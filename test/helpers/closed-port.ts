import assert from 'node:assert/strict';
import { createServer } from 'node:net';

/** A loopback port with nobody listening on it (a server takes one from the system, then closes). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address && typeof address === 'object');
  return address.port;
}
