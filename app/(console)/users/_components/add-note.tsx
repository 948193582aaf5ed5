'use client';
/** A note for the user's file: typed here, then previewed and confirmed with a reason like every guarded edit. */
import { useId, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm/confirm-dialog';
import { NOTE_MAX_CHARS } from '@/lib/edits/catalog';

export function AddNote({ userId, email }: { userId: string; email: string }) {
  const [body, setBody] = useState('');
  const id = useId();
  return (
    <div className="space-y-2 rounded-lg border border-line bg-surface p-4">
      <label htmlFor={id} className="block text-sm font-medium">New note</label>
      <textarea
        id={id}
        rows={3}
        maxLength={NOTE_MAX_CHARS}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        className="w-full rounded-md border border-line bg-surface px-3 py-2 text-sm"
      />
      <ConfirmDialog
        label="Add note"
        variant="primary"
        title={`Add a note to ${email}`}
        description="Staff see notes on this page; the note and your reason go into the audit log."
        input={{ userId, body }}
        disabled={!body.trim()}
        edit="users.addNote"
        onDone={() => setBody('')}
      />
    </div>
  );
}
