// The errors a user can fix: bad input, an endpoint that is missing or down, a sandbox that cannot
// start, a run folder that cannot be read or written. The CLI prints each as one line
// (`alr: <file or endpoint>: <field>: <message>`) with no stack trace; anything else is a bug and
// keeps its stack.

/** Marks our errors by a registry symbol, so that a second copy of this module still recognizes them. */
const ALR_ERROR = Symbol.for('agents-learn-runtime.AlrError');

export type AlrErrorKind = 'input' | 'endpoint' | 'sandbox' | 'run-io';

export class AlrError extends Error {
  readonly [ALR_ERROR] = true;
  /** The message alone, without the file and field. */
  readonly detail: string;

  constructor(
    readonly kind: AlrErrorKind,
    message: string,
    /** The file, folder or endpoint at fault, when there is one. */
    readonly where?: string,
    /** Path of the field or setting at fault, when there is one (`a.b[2].c`). */
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(composeMessage(message, where, field), options);
    this.detail = message;
    this.name = 'AlrError';
  }

  /** True for any AlrError, including one thrown by another copy of this module. */
  static is(value: unknown): value is AlrError {
    return (
      typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ALR_ERROR] === true
    );
  }
}

function composeMessage(message: string, where?: string, field?: string): string {
  const parts = [where, field ? `field '${field}'` : undefined, message].filter(Boolean);
  return parts.join(': ');
}

/** Bad input: a file, config, plan, task or command-line flag. */
export class InputError extends AlrError {
  constructor(message: string, file?: string, field?: string, options?: { cause?: unknown }) {
    super('input', message, file, field, options);
    this.name = 'InputError';
  }

  /** The file at fault, when there is one. */
  get file(): string | undefined {
    return this.where;
  }
}

/** A model endpoint that is not configured, cannot be reached or answers wrongly. */
export class EndpointError extends AlrError {
  constructor(message: string, endpoint?: string, setting?: string, options?: { cause?: unknown }) {
    super('endpoint', message, endpoint, setting, options);
    this.name = 'EndpointError';
  }
}

/** The sandbox cannot start or run (missing interpreter, isolation unavailable). */
export class SandboxError extends AlrError {
  constructor(message: string, where?: string, options?: { cause?: unknown }) {
    super('sandbox', message, where, undefined, options);
    this.name = 'SandboxError';
  }
}

/** A run folder (or output file) that cannot be read or written, or is not what it claims to be. */
export class RunIoError extends AlrError {
  constructor(message: string, path?: string, field?: string, options?: { cause?: unknown }) {
    super('run-io', message, path, field, options);
    this.name = 'RunIoError';
  }
}

/** The path of a validation issue in the one style used by every message: `agents[0].model.name`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * The first issue of a zod error as an InputError naming the file and the field: the one place a
 * schema failure becomes a message. `fieldPrefix` places the value inside a bigger file (`line 3`,
 * `agents[0]`); `what` names the kind of file when its name does not (`invalid prompt pack: …`).
 */
export function validationError(
  error: { issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }> },
  file: string | undefined,
  fieldPrefix = '',
  what = '',
): InputError {
  const issue = error.issues[0];
  const inner = formatFieldPath(issue?.path ?? []);
  const field =
    fieldPrefix && inner ? `${fieldPrefix}${inner.startsWith('[') ? '' : '.'}${inner}` : fieldPrefix || inner;
  const message = issue?.message ?? 'invalid value';
  return new InputError(what ? `${what}: ${message}` : message, file, field || undefined);
}

/**
 * The one line the CLI prints for an AlrError. Text quoted from a library (a YAML parser's excerpt
 * of the bad line) can span lines; its first line says what and where.
 */
export function formatAlrError(err: AlrError): string {
  return `alr: ${err.message.split('\n')[0]?.trimEnd().replace(/:$/, '')}`;
}

/**
 * The same error, placed in the file (or flag) it came from: for errors raised by code that knows
 * the setting but not where it was written (a model name, an endpoint).
 */
export function locatedError(err: AlrError, where: string, field: string | undefined): AlrError {
  const options = { cause: err };
  switch (err.kind) {
    case 'input':
      return new InputError(err.detail, where, field, options);
    case 'endpoint':
      return new EndpointError(err.detail, where, field, options);
    case 'sandbox':
      return new SandboxError(err.detail, where, options);
    case 'run-io':
      return new RunIoError(err.detail, where, field, options);
  }
}

/** File-system failures a user can fix (a path that is a file, no permission, a full disk), explained. */
const USER_FIXABLE_FS_CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'this is a folder',
  EEXIST: 'a file is in the way',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such file or folder',
};

/**
 * A Node file-system error on a path the user gave (an output folder inside a file, a read-only
 * folder) as a one-line RunIoError; undefined for anything else, which keeps its stack.
 */
export function fileSystemError(err: unknown): RunIoError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, syscall, path } = err as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof syscall !== 'string' || typeof path !== 'string') return undefined;
  const why = USER_FIXABLE_FS_CODES[code];
  if (why === undefined) return undefined;
  return new RunIoError(`cannot ${syscall}: ${why} (${code})`, path, undefined, { cause: err });
}
