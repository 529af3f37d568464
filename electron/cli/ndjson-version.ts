/**
 * The version every NDJSON line carries as `v` (the policy is in ndjson.ts). Its own zod-free module so the CLI prints
 * lines without evaluating ndjson.ts's schemas, which only the shipped JSON Schema and the tests need.
 */
export const NDJSON_VERSION = 1;
