-- message: MOD1 Rev1
-- revision: mod1_rev1
-- down_revision: init_mod1_version0
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 16:01:27.146787

-- migrate:upgrade
ALTER TABLE mod1_item ADD COLUMN unit VARCHAR(16);

-- migrate:downgrade
ALTER TABLE mod1_item DROP COLUMN unit;
