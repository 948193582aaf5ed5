/** The id of the request behind an action, for the audit row: the proxy's or a fresh one. */
import crypto from 'node:crypto';
import { headers } from 'next/headers';

export async function requestId(): Promise<string> {
  const given = (await headers()).get('x-request-id');
  return given && /^[\w.-]{1,100}$/.test(given) ? given : crypto.randomUUID();
}
