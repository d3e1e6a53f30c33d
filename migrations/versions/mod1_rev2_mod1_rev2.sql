-- message: MOD1 Rev2
-- revision: mod1_rev2
-- down_revision: mod1_rev1
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 16:02:34.147898

-- migrate:upgrade
CREATE INDEX mod1_stock_item_id_ix ON mod1_stock (item_id);

-- migrate:downgrade
DROP INDEX mod1_stock_item_id_ix;
