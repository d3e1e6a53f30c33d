-- message: Init core seed system data
-- revision: init_core_popdata
-- down_revision: init_core_funcproc
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 15:42:14.125678

-- migrate:upgrade
-- System rows of the core module. Ids 1 to 999 are reserved for system data
-- and ids from 1000 up for development data (see init_dev_popdata).
INSERT INTO core_account (id, username, display_name, email, is_active)
VALUES (1, 'system', 'System', NULL, 1);
INSERT INTO core_account (id, username, display_name, email, is_active)
VALUES (2, 'admin', 'Administrator', 'admin@example.com', 1);

INSERT INTO core_setting (id, name, value, description)
VALUES (1, 'schema.owner', 'core', 'Module that owns the shared core tables');
INSERT INTO core_setting (id, name, value, description)
VALUES (2, 'locale.default', 'en_US', 'Locale given to new accounts');

-- migrate:downgrade
DELETE FROM core_setting WHERE id IN (1, 2);
DELETE FROM core_account WHERE id IN (1, 2);
