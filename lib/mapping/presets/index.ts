/** Known product schemas, by name: KONTOR_PRESET picks one, detection (lib/mapping/detect.ts) guesses one. */
import { parseMapping, type Mapping, type MappingInput } from '@/lib/mapping/schema';
import { demoPreset } from '@/lib/mapping/presets/demo';
import { reigh202508Preset, reighPreset } from '@/lib/mapping/presets/reigh';
import { storyAppPreset } from '@/lib/mapping/presets/story-app';
import { seydamPreset } from '@/lib/mapping/presets/seydam';
import { aethercrown98Preset } from '@/lib/mapping/presets/aethercrown98';
import { aiSocialPreset } from '@/lib/mapping/presets/ai-social';

export const PRESETS: Record<string, MappingInput> = {
  demo: demoPreset,
  reigh: reighPreset,
  'story-app': storyAppPreset,
  seydam: seydamPreset,
  aethercrown98: aethercrown98Preset,
  'ai-social': aiSocialPreset,
};

/**
 * Each preset's versions of the product's schema, newest first: detection picks the version whose
 * tables and columns the database has (PRESETS holds the newest).
 */
export const PRESET_VARIANTS: Record<string, { version: string; mapping: MappingInput }[]> = {
  ...Object.fromEntries(Object.entries(PRESETS).map(([name, mapping]) => [name, [{ version: 'current', mapping }]])),
  reigh: [{ version: '2025-09 and later (task_types)', mapping: reighPreset }, { version: '2025-08 (task_cost_configs)', mapping: reigh202508Preset }],
};

export function presetNames(): string[] {
  return Object.keys(PRESETS).sort();
}

/** The preset a fixture folder is read with: its name is the preset's, or starts with it ("reigh-2025-08"). */
export function presetOfFixture(fixture: string): string {
  const found = presetNames().filter((p) => fixture === p || fixture.startsWith(`${p}-`)).sort((a, b) => b.length - a.length)[0];
  if (!found) throw new Error(`No mapping preset reads the fixture "${fixture}".`);
  return found;
}

export function getPreset(name: string): Mapping {
  const preset = PRESETS[name];
  if (!preset) {
    throw new Error(`Unknown mapping preset "${name}" (KONTOR_PRESET). Known presets: ${presetNames().join(', ')}.`);
  }
  return parseMapping(preset);
}
