// Every module imports zod from here. The build replaces this file's output with one bundled file
// (scripts/bundle-zod.mjs): zod's ESM build is some 95 modules (64 of them locales), and loading them
// one by one cost each `alr` command about 50 ms of start-up.
export { z } from 'zod';
