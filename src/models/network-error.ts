// What went wrong on the wire when a request got no HTTP answer at all. The `openai` client reports
// every such case as "Connection error."; the system's error code (ECONNREFUSED, ENOTFOUND, …) sits
// a few `cause` links below it, and that code is what a user needs to fix the endpoint setting.

const CODE_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS to a plain HTTP server',
};

/** The first system error code in an error's `cause` chain (or an AggregateError's members). */
export function networkErrorCode(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  // Bounded: cause chains are short, but a cyclic one must not hang the error path.
  while (queue.length > 0 && seen.size < 20) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && code.length > 0) return code;
    if (cause !== undefined) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return undefined;
}

/** E.g. `connection refused (ECONNREFUSED)`, or undefined when the chain carries no code. */
export function networkErrorText(err: unknown): string | undefined {
  const code = networkErrorCode(err);
  if (code === undefined) return undefined;
  const words = CODE_WORDS[code];
  return words ? `${words} (${code})` : code;
}
