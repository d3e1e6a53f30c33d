-- message: Init mod2 create tables
-- revision: init_mod2_newtable
-- down_revision:
-- branch_labels: INITMOD2
-- depends_on: init_core_newtable
-- create_date: 2026-11-24 15:48:56.132344

-- migrate:upgrade
-- Module 2 (billing). Invoices may be billed to a core account. The account
-- is nullable, so the module never needs the core system rows.
CREATE TABLE mod2_currency (
    id INTEGER PRIMARY KEY,
    code VARCHAR(3) NOT NULL UNIQUE,
    name VARCHAR(64) NOT NULL,
    minor_units INTEGER NOT NULL DEFAULT 2
);

CREATE TABLE mod2_invoice (
    id INTEGER PRIMARY KEY,
    number VARCHAR(32) NOT NULL UNIQUE,
    account_id INTEGER REFERENCES core_account (id),
    currency_id INTEGER NOT NULL REFERENCES mod2_currency (id),
    total_minor INTEGER NOT NULL DEFAULT 0,
    issued_on VARCHAR(10) NOT NULL
);

-- migrate:downgrade
DROP TABLE mod2_invoice;
DROP TABLE mod2_currency;
