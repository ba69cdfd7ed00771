/** Python's repr() of a str: single quotes unless the text holds a ' and no ". */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  if (quote === "'") body = body.replace(/'/g, "\\'");
  return quote + body + quote;
}

/** Python's repr() of an exception with one message argument: `ValueError('…')`. */
export function pyExceptionRepr(type: string, message: string): string {
  return `${type}(${pyStrRepr(message)})`;
}
