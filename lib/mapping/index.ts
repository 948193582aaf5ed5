/**
 * The mapping in use: the preset named by KONTOR_PRESET (default "demo"). Callers validate it against
 * the database they read (validateMapping) before reading through it.
 */
import { env } from '@/lib/env';
import { getPreset } from '@/lib/mapping/presets';
import type { Mapping } from '@/lib/mapping/schema';

export function activeMapping(): Mapping {
  return getPreset(env.KONTOR_PRESET ?? 'demo');
}

export { validateMapping, describeMissing, type MappingCheck, type ConceptStatus } from '@/lib/mapping/validate';
export { tableOf, columnOf, keyOf, hasColumn, displayTable, displayIdent } from '@/lib/mapping/sql';
export {
  CONCEPTS, CONCEPT_LABELS, parseMapping, mappingSchema,
  type Mapping, type MappingInput, type ConceptName, type Concept, type TableRef,
} from '@/lib/mapping/schema';
