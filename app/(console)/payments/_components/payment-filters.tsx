import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { PAYMENT_STATUS_KEYS, type PaymentFilters } from '@/lib/domain/payments';

const input = 'rounded-md border border-line bg-surface px-2 py-1.5 text-sm';

function Field({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">{label}</label>
      {children}
    </div>
  );
}

/** A plain GET form: the filters live in the URL, and the server reads them back (validated). */
export function PaymentFiltersForm({ filters, methods, currencies }: { filters: PaymentFilters; methods: string[]; currencies: string[] }) {
  return (
    <form action="/payments" className="flex flex-wrap items-end gap-3" aria-label="Filter payments">
      <Field id="f-status" label="Status">
        <select id="f-status" name="status" defaultValue={filters.status ?? ''} className={input}>
          <option value="">any</option>
          {PAYMENT_STATUS_KEYS.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </Field>
      <Field id="f-method" label="Method">
        <select id="f-method" name="method" defaultValue={filters.method ?? ''} className={input}>
          <option value="">any</option>
          {methods.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </Field>
      <Field id="f-currency" label="Currency">
        <select id="f-currency" name="currency" defaultValue={filters.currency ?? ''} className={input}>
          <option value="">any</option>
          {currencies.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      </Field>
      <Field id="f-min" label="Amount from">
        <input id="f-min" name="min" inputMode="decimal" defaultValue={filters.min ?? ''} className={`${input} w-24`} />
      </Field>
      <Field id="f-max" label="Amount to">
        <input id="f-max" name="max" inputMode="decimal" defaultValue={filters.max ?? ''} className={`${input} w-24`} />
      </Field>
      <Field id="f-from" label="Created from">
        <input id="f-from" name="from" type="date" defaultValue={filters.from ?? ''} className={input} />
      </Field>
      <Field id="f-to" label="Created to">
        <input id="f-to" name="to" type="date" defaultValue={filters.to ?? ''} className={input} />
      </Field>
      <Field id="f-user" label="User id">
        <input id="f-user" name="user" defaultValue={filters.user ?? ''} className={`${input} w-72 font-mono`} />
      </Field>
      <Field id="f-flag" label="Credits check">
        <select id="f-flag" name="flag" defaultValue={filters.flag ?? ''} className={input}>
          <option value="">any</option>
          <option value="any">flagged</option>
          <option value="none">paid, no credits</option>
          <option value="twice">credited twice</option>
          <option value="unpaid">credited, not paid</option>
        </select>
      </Field>
      <Button type="submit">Apply</Button>
      <Link href="/payments" className="px-2 py-1.5 text-sm text-accent underline underline-offset-4">Clear</Link>
    </form>
  );
}
