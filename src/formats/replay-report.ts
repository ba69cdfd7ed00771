// `replay_<runtime>.json` (ours, `alr replay`): what each recorded episode's code does when it is
// re-executed under another runtime — divergences, NameErrors, the score it would reach. Tagged
// `alr.replay.v1`; read by the report next to the run it replays.
import { z } from '../util/zod.js';
import { checkVersion, parseJsonText, parseWith, readJsonFile, writeJsonFile } from './json-file.js';

export const REPLAY_REPORT_VERSION = 'alr.replay.v1';

/** One replayed episode; every field but `source` may be missing in a hand-made or partial file. */
export const replayEpisodeSchema = z.looseObject({
  source: z.string(),
  task_id: z.string().optional(),
  diverged_steps: z.number().optional(),
  name_error_steps: z.array(z.number()).optional(),
  replay_score: z.number().nullish(),
  replay_solved: z.boolean().nullish(),
  recorded_score: z.number().nullish(),
  error: z.string().nullish(),
});

export const replayReportSchema = z.looseObject({
  schema: z.literal(REPLAY_REPORT_VERSION),
  runtime: z.string(),
  summary: z.record(z.string(), z.unknown()).optional(),
  episodes: z.array(replayEpisodeSchema),
});

export type ReplayEpisodeRecord = z.infer<typeof replayEpisodeSchema>;
export type ReplayReportFile = z.infer<typeof replayReportSchema>;

export function parseReplayReport(value: unknown, file: string): ReplayReportFile {
  checkVersion(value, 'schema', [REPLAY_REPORT_VERSION], file);
  return parseWith(replayReportSchema, value, file);
}

export function readReplayReport(file: string): ReplayReportFile {
  return parseReplayReport(readJsonFile(z.unknown(), file), file);
}

export function parseReplayReportText(text: string, file: string): ReplayReportFile {
  return parseReplayReport(parseJsonText(text, file), file);
}

/** Writes a report as given (its key order), after checking that it reads back as one. */
export function writeReplayReportFile(file: string, report: object): void {
  parseReplayReport(report, file);
  writeJsonFile(file, report);
}
