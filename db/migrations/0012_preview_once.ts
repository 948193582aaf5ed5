import { sql, type Kysely } from 'kysely';

/**
 * One commit per preview (issue 16): each preview token carries a random id, recorded with the commit's
 * idempotency row; a second commit of the same token under another idempotency key meets this unique
 * index. (Most edits were refused anyway, their rows' versions having moved; an appended note's were not.)
 * Frozen once landed: a change is a new migration.
 */
export async function up(db: Kysely<unknown>) {
  await sql`alter table kontor.idempotency add column preview_id text`.execute(db);
  await sql`create unique index idempotency_preview_id_key on kontor.idempotency (preview_id)`.execute(db);
  await sql`comment on column kontor.idempotency.preview_id is 'The committed preview token''s id (jti): a token commits once.'`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`alter table kontor.idempotency drop column preview_id`.execute(db);
}
