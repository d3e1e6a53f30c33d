-- message: CORE Rev2
-- revision: core_rev2
-- down_revision: core_rev1
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 15:59:13.144565

-- migrate:upgrade
CREATE INDEX core_account_created_at_ix ON core_account (created_at);

-- migrate:downgrade
DROP INDEX core_account_created_at_ix;
