/**
 * The preview token: HS256 (jose) with KONTOR_SECRET, audience kontor-preview (so a session cookie,
 * signed with the same secret, is not a token and a token is not a session). It binds the edit, the
 * staff member, the input, the preview and the versions of the rows the preview read.
 */
import crypto from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { GuardError } from '@/lib/guard/errors';

export const PREVIEW_TTL_SECONDS = 10 * 60;
const ISSUER = 'kontor';
const AUDIENCE = 'kontor-preview';

export interface RowVersion {
  key: string;
  version: string;
}

export interface PreviewClaims {
  edit: string;
  staffId: string;
  inputHash: string;
  previewHash: string;
  versions: RowVersion[];
  /** The token's own id: a preview commits once (kontor.idempotency.preview_id). Absent in older tokens. */
  id?: string;
}

function key(secret: string | undefined): Uint8Array {
  if (!secret || secret.length < 32) {
    throw new GuardError('misconfigured', 'KONTOR_SECRET must be set to at least 32 characters to sign edit previews.');
  }
  return new TextEncoder().encode(secret);
}

export async function signPreview(claims: PreviewClaims, secret: string | undefined, now = new Date()): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ edit: claims.edit, ih: claims.inputHash, ph: claims.previewHash, v: claims.versions })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.staffId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setJti(claims.id ?? crypto.randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + PREVIEW_TTL_SECONDS)
    .sign(key(secret));
}

const EXPIRED = 'The preview has expired or is not valid any more: preview the edit again.';

export async function verifyPreview(token: unknown, secret: string | undefined, now = new Date()): Promise<PreviewClaims> {
  const k = key(secret);
  if (typeof token !== 'string' || token.length > 8192) throw new GuardError('token', EXPIRED);
  try {
    const { payload } = await jwtVerify(token, k, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: now,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    const versions = payload.v;
    if (
      typeof payload.sub !== 'string' || typeof payload.edit !== 'string' || typeof payload.ih !== 'string' ||
      typeof payload.ph !== 'string' || !Array.isArray(versions)
    ) {
      throw new Error('malformed');
    }
    const id = typeof payload.jti === 'string' ? payload.jti : undefined;
    return { edit: payload.edit, staffId: payload.sub, inputHash: payload.ih, previewHash: payload.ph, versions: versions as RowVersion[], id };
  } catch {
    throw new GuardError('token', EXPIRED);
  }
}
