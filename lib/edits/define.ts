/** Declares an edit under its catalog name: label and capabilities come from lib/edits/catalog.ts. */
import 'server-only';
import { defineEdit, type EditBody, type EditDefinition } from '@/lib/guard/define';
import { editMeta, type EditName } from '@/lib/edits/catalog';

export function catalogEdit<I, B, A, R>(name: EditName, body: EditBody<I, B, A, R>): EditDefinition<I, B, A, R> {
  const { label, capability, approveCapability } = editMeta(name);
  return defineEdit({ name, label, capability, ...(approveCapability ? { approveCapability } : {}), ...body });
}
