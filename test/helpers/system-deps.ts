import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

/**
 * Optional system parts (chromium, bubblewrap) may be absent on a user's machine: tests that need
 * them skip loudly. CI sets ALR_REQUIRE_SYSTEM_DEPS=1, which turns such a skip into a failure.
 */
export function requireSystemDep(t: TestContext, name: string, available: boolean): boolean {
  if (available) return true;
  const message = `${name} is not installed: this test needs it`;
  if (process.env.ALR_REQUIRE_SYSTEM_DEPS === '1') throw new Error(`${message} (ALR_REQUIRE_SYSTEM_DEPS=1)`);
  console.warn(`\n*** SKIPPED: ${message}. Install it to run this test. ***\n`);
  t.skip(message);
  return false;
}

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
