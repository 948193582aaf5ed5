/**
 * Imported first by scripts/bench.ts, before anything reads lib/env: the product benchmarks run on the
 * benchmark-size demo, so they read it through the demo's preset (the schema-only benchmark database
 * has no product tables for detection to find, and the database pages do not use the mapping).
 */
// eslint-disable-next-line no-restricted-properties -- this module exists to set it before lib/env reads it
process.env.KONTOR_PRESET ??= 'demo';
