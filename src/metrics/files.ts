// The files the metrics read. Their schemas live in src/formats (one module per format); these
// names are kept for the metrics code that imports them from here.
export { parseJsonText, parseWith, readJsonFile } from '../formats/json-file.js';
export { type ResultFile, resultFileSchema as resultFile } from '../formats/result.js';
export { type RunJson as RunFile, runJsonSchema as runFile } from '../formats/run-json.js';
export { summaryFileSchema as summaryFile } from '../formats/summary.js';
export {
  parseTrace,
  type StepEventData,
  stepEventDataSchema as stepEventData,
  type TraceFile,
  traceFileSchema as traceFile,
} from '../formats/trace.js';
