-- message: CORE Rev1
-- revision: core_rev1
-- down_revision: init_core_version0
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 15:58:06.143454

-- migrate:upgrade
ALTER TABLE core_account ADD COLUMN created_at VARCHAR(32);

-- migrate:downgrade
ALTER TABLE core_account DROP COLUMN created_at;
