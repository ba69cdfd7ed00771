// Read from process.argv here, at the outermost layer, so the runners below never look at it.
/** The command line that resumes this invocation (the same one). */
export function resumeCommand(): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  return ['alr', ...process.argv.slice(2)].map(quote).join(' ');
}
