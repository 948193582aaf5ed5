/** Support's guarded edits (issue 6), registered with the kernel in one line (lib/guard/registry.ts). */
import type { AnyEdit } from '@/lib/guard/define';
import { addUserNote } from '@/lib/domain/notes';
import { disputePayment } from '@/lib/domain/payments-dispute';
import { refundPayment } from '@/lib/domain/refunds';
import { grantMissingCredits } from '@/lib/domain/grants';

export const SUPPORT_EDITS: readonly AnyEdit[] = [addUserNote, disputePayment, refundPayment, grantMissingCredits];

export const PAYMENT_EDITS = { dispute: disputePayment, refund: refundPayment, grant: grantMissingCredits } as const;
export type PaymentEditKind = keyof typeof PAYMENT_EDITS;
