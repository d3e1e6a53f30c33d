-- message: Init core create tables
-- revision: init_core_newtable
-- down_revision:
-- branch_labels: INITCORE
-- depends_on:
-- create_date: 2026-11-24 15:40:00.123456

-- migrate:upgrade
-- Core tables shared by every module. Modules reference these tables by
-- foreign key, so their columns are never dropped or renamed by later revisions.
CREATE TABLE core_account (
    id INTEGER PRIMARY KEY,
    username VARCHAR(64) NOT NULL UNIQUE,
    display_name VARCHAR(128) NOT NULL,
    email VARCHAR(254),
    is_active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE core_setting (
    id INTEGER PRIMARY KEY,
    name VARCHAR(64) NOT NULL UNIQUE,
    value TEXT,
    description TEXT
);

-- migrate:downgrade
DROP TABLE core_setting;
DROP TABLE core_account;
