/**
 * The one context a console request reads in: the signed-in staff member (checked for the page's
 * capability) and the product's mapping validated against this database, each made once per request
 * (React's cache) whichever page, layout or section asks. Pages start with `await pageContext(cap)`
 * and pass it to read models (lib/context.ts); the layout asks only for the mapping check. The
 * database area reads the catalog, not the product's concepts: its pages start with
 * `catalogContext(cap)`, the same gate without the mapping check, so that a slow or failing check (a
 * busy catalog on a 5,000-table schema) never takes down the pages an engineer needs to see why.
 */
import 'server-only';
import { cache } from 'react';
import { read } from '@/db/index';
import { requireStaff, type StaffContext } from '@/lib/auth';
import type { Capability } from '@/lib/auth/permissions';
import type { ReadContext } from '@/lib/context';
import { resolveActiveMapping, validateMapping, type ConceptName, type MappingCheck } from '@/lib/mapping';

export interface PageContext extends ReadContext {
  /** What the validation found: each concept's availability and problems, for the page's own notice. */
  readonly check: MappingCheck;
}

/** The active mapping checked against this database, once per request. */
export const getMappingCheck = cache(
  (): Promise<MappingCheck> => read(async (trx) => validateMapping(trx, (await resolveActiveMapping(trx)).mapping)),
);

/** Not signed in -> /login; without `capability` -> 403 (requireStaff); else the request's context. */
export async function pageContext(capability: Capability): Promise<PageContext> {
  const staff = await requireStaff(capability);
  const check = await getMappingCheck();
  return { staff, mapping: check.mapping, check };
}

/** The staff member alone, for the pages that read no product concept (the catalog, the statistics views). */
export async function catalogContext(capability: Capability): Promise<{ staff: StaffContext }> {
  return { staff: await requireStaff(capability) };
}

/** The concepts of `needed` this database lacks (a page says so instead of reading). */
export function missingConcepts(ctx: PageContext, needed: readonly ConceptName[]): ConceptName[] {
  return needed.filter((c) => !ctx.check.available.includes(c));
}
