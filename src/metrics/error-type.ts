/**
 * The Python exception type named by an error text: the last non-empty line's `Type:` prefix
 * (`NameError: name 'x' is not defined` → `NameError`; a dotted path keeps its last part, so
 * `pkg.tool.ToolRuntimeException: …` → `ToolRuntimeException`). null when the text names none
 * (e.g. the multiple-code-blocks message).
 */
export function errorTypeFromText(error: string | null | undefined): string | null {
  if (!error) return null;
  const lines = error.split('\n').map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    if (!line) continue;
    const m =
      /^((?:[A-Za-z_][A-Za-z0-9_]*\.)*([A-Za-z_][A-Za-z0-9_]*(?:Error|Exception|Exit|Interrupt|Warning)))(?::|$)/.exec(
        line,
      );
    return m ? (m[2] as string) : null;
  }
  return null;
}
