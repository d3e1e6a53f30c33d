-- message: Init core create replacables
-- revision: init_core_funcproc
-- down_revision: init_core_newtable
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 15:41:07.124567

-- migrate:upgrade
-- Replaceable objects of the core module. Only views are used here, because
-- functions, procedures and triggers are not portable between databases.
CREATE VIEW core_active_account_v AS
SELECT id, username, display_name, email
FROM core_account
WHERE is_active = 1;

CREATE VIEW core_setting_v AS
SELECT name, value
FROM core_setting;

-- migrate:downgrade
DROP VIEW core_setting_v;
DROP VIEW core_active_account_v;
