-- message: MOD2 Rev2
-- revision: mod2_rev2
-- down_revision: mod2_rev1
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 16:05:55.151231

-- migrate:upgrade
CREATE INDEX mod2_invoice_account_id_ix ON mod2_invoice (account_id);

-- migrate:downgrade
DROP INDEX mod2_invoice_account_id_ix;
