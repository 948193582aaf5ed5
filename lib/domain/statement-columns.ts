/** The statement's figures, in the order the tables show them: no imports, so the client tables carry no Kysely or zod. */
export const STATEMENT_COLUMNS = ['opening', 'grants', 'spends', 'adjustments', 'refunds', 'expiries', 'other', 'closing'] as const;
