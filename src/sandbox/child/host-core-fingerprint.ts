// A short name for the host core's sources (hostCoreSources): a Pyodide session uses the host core
// its memory snapshot built only when that was built from sources of the same fingerprint. Apart
// from host-core-files.ts so that the session worker, which only compares it, never loads crypto.
import { createHash } from 'node:crypto';

export function hostCoreFingerprint(sources: string): string {
  return createHash('sha256').update(sources).digest('hex');
}
