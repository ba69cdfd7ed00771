export { floatRepr } from './float-repr.js';
export type { DumpsOptions } from './json.js';
export { numberValue, PyFloat, pyFloat, pyJsonDumps, pyJsonParse, pyJsonString } from './json.js';
export { bitLength, PyRandom } from './random.js';
export { pyRound, pyRoundTo } from './round.js';
