/** The reconciliation's verdicts on a payment's credits (payment-credit.ts), as a badge or a heading says them. */
export const CREDIT_FLAG_TEXT = {
  payment_without_grant: 'Paid, no credits',
  payment_granted_twice: 'Credited twice',
  grant_without_payment: 'Credited, not paid',
} as const;
