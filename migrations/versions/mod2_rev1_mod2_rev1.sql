-- message: MOD2 Rev1
-- revision: mod2_rev1
-- down_revision: init_mod2_version0
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 16:04:48.150120

-- migrate:upgrade
ALTER TABLE mod2_invoice ADD COLUMN due_on VARCHAR(10);

-- migrate:downgrade
ALTER TABLE mod2_invoice DROP COLUMN due_on;
