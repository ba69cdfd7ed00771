// The optional report spec: which folder is which table cell, in the spirit of main_table.py's spec
// (`cells` with difficulty/train/runtime/path; `caption`, `label`, `score_scale`, `solved_format`).
import { dirname, isAbsolute, resolve } from 'node:path';
import { readJsonFile } from '../metrics/files.js';
import { z } from '../util/zod.js';

const cellSchema = z.looseObject({
  difficulty: z.string(),
  train: z.string(),
  runtime: z.string(),
  /** A run folder, a results/<agent>/<family> folder, or a summary_*.json file. */
  path: z.string(),
  /** Folder of trace/result pairs when `path` is a summary file. */
  metrics_path: z.string().optional(),
});

const specSchema = z.looseObject({
  title: z.string().optional(),
  caption: z.string().optional(),
  label: z.string().optional(),
  score_scale: z.enum(['auto', 'fraction', 'percent']).optional(),
  solved_format: z.enum(['count', 'percent']).optional(),
  cells: z.array(cellSchema).min(1),
});

export type ReportSpec = z.infer<typeof specSchema>;
export type ReportSpecCell = z.infer<typeof cellSchema>;

/** Reads a spec file; relative cell paths are resolved against the spec's folder. */
export function readSpec(file: string): ReportSpec {
  const spec = readJsonFile(specSchema, file);
  const base = dirname(file);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ...spec,
    cells: spec.cells.map((c) => ({
      ...c,
      path: abs(c.path),
      metrics_path: c.metrics_path ? abs(c.metrics_path) : undefined,
    })),
  };
}
