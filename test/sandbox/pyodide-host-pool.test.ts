// A pyodide host pool starts a new host only when the running ones are full: a session being
// opened counts once, so a start made while another is still opening finds the room left. And it
// starts a bounded number of sessions at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PyodideHostPool } from '../../src/sandbox/pyodide-host-pool.js';

test('a session started while another is still opening goes to the host that has room', async () => {
  const pool = new PyodideHostPool('none', true, 3, 8);
  // The snapshot may be made first (a fresh clone has none); that process does not keep Node alive.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const first = await pool.start(1024);
    const second = pool.start(1024);
    // Let the second reach its host (registered there, Python still starting) before the third.
    await new Promise((resolve) => setImmediate(resolve));
    const third = pool.start(1024);
    const [b, c] = await Promise.all([second, third]);
    assert.equal(b.hostPid, first.hostPid);
    assert.equal(c.hostPid, first.hostPid, 'three sessions in a host of three: no second host');
    const fourth = await pool.start(1024);
    assert.notEqual(fourth.hostPid, first.hostPid, 'a full host: the fourth session gets a new one');
  } finally {
    clearInterval(keepAlive);
    await pool.shutdown();
  }
});

test('at most startsAtOnce sessions start together; the others wait their turn', async () => {
  const pool = new PyodideHostPool('none', true, 8, 1);
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const starts = [pool.start(1024), pool.start(1024), pool.start(1024)];
    assert.equal(pool.startsWaiting, 2);
    const first = await starts[0];
    assert.ok(pool.startsWaiting <= 1, 'the first start handed its slot on');
    const rest = await Promise.all(starts.slice(1));
    assert.equal(pool.startsWaiting, 0);
    for (const worker of rest) assert.equal(worker.hostPid, first.hostPid);
  } finally {
    clearInterval(keepAlive);
    await pool.shutdown();
  }
});
