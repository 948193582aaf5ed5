/**
 * Which mapping Kontor reads through, and where it came from: a mapping file (KONTOR_MAPPING), a
 * preset (KONTOR_PRESET), the demo's preset for the embedded demo, or, with none of these, what
 * detection guessed from the database's catalog. A configured mapping that names a table or column the
 * database lacks is a configuration error, named in full; a detected one names only what exists.
 */
import 'server-only';
import fs from 'node:fs';
import type { QueryExecutorProvider } from 'kysely';
import { env, isEmbedded } from '@/lib/env';
import { bestVariant, detectMapping, readCatalog, type Detection } from '@/lib/mapping/detect';
import { getPreset, presetOfFixture, PRESET_VARIANTS } from '@/lib/mapping/presets';
import { parseMapping, type Mapping } from '@/lib/mapping/schema';
import { configurationProblems, validateMapping } from '@/lib/mapping/validate';

export type MappingSource =
  | { kind: 'file'; path: string }
  | { kind: 'preset'; preset: string }
  | { kind: 'embedded-demo' }
  | { kind: 'detected'; preset: string | null; found: Detection['found']; missed: Detection['missed'] };

export interface ActiveMapping {
  mapping: Mapping;
  source: MappingSource;
}

export class MappingConfigError extends Error {
  override name = 'MappingConfigError';
}

function readMappingFile(file: string): Mapping {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new MappingConfigError(`KONTOR_MAPPING names ${file}, which cannot be read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MappingConfigError(`KONTOR_MAPPING file ${file} is not JSON: ${(err as Error).message}`);
  }
  try {
    return parseMapping(json);
  } catch (err) {
    throw new MappingConfigError(`KONTOR_MAPPING file ${file}: ${(err as Error).message}`);
  }
}

/** The mapping the environment names, without asking the database; null when detection decides. */
export function configuredMapping(): ActiveMapping | null {
  if (env.KONTOR_MAPPING) return { mapping: readMappingFile(env.KONTOR_MAPPING), source: { kind: 'file', path: env.KONTOR_MAPPING } };
  if (env.KONTOR_PRESET) return { mapping: getPreset(env.KONTOR_PRESET), source: { kind: 'preset', preset: env.KONTOR_PRESET } };
  if (isEmbedded() && env.KONTOR_FIXTURE) {
    const preset = presetOfFixture(env.KONTOR_FIXTURE);
    return { mapping: getPreset(preset), source: { kind: 'preset', preset } };
  }
  if (isEmbedded()) return { mapping: getPreset('demo'), source: { kind: 'embedded-demo' } };
  return null;
}

// One per process (globalThis: Next may load this module in more than one bundle).
const state = globalThis as typeof globalThis & { __kontorMapping?: ActiveMapping; __kontorVariant?: ActiveMapping };

/** Until detection has run (the console's first request, the CLI's start): nothing is mapped. */
const UNDETECTED: ActiveMapping = {
  mapping: parseMapping({ name: 'undetected' }),
  source: { kind: 'detected', preset: null, found: [], missed: [] },
};

/** The mapping in use, synchronously: configured, else detection's guess once resolveActiveMapping ran. */
export function currentMapping(): ActiveMapping {
  const configured = configuredMapping();
  if (configured?.source.kind === 'preset' && state.__kontorVariant?.mapping.name === configured.mapping.name) return state.__kontorVariant;
  return configured ?? state.__kontorMapping ?? UNDETECTED;
}

/** Throws MappingConfigError naming every table, column and key `mapping` names and `db` lacks. */
export async function assertMappingFits(db: QueryExecutorProvider, mapping: Mapping, from: string): Promise<void> {
  const problems = configurationProblems(await validateMapping(db, mapping));
  if (problems.length) {
    throw new MappingConfigError(`The mapping ${from} names what this database lacks:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/**
 * Resolves the mapping against `db`: detects it when nothing is configured (once per process), and
 * throws MappingConfigError naming every missing table and column of a configured one.
 */
export async function resolveActiveMapping(db: QueryExecutorProvider): Promise<ActiveMapping> {
  const configured = configuredMapping();
  if (configured?.source.kind === 'preset' && (PRESET_VARIANTS[configured.source.preset]?.length ?? 0) > 1) {
    // A preset names the product; which version of its schema this database has, the catalog says.
    if (state.__kontorVariant?.mapping.name !== configured.mapping.name) {
      const variant = bestVariant(configured.source.preset, await readCatalog(db));
      const mapping = variant ? parseMapping(variant) : configured.mapping;
      await assertMappingFits(db, mapping, `KONTOR_PRESET=${configured.source.preset}`);
      state.__kontorVariant = { mapping, source: configured.source };
    }
    return state.__kontorVariant;
  }
  if (configured) {
    if (configured.source.kind !== 'embedded-demo') {
      const from = configured.source.kind === 'file' ? `KONTOR_MAPPING (${configured.source.path})` : `KONTOR_PRESET=${configured.source.preset}`;
      await assertMappingFits(db, configured.mapping, from);
    }
    return configured;
  }
  if (!state.__kontorMapping) {
    const detection = await detectMapping(db);
    state.__kontorMapping = {
      mapping: parseMapping(detection.mapping),
      source: { kind: 'detected', preset: detection.preset, found: detection.found, missed: detection.missed },
    };
  }
  return state.__kontorMapping;
}
