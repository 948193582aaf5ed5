import type { Period } from '@/lib/domain/statement';

const input = 'rounded-md border border-line bg-surface px-2 py-1.5 text-sm';
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The period picker: a plain GET form (works without JavaScript); each kind reads its own fields. */
export function PeriodForm({ period }: { period: Period & { kind: 'day' | 'month' | 'custom' } }) {
  const last = new Date(period.to.getTime() - 1);
  return (
    <form method="get" className="flex flex-wrap items-end gap-3 rounded-lg border border-line bg-surface p-3" aria-label="Period">
      <div className="flex flex-col gap-1">
        <label htmlFor="period" className="text-sm font-medium">Period</label>
        <select id="period" name="period" defaultValue={period.kind} className={input}>
          <option value="month">Month</option>
          <option value="day">Day</option>
          <option value="custom">Custom range</option>
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="month" className="text-sm font-medium">Month</label>
        <input id="month" name="month" type="month" defaultValue={day(period.from).slice(0, 7)} className={input} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="day" className="text-sm font-medium">Day</label>
        <input id="day" name="day" type="date" defaultValue={day(period.from)} className={input} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="from" className="text-sm font-medium">From</label>
        <input id="from" name="from" type="date" defaultValue={day(period.from)} className={input} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="to" className="text-sm font-medium">To (inclusive)</label>
        <input id="to" name="to" type="date" defaultValue={day(last)} className={input} />
      </div>
      <button type="submit" className="rounded-md border border-line bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus">
        Show
      </button>
    </form>
  );
}

export function periodLabel(period: Period): string {
  const last = new Date(period.to.getTime() - 1);
  const a = day(period.from);
  const b = day(last);
  return a === b ? a : `${a} to ${b}`;
}
