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

/** The one line the CLI prints for an AlrError. */
export function formatAlrError(err: AlrError): string {
  return `alr: ${err.message}`;
}
