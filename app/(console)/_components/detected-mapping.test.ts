/**
 * The Overview's notices about detection: what it found by structure (table, score, reasons, the
 * tables that nearly were) and what it could not find, and why. Rendered to HTML as the page does.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { DetectedMapping } from '@/app/(console)/_components/detected-mapping';
import { MissingConcepts } from '@/app/(console)/_components/missing-concepts';
import { describeDetection } from '@/lib/domain/overview';
import { detectFromCatalog, type CatalogColumn, type CatalogTable } from '@/lib/mapping/detect';
import { CONCEPT_LABELS, CONCEPTS, parseMapping } from '@/lib/mapping/schema';
import type { MappingCheck } from '@/lib/mapping/validate';

const c = (name: string, type: string, more: Partial<CatalogColumn> = {}): CatalogColumn => ({ name, type, ...more });
const toProfiles = { references: { schema: 'public', table: 'profiles', column: 'id' } };
const CATALOG: CatalogTable[] = [
  { schema: 'public', name: 'profiles', statuses: {}, columns: [c('id', 'uuid', { pk: true }), c('email', 'text'), c('credits', 'integer')] },
  {
    schema: 'public', name: 'jobs', statuses: {}, columns: [
      c('id', 'uuid', { pk: true }), c('user_id', 'uuid', toProfiles), c('status', 'text', { values: ['queued', 'running', 'succeeded', 'failed'] }),
      c('created_at', 'timestamp with time zone'), c('started_at', 'timestamp with time zone'), c('finished_at', 'timestamp with time zone'),
    ],
  },
  {
    schema: 'public', name: 'dev_tasks', statuses: {}, columns: [
      c('id', 'integer', { pk: true }), c('title', 'text'), c('status', 'text', { values: ['todo', 'doing', 'done'] }),
      c('assignee', 'text'), c('due_date', 'date'), c('created_at', 'timestamp with time zone'),
    ],
  },
];

const text = (html: string) => html.replace(/<[^>]+>/g, '').replaceAll('&#x27;', "'");

describe('the Overview on a database detected by structure', () => {
  const d = detectFromCatalog(CATALOG);
  const view = describeDetection({ kind: 'detected', preset: d.preset, found: d.found, missed: d.missed });

  test('says what it found, where, how sure and why, and which tables nearly were', () => {
    const shown = text(renderToStaticMarkup(createElement(DetectedMapping, { view })));
    assert.match(shown, /Detected by structure: check the mapping/);
    assert.match(shown, /Users in public\.profiles \(\d+%\): an email column/);
    assert.match(shown, /Tasks in public\.jobs \(\d+%\): status has a queue's values \(queued, running, succeeded, failed\)/);
    assert.match(shown, /Not public\.dev_tasks \(0%, below the 6 points it takes\)/);
  });

  test('says what it could not find, and why', () => {
    const mapping = parseMapping(d.mapping);
    const found = new Set(d.found.map((f) => f.concept));
    const check: MappingCheck = {
      mapping, available: [...found],
      concepts: CONCEPTS.map((concept) => ({
        concept, label: CONCEPT_LABELS[concept], available: found.has(concept), problems: found.has(concept) ? [] : [mapping.absent[concept]!], notes: [],
      })),
    };
    const shown = text(renderToStaticMarkup(createElement(MissingConcepts, { check, title: 'Not found by detection' })));
    assert.match(shown, /Not found by detection/);
    assert.match(shown, /Payments: no table of this database looks like one/);
    assert.match(shown, /Usage counters: usage counters are not guessed/);
  });

  test('a database where nothing is found says so', () => {
    const none = describeDetection({ kind: 'detected', preset: null, found: [], missed: [] });
    assert.match(text(renderToStaticMarkup(createElement(DetectedMapping, { view: none }))), /No product tables detected/);
  });
});
