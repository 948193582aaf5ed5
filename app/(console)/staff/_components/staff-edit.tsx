'use client';
/** The Staff page's edit controls: each opens the shared confirm dialog bound to one staff edit. */
import { useId, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm/confirm-dialog';
import { STAFF_ROLES, type StaffRole } from '@/lib/auth/permissions';

const selectClass = 'rounded-md border border-line bg-surface px-2 py-1.5 text-sm';

export function ChangeRole({ userId, email, role }: { userId: string; email: string; role: StaffRole }) {
  const [next, setNext] = useState<StaffRole>(role);
  const id = useId();
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor={id} className="sr-only">Role for {email}</label>
      <select id={id} value={next} onChange={(e) => setNext(e.target.value as StaffRole)} className={selectClass}>
        {STAFF_ROLES.map((r) => (
          <option key={r} value={r}>{r}</option>
        ))}
      </select>
      <ConfirmDialog
        label="Change role"
        triggerLabel={`Change role of ${email}`}
        title={`Change the role of ${email}`}
        description={`From ${role} to ${next}.`}
        input={{ userId, role: next }}
        disabled={next === role}
        edit="staff.changeRole"
      />
    </div>
  );
}

export function RemoveStaff({ userId, email }: { userId: string; email: string }) {
  return (
    <ConfirmDialog
      label="Remove"
      triggerLabel={`Remove ${email}`}
      variant="ghost"
      title={`Remove ${email} from Kontor`}
      description="They keep their product account; they lose access to Kontor at their next request."
      input={{ userId }}
      edit="staff.remove"
    />
  );
}

export function AddStaffControls() {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<StaffRole>('viewer');
  const emailId = useId();
  const roleId = useId();
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="flex flex-col gap-1">
        <label htmlFor={emailId} className="text-sm font-medium">Email of an auth user</label>
        <input
          id={emailId}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="off"
          className="w-72 rounded-md border border-line bg-surface px-3 py-1.5 text-sm"
        />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={roleId} className="text-sm font-medium">Role</label>
        <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as StaffRole)} className={selectClass}>
          {STAFF_ROLES.map((r) => (
            <option key={r} value={r}>{r}</option>
          ))}
        </select>
      </div>
      <ConfirmDialog
        label="Add staff member"
        variant="primary"
        title="Add a staff member"
        description={email ? `${email} as ${role}.` : undefined}
        input={{ email, role }}
        disabled={!email.trim()}
        onDone={() => setEmail('')}
        edit="staff.add"
      />
    </div>
  );
}
