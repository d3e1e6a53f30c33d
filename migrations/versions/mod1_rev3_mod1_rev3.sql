-- message: MOD1 Rev3
-- revision: mod1_rev3
-- down_revision: mod1_rev2
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 16:03:41.149009

-- migrate:upgrade
CREATE TABLE mod1_location (
    id INTEGER PRIMARY KEY,
    code VARCHAR(64) NOT NULL UNIQUE,
    description TEXT
);

INSERT INTO mod1_location (id, code, description)
VALUES (1, 'receiving', 'Goods received and not yet shelved');

CREATE VIEW mod1_item_unit_v AS
SELECT id, sku, title, unit
FROM mod1_item;

-- migrate:downgrade
DROP VIEW mod1_item_unit_v;
DROP TABLE mod1_location;
