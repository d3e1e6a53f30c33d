-- message: Init mod1 create tables
-- revision: init_mod1_newtable
-- down_revision:
-- branch_labels: INITMOD1
-- depends_on: init_core_newtable
-- create_date: 2026-11-24 15:44:28.127900

-- migrate:upgrade
-- Module 1 (inventory). Items may be owned by a core account. The owner is
-- nullable, so the module never needs the core system rows.
CREATE TABLE mod1_item (
    id INTEGER PRIMARY KEY,
    sku VARCHAR(32) NOT NULL UNIQUE,
    title VARCHAR(128) NOT NULL,
    owner_account_id INTEGER REFERENCES core_account (id)
);

CREATE TABLE mod1_stock (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES mod1_item (id),
    location VARCHAR(64) NOT NULL,
    quantity INTEGER NOT NULL DEFAULT 0
);

-- migrate:downgrade
DROP TABLE mod1_stock;
DROP TABLE mod1_item;
