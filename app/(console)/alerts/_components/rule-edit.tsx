'use client';
/** One rule's change controls: on/off, threshold, re-notify interval, then the shared confirm dialog. */
import { useId, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm/confirm-dialog';
import type { AlertRuleId, AlertRuleMeta } from '@/lib/alerts/rule-meta';

const inputClass = 'w-24 rounded-md border border-line bg-surface px-2 py-1 text-sm tabular-nums';

export function RuleEdit(props: {
  rule: AlertRuleId; label: string; enabled: boolean; threshold: number | null; renotifyMinutes: number; thresholdSpec: AlertRuleMeta['thresholdSpec'];
}) {
  const [enabled, setEnabled] = useState(props.enabled);
  const [threshold, setThreshold] = useState(props.threshold === null ? '' : String(props.threshold));
  const [renotify, setRenotify] = useState(String(props.renotifyMinutes));
  const ids = { on: useId(), threshold: useId(), renotify: useId() };
  const spec = props.thresholdSpec;
  const unchanged = enabled === props.enabled && renotify === String(props.renotifyMinutes)
    && threshold === (props.threshold === null ? '' : String(props.threshold));
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="flex items-center gap-1.5">
        <input id={ids.on} type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <label htmlFor={ids.on} className="text-sm">On<span className="sr-only">: {props.label}</span></label>
      </div>
      {spec ? (
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.threshold} className="text-xs font-medium">{spec.label}<span className="sr-only">, {props.label}</span></label>
          <input id={ids.threshold} type="number" inputMode="decimal" min={spec.min} max={spec.max} value={threshold}
            onChange={(e) => setThreshold(e.target.value)} className={inputClass} />
        </div>
      ) : null}
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.renotify} className="text-xs font-medium">Re-notify (minutes)<span className="sr-only">, {props.label}</span></label>
        <input id={ids.renotify} type="number" inputMode="numeric" min={1} value={renotify}
          onChange={(e) => setRenotify(e.target.value)} className={inputClass} />
      </div>
      <ConfirmDialog
        edit="alerts.updateRule"
        label="Change"
        triggerLabel={`Change rule ${props.label}`}
        title={`Change the rule "${props.label}"`}
        description={`${enabled ? 'On' : 'Off'}${spec ? `, threshold ${threshold} ${spec.unit}` : ''}, re-notify every ${renotify} min.`}
        input={{ rule: props.rule, enabled, threshold: spec ? (threshold === '' ? null : threshold) : null, renotifyMinutes: renotify }}
        disabled={unchanged}
      />
    </div>
  );
}
