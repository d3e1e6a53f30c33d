-- message: Init mod3 create tables
-- revision: init_mod3_newtable
-- down_revision:
-- branch_labels: INITMOD3
-- depends_on: init_core_newtable
-- create_date: 2026-11-24 15:52:24.136788

-- migrate:upgrade
-- Module 3 (notifications). A subscription may belong to a core account. The
-- account is nullable, so the module never needs the core system rows.
CREATE TABLE mod3_channel (
    id INTEGER PRIMARY KEY,
    code VARCHAR(32) NOT NULL UNIQUE,
    name VARCHAR(64) NOT NULL
);

CREATE TABLE mod3_subscription (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES mod3_channel (id),
    account_id INTEGER REFERENCES core_account (id),
    address VARCHAR(254) NOT NULL
);

-- migrate:downgrade
DROP TABLE mod3_subscription;
DROP TABLE mod3_channel;
