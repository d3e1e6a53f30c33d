-- message: MOD3 Rev1
-- revision: mod3_rev1
-- down_revision: init_mod3_version0
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 16:07:09.153453

-- migrate:upgrade
ALTER TABLE mod3_channel ADD COLUMN description TEXT;

-- migrate:downgrade
ALTER TABLE mod3_channel DROP COLUMN description;
