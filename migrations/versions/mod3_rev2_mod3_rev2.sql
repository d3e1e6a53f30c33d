-- message: MOD3 Rev2
-- revision: mod3_rev2
-- down_revision: mod3_rev1
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 16:08:16.154564

-- migrate:upgrade
CREATE INDEX mod3_subscription_account_id_ix ON mod3_subscription (account_id);

-- migrate:downgrade
DROP INDEX mod3_subscription_account_id_ix;
