import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAPABILITIES, PERMISSIONS, STAFF_ROLES, capabilitiesOf, isCapability, roleCan } from '@/lib/auth/permissions';

const REQUIRED = [
  'overview.read', 'database.read', 'database.terminate', 'security.read', 'security.impersonate',
  'users.read', 'users.note', 'payments.read', 'payments.dispute', 'payments.refund', 'payments.approve',
  'credits.read', 'credits.adjust', 'credits.approve', 'credits.reconcile', 'tasks.read', 'tasks.requeue', 'tasks.cancel',
  'audit.read', 'approvals.read', 'staff.manage', 'jobs.read', 'jobs.run', 'alerts.read', 'alerts.manage',
];

test('the table defines exactly the issue\'s capabilities', () => {
  assert.deepEqual([...CAPABILITIES].sort(), [...REQUIRED].sort());
});

test('admin may do everything; only admin manages staff', () => {
  assert.deepEqual(capabilitiesOf('admin'), CAPABILITIES);
  assert.deepEqual(PERMISSIONS['staff.manage'], ['admin']);
});

test('every role reads the overview, and viewer nothing else', () => {
  for (const role of STAFF_ROLES) assert.ok(roleCan(role, 'overview.read'), role);
  assert.deepEqual(capabilitiesOf('viewer'), ['overview.read']);
});

test('support reads and requests; it changes no money, credits or tasks', () => {
  for (const cap of ['users.read', 'users.note', 'payments.read', 'payments.dispute'] as const) {
    assert.ok(roleCan('support', cap), cap);
  }
  for (const cap of ['payments.refund', 'payments.approve', 'credits.adjust', 'credits.approve', 'credits.reconcile', 'tasks.requeue', 'tasks.cancel'] as const) {
    assert.ok(!roleCan('support', cap), cap);
  }
});

test('finance owns money and credits; engineer owns database, security and task operations', () => {
  for (const cap of ['payments.refund', 'payments.approve', 'credits.adjust', 'credits.approve', 'credits.reconcile'] as const) {
    assert.ok(roleCan('finance', cap) && !roleCan('engineer', cap), cap);
  }
  for (const cap of ['database.read', 'database.terminate', 'security.read', 'security.impersonate', 'tasks.requeue', 'tasks.cancel'] as const) {
    assert.ok(roleCan('engineer', cap) && !roleCan('finance', cap), cap);
  }
});

test('role lists hold known roles only, without repeats', () => {
  for (const [cap, roles] of Object.entries(PERMISSIONS)) {
    assert.equal(new Set(roles).size, roles.length, cap);
    for (const role of roles) assert.ok((STAFF_ROLES as readonly string[]).includes(role), `${cap}: ${role}`);
  }
});

test('isCapability accepts table keys only', () => {
  assert.ok(isCapability('credits.adjust'));
  assert.ok(!isCapability('credits.delete'));
  assert.ok(!isCapability('toString'));
  assert.ok(!isCapability(undefined));
});
