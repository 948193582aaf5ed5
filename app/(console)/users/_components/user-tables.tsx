'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns, timeOrderCaption } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { AuditRow, UserTaskRow } from '@/lib/domain/users';
import type { NoteRow } from '@/lib/domain/notes';
import { formatCredits } from '@/lib/money';
import { When } from '@/components/ui/when';
import { IdRef } from '@/components/ui/id-ref';
import { actionLabel } from '@/lib/edits/outcome';

const when = (iso: string) => <When at={iso} className="whitespace-nowrap" />;

const t = dataTableColumns<UserTaskRow>();
const taskColumns = t.columns([
  t.accessor('createdAt', { id: 'created', header: 'Created', cell: (c) => when(c.getValue()) }),
  // Shown only to roles that may open tasks (the page asks for tasks.read), so the id is a link.
  t.accessor('id', { id: 'id', header: 'Task', cell: (c) => <IdRef id={c.getValue()} href={`/tasks/${encodeURIComponent(c.getValue())}`} noun="task" label={`Task ${c.getValue()}`} /> }),
  t.accessor('type', { id: 'type', header: 'Type', cell: (c) => c.getValue() ?? '—' }),
  t.accessor('status', { id: 'status', header: 'Status' }),
  t.accessor('cost', { id: 'cost', header: 'Cost', cell: (c) => (c.getValue() === null ? '—' : formatCredits(c.getValue())), meta: { align: 'end' } }),
  t.accessor('error', { id: 'error', header: 'Error', cell: (c) => <span className="text-ink-muted">{c.getValue() ?? ''}</span> }),
]);

const n = dataTableColumns<NoteRow>();
const noteColumns = n.columns([
  n.accessor('createdAt', { id: 'created', header: 'When', cell: (c) => when(c.getValue()) }),
  n.accessor('author', { id: 'author', header: 'By' }),
  n.accessor('body', { id: 'body', header: 'Note', cell: (c) => <p className="whitespace-pre-wrap">{c.getValue()}</p> }),
]);

const a = dataTableColumns<AuditRow>();
const auditColumns = a.columns([
  a.accessor('at', { id: 'at', header: 'When', cell: (c) => when(c.getValue()) }),
  a.accessor('staff', { id: 'staff', header: 'Staff' }),
  a.accessor('action', { id: 'action', header: 'Edit', cell: (c) => <span title={c.getValue()}>{actionLabel(c.getValue())}</span> }),
  a.accessor('target', { id: 'target', header: 'On', cell: (c) => <span className="font-mono text-xs">{c.getValue()}</span> }),
  a.accessor('reason', { id: 'reason', header: 'Reason' }),
]);

interface ListProps<R> { rows: R[]; total: number; query: TableQuery; prefix: string }

export function TasksTable(p: ListProps<UserTaskRow>) {
  return <DataTable columns={taskColumns} rows={p.rows} rowCount={p.total} query={p.query} sortable={['created']} prefix={p.prefix} caption={timeOrderCaption('Tasks', p.query)} captionHidden getRowId={(r) => r.id} pageSizes={[10, 25, 100]} empty="No tasks." />;
}

export function NotesTable(p: ListProps<NoteRow>) {
  return <DataTable columns={noteColumns} rows={p.rows} rowCount={p.total} query={p.query} sortable={['created']} prefix={p.prefix} caption={timeOrderCaption('Staff notes', p.query)} captionHidden getRowId={(r) => r.id} pageSizes={[10, 25, 100]} empty="No notes yet." />;
}

const AUDIT_QUERY: TableQuery = { page: 1, pageSize: 10, sort: { id: 'at', desc: true }, q: '', offset: 0 };

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  return <DataTable columns={auditColumns} rows={rows} rowCount={rows.length} query={AUDIT_QUERY} sortable={[]} caption="The latest guarded edits of this user and their payments" captionHidden getRowId={(r) => r.id} pageSizes={[10]} empty="No guarded edit has touched this user or their payments." />;
}
