'use client';
/**
 * Ctrl+K / ⌘K from anywhere: jump to an area, or search users, payments and tasks (the Users page
 * runs the search on the server). A native <dialog>: focus is trapped and restored, Escape closes it.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import type { NavArea } from '@/lib/nav';

interface Choice {
  key: string;
  label: string;
  hint: string;
  href: string;
}

export function CommandPalette({ areas }: { areas: NavArea[] }) {
  const ref = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const titleId = useId();
  const listId = useId();
  const canSearch = areas.some((a) => a.href === '/users');

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        const d = ref.current;
        if (!d) return;
        if (d.open) d.close();
        else {
          setText('');
          setActive(0);
          d.showModal();
        }
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const choices = useMemo<Choice[]>(() => {
    const q = text.trim();
    const list: Choice[] = [];
    if (q && canSearch) list.push({ key: 'search', label: `Search for “${q}”`, hint: 'email, name, ids, provider ref, order id', href: `/users?q=${encodeURIComponent(q)}` });
    const lower = q.toLowerCase();
    for (const a of areas) {
      if (!q || a.label.toLowerCase().includes(lower) || (a.group ?? '').toLowerCase().includes(lower)) {
        list.push({ key: a.href, label: a.group ? `${a.group}: ${a.label}` : a.label, hint: 'go to', href: a.href });
      }
    }
    return list.slice(0, 12);
  }, [text, areas, canSearch]);

  function go(choice: Choice | undefined) {
    if (!choice) return;
    ref.current?.close();
    router.push(choice.href);
  }

  const current = Math.min(active, Math.max(choices.length - 1, 0));
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      className="mx-auto mt-[15vh] w-[min(36rem,calc(100vw-2rem))] rounded-xl border border-line bg-surface p-0 text-ink shadow-xl backdrop:bg-black/50"
    >
      <form
        role="search"
        className="space-y-2 p-3"
        onSubmit={(e) => {
          e.preventDefault();
          go(choices[current]);
        }}
      >
        <h2 id={titleId} className="sr-only">Command palette</h2>
        <label htmlFor={`${listId}-input`} className="sr-only">{canSearch ? 'Search or go to' : 'Go to'}</label>
        <input
          id={`${listId}-input`}
          type="search"
          autoFocus
          autoComplete="off"
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={choices[current] ? `${listId}-${current}` : undefined}
          placeholder={canSearch ? 'Search users, payments, tasks, or go to an area…' : 'Go to an area…'}
          value={text}
          maxLength={200}
          onChange={(e) => {
            setText(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') { e.preventDefault(); setActive((i) => Math.min(i + 1, choices.length - 1)); }
            if (e.key === 'ArrowUp') { e.preventDefault(); setActive((i) => Math.max(i - 1, 0)); }
          }}
          className="w-full rounded-md border border-line bg-surface px-3 py-2 text-base focus-visible:outline-2 focus-visible:outline-focus"
        />
        <ul id={listId} role="listbox" aria-label="Choices" className="max-h-80 overflow-y-auto">
          {choices.map((c, i) => (
            <li
              key={c.key}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === current}
              onMouseEnter={() => setActive(i)}
              onClick={() => go(c)}
              className={`flex cursor-pointer items-baseline justify-between gap-4 rounded-md px-3 py-2 text-sm ${i === current ? 'bg-surface-muted' : ''}`}
            >
              <span className="font-medium">{c.label}</span>
              <span className="text-xs text-ink-muted">{c.hint}</span>
            </li>
          ))}
        </ul>
        <p className="px-1 text-xs text-ink-muted">Enter opens · ↑↓ choose · Esc closes</p>
      </form>
    </dialog>
  );
}
