/** Known product schemas, by name: KONTOR_PRESET picks one, detection (lib/mapping/detect.ts) guesses one. */
import { parseMapping, type Mapping, type MappingInput } from '@/lib/mapping/schema';
import { demoPreset } from '@/lib/mapping/presets/demo';
import { reigh2026Preset, reigh202508Preset, reighPreset } from '@/lib/mapping/presets/reigh';
import { storyApp202511Preset, storyAppPreset } from '@/lib/mapping/presets/story-app';
import { seydamPreset } from '@/lib/mapping/presets/seydam';
import { aethercrown98013b50cPreset, aethercrown98485fdfaPreset, aethercrown98Preset } from '@/lib/mapping/presets/aethercrown98';
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
export interface PresetVariant {
  version: string;
  mapping: MappingInput;
  /** Columns ("schema.table.column") that only this version has: it fits only where they exist. */
  marks?: string[];
}

export const PRESET_VARIANTS: Record<string, PresetVariant[]> = {
  ...Object.fromEntries(Object.entries(PRESETS).map(([name, mapping]) => [name, [{ version: 'current', mapping }]])),
  reigh: [
    { version: '2026 (cancelled orchestrators charged for finished segments)', mapping: reigh2026Preset, marks: ['public.tasks.idempotency_key'] },
    { version: '2025-09 (task_types)', mapping: reighPreset },
    { version: '2025-08 (task_cost_configs)', mapping: reigh202508Preset },
  ],
  'story-app': [
    { version: '2026-02 (story_purchases, text tier ids)', mapping: storyAppPreset },
    { version: '2025-11 (no payments, uuid tier ids)', mapping: storyApp202511Preset },
  ],
  // Sibling branches of two days: main's DATABASE_SCHEMA.md (98cb007) first, as PRESETS holds it.
  aethercrown98: [
    { version: '98cb007 (DATABASE_SCHEMA.md: PayPal orders, ai_tasks of ai_clones)', mapping: aethercrown98Preset },
    { version: '013b50c (db/schema.sql: subscriptions, payments in cents, workflow_executions)', mapping: aethercrown98013b50cPreset },
    { version: '485fdfa (database_schema.sql: PayPal orders, ai_tasks of clones)', mapping: aethercrown98485fdfaPreset },
  ],
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
