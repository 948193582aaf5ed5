/** Known product schemas, by name. KONTOR_PRESET picks one; more arrive with their products. */
import { parseMapping, type Mapping, type MappingInput } from '@/lib/mapping/schema';
import { demoPreset } from '@/lib/mapping/presets/demo';

export const PRESETS: Record<string, MappingInput> = {
  demo: demoPreset,
};

export function presetNames(): string[] {
  return Object.keys(PRESETS).sort();
}

export function getPreset(name: string): Mapping {
  const preset = PRESETS[name];
  if (!preset) {
    throw new Error(`Unknown mapping preset "${name}" (KONTOR_PRESET). Known presets: ${presetNames().join(', ')}.`);
  }
  return parseMapping(preset);
}
