'use client';
/** Suppress a finding (one object or all) with a note and an expiry; end a suppression. Both guarded edits. */
import { useId, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm/confirm-dialog';
const field = 'rounded-md border border-line bg-surface px-2 py-1.5 text-sm';
const ALL = '\u0000all';

export function SuppressControls(props: { advisorId: string; name: string; objects: string[]; defaultExpiry: string; minExpiry: string; maxExpiry: string }) {
  const ids = { object: useId(), note: useId(), expires: useId() };
  const [object, setObject] = useState(props.objects.length === 1 ? props.objects[0] : ALL);
  const [note, setNote] = useState('');
  const [expiresOn, setExpiresOn] = useState(props.defaultExpiry);
  const whole = object === ALL;
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-accent underline-offset-4 hover:underline">Suppress…</summary>
      <div className="mt-2 space-y-2 rounded-md border border-line p-3">
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.object} className="font-medium">Object</label>
          <select id={ids.object} value={object} onChange={(e) => setObject(e.target.value)} className={`${field} max-w-xs`}>
            <option value={ALL}>every object of this check</option>
            {props.objects.map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.note} className="font-medium">Why it is accepted</label>
          <textarea id={ids.note} rows={2} value={note} onChange={(e) => setNote(e.target.value)} className={`${field} w-full`} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.expires} className="font-medium">Until</label>
          <input id={ids.expires} type="date" value={expiresOn} min={props.minExpiry} max={props.maxExpiry} onChange={(e) => setExpiresOn(e.target.value)} className={`${field} w-44`} />
        </div>
        <ConfirmDialog
          label="Suppress"
          triggerLabel={`Suppress ${props.name}${whole ? '' : ` for ${object}`}`}
          title={`Suppress “${props.name}”`}
          description={`${whole ? 'Every object of this check' : object} is hidden until ${expiresOn}, then shows again.`}
          input={{ advisorId: props.advisorId, object: whole ? null : object, note, expiresOn }}
          disabled={note.trim().length < 3 || !expiresOn}
          onDone={() => setNote('')}
          edit="advisors.suppress"
        />
      </div>
    </details>
  );
}

export function EndSuppression({ id, what }: { id: string; what: string }) {
  return (
    <ConfirmDialog
      label="End suppression"
      triggerLabel={`End the suppression of ${what}`}
      variant="ghost"
      title={`End the suppression of ${what}`}
      description="The finding shows again at once."
      input={{ id }}
      edit="advisors.unsuppress"
    />
  );
}
