/**
 * The per-user cache folder: `$ALR_CACHE_DIR`, else `$XDG_CACHE_HOME/agents-learn-runtime`, else
 * `~/.cache/agents-learn-runtime`. What is kept there shapes what the sandbox runs or binds, so it
 * is used only when it belongs to the current user and others cannot write to it.
 */
import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder's path, whether or not it exists. */
export function cacheBase(env: NodeJS.ProcessEnv = process.env): string {
  return env.ALR_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'agents-learn-runtime');
}

/** The folder, created (mode 0700) if needed; null when it cannot be made or is not safe to use. */
export function userCacheDir(): string | null {
  const base = cacheBase();
  try {
    mkdirSync(base, { recursive: true, mode: 0o700 });
    const info = statSync(base);
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid) return null;
    if ((info.mode & 0o022) !== 0) return null;
    return realpathSync(base);
  } catch {
    return null;
  }
}
