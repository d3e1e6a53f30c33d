-- message: Init mod1 seed system data
-- revision: init_mod1_popdata
-- down_revision: init_mod1_funcproc
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 15:46:42.130122

-- migrate:upgrade
-- System rows of module 1. They reference no core rows.
INSERT INTO mod1_item (id, sku, title, owner_account_id)
VALUES (1, 'SYS-0000', 'Unassigned stock', NULL);
INSERT INTO mod1_stock (id, item_id, location, quantity)
VALUES (1, 1, 'receiving', 0);

-- migrate:downgrade
DELETE FROM mod1_stock WHERE id = 1;
DELETE FROM mod1_item WHERE id = 1;
