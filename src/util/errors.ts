/** An error caused by bad input (file, config, flag). The CLI prints its message and exits 1. */
export class InputError extends Error {
  constructor(
    message: string,
    /** The file at fault, when there is one. */
    readonly file?: string,
    /** Dotted path of the field at fault inside the file, when there is one. */
    readonly field?: string,
  ) {
    super(InputError.compose(message, file, field));
    this.name = 'InputError';
  }

  private static compose(message: string, file?: string, field?: string): string {
    const where = [file, field ? `field '${field}'` : undefined].filter(Boolean).join(': ');
    return where ? `${where}: ${message}` : message;
  }
}
