/**
 * The mapping in use: KONTOR_MAPPING's file, KONTOR_PRESET's preset, the demo's for the embedded
 * demo, else detection's guess (active.ts). Callers validate it against the database they read
 * (validateMapping) before reading through it.
 */
import 'server-only';
import { currentMapping } from '@/lib/mapping/active';
import type { Mapping } from '@/lib/mapping/schema';

export function activeMapping(): Mapping {
  return currentMapping().mapping;
}

export {
  currentMapping, resolveActiveMapping, configuredMapping, MappingConfigError, type ActiveMapping, type MappingSource,
} from '@/lib/mapping/active';
export { detectMapping, type Detection } from '@/lib/mapping/detect';
export { validateMapping, describeMissing, configurationProblems, type MappingCheck, type ConceptStatus } from '@/lib/mapping/validate';
export { tableOf, columnOf, keyOf, hasColumn, displayTable, displayIdent } from '@/lib/mapping/sql';
export { taskBillable } from '@/lib/mapping/billing';
export {
  CONCEPTS, CONCEPT_LABELS, parseMapping, mappingSchema,
  type Mapping, type MappingInput, type ConceptName, type Concept, type TableRef,
} from '@/lib/mapping/schema';
