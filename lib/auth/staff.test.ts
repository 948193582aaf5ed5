import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CAPABILITIES, PERMISSIONS, STAFF_ROLES } from '@/lib/auth/permissions';
import { StaffContext, authorizeStaff, loadStaff } from '@/lib/auth/staff';
import { authDatabase, type AuthDatabase } from '@/test/auth-standin';

let t: AuthDatabase;
before(async () => {
  t = await authDatabase();
});
after(async () => {
  await t?.close();
  await t?.drop();
});

const account = (role: string | null) => {
  const a = t.accounts.find((x) => x.role === role);
  assert.ok(a, `fixture has a ${role ?? 'customer'} account`);
  return a;
};

test('every role x every capability: authorizeStaff answers as the table says', async () => {
  for (const role of STAFF_ROLES) {
    const { userId, email } = account(role);
    for (const cap of CAPABILITIES) {
      const result = await authorizeStaff(t.db, { userId, email }, cap);
      const allowed = (PERMISSIONS[cap] as readonly string[]).includes(role);
      if (allowed) {
        assert.ok(result.ok, `${role} should have ${cap}`);
        assert.equal(result.staff.role, role);
        assert.equal(result.staff.userId, userId);
      } else {
        assert.ok(!result.ok && result.reason === 'forbidden', `${role} should not have ${cap}`);
        assert.equal(result.staff.role, role);
      }
    }
  }
});

test('a product user with no kontor.staff row is not staff, whatever it asks for', async () => {
  const { userId, email } = account(null);
  for (const cap of CAPABILITIES) {
    assert.deepEqual(await authorizeStaff(t.db, { userId, email }, cap), { ok: false, reason: 'not-staff' });
  }
});

test('an id that is not a uuid is refused before it reaches the query', async () => {
  assert.equal(await loadStaff(t.db, { userId: "x' or 1=1 --", email: '' }), null);
  assert.equal(await loadStaff(t.db, { userId: '', email: '' }), null);
});

test('the role comes from kontor.staff and follows it: a demotion takes effect on the next check', async () => {
  const { userId, email } = account('finance');
  assert.ok((await authorizeStaff(t.db, { userId, email }, 'credits.adjust')).ok);
  await t.db.updateTable('kontor.staff').set({ role: 'viewer' }).where('user_id', '=', userId).execute();
  try {
    const r = await authorizeStaff(t.db, { userId, email }, 'credits.adjust');
    assert.ok(!r.ok && r.reason === 'forbidden');
  } finally {
    await t.db.updateTable('kontor.staff').set({ role: 'finance' }).where('user_id', '=', userId).execute();
  }
});

test('a StaffContext cannot be made by hand', () => {
  // @ts-expect-error the constructor is private
  assert.throws(() => new StaffContext(Symbol('kontor.staff-context'), 'a', 'b', 'admin'));
  // @ts-expect-error mint needs the module's own symbol
  assert.throws(() => StaffContext.mint(Symbol('kontor.staff-context'), 'a', 'b', 'admin'));
  const forged = { userId: 'a', email: 'b', role: 'admin' as const, can: () => true };
  // @ts-expect-error a look-alike object is not a StaffContext (#verified makes the class nominal)
  const asStaff: StaffContext = forged;
  assert.ok(asStaff);
});

test('the context serialises without methods', async () => {
  const { userId, email } = account('support');
  const staff = await loadStaff(t.db, { userId, email });
  assert.deepEqual(JSON.parse(JSON.stringify(staff)), { userId, email, role: 'support' });
});
