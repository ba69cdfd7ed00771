import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const linux = process.platform === 'linux';
const work = mkdtempSync(join(tmpdir(), 'alr-libdirs-test-'));
after(() => rmSync(work, { recursive: true, force: true }));
const moduleUrl = new URL('../../src/sandbox/library-dirs.js', import.meta.url).href;

/** libraryDirectories in a fresh process (no in-process memo), with `cacheDir` as the cache folder. */
function lookUp(cacheDir: string, files: string[]): string[] {
  const script = `import(${JSON.stringify(moduleUrl)}).then((m) => console.log(JSON.stringify(m.libraryDirectories(${JSON.stringify(files)}))))`;
  const out = execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, ALR_CACHE_DIR: cacheDir },
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('library-dirs-'));

test('ldd answers are kept in the cache folder, read back, and keyed by the files they describe', {
  skip: !linux && 'ldd is Linux only',
}, () => {
  const cache = join(work, 'cache');
  const binary = join(work, 'ls-copy');
  copyFileSync('/bin/ls', binary);
  const first = lookUp(cache, [binary]);
  assert.ok(first.length > 0 && first.every((d) => d.startsWith('/')), JSON.stringify(first));
  const [file] = cacheFiles(cache);
  assert.ok(file, 'a cache file was written');
  assert.deepEqual(JSON.parse(readFileSync(join(cache, file), 'utf8')), first);

  // A later process takes the cached answer (changed here to tell it apart from ldd's).
  writeFileSync(join(cache, file), JSON.stringify([work]));
  assert.deepEqual(lookUp(cache, [binary]), [work]);

  // A cached entry that is not a list of existing absolute directories is not used.
  writeFileSync(join(cache, file), JSON.stringify(['relative/dir', join(work, 'missing')]));
  assert.deepEqual(lookUp(cache, [binary]), first);

  // Another modification time is another key: ldd runs again into a second file.
  utimesSync(binary, new Date(), new Date(Date.now() - 86_400_000));
  assert.deepEqual(lookUp(cache, [binary]), first);
  assert.equal(cacheFiles(cache).length, 2);
});

test('a cache folder others can write to is not used', { skip: !linux && 'ldd is Linux only' }, () => {
  const cache = mkdtempSync(join(work, 'open-'));
  chmodSync(cache, 0o777);
  assert.ok(lookUp(cache, ['/bin/ls']).length > 0);
  assert.deepEqual(cacheFiles(cache), []);
});
