import 'server-only';
import { cache } from 'react';
import { read } from '@/db/index';
import { resolveActiveMapping, validateMapping, type MappingCheck } from '@/lib/mapping';

/** The active mapping checked against this database, once per request. */
export const getMappingCheck = cache(
  (): Promise<MappingCheck> => read(async (trx) => validateMapping(trx, (await resolveActiveMapping(trx)).mapping)),
);
