-- message: Init mod1 create replacables
-- revision: init_mod1_funcproc
-- down_revision: init_mod1_newtable
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 15:45:35.129011

-- migrate:upgrade
-- Replaceable objects of module 1. Views only (no triggers, they are not portable).

CREATE VIEW mod1_item_owner_v AS
SELECT i.id, i.sku, i.title, a.username AS owner_username
FROM mod1_item i
LEFT JOIN core_account a ON a.id = i.owner_account_id;

CREATE VIEW mod1_stock_total_v AS
SELECT i.id AS item_id, i.sku, COALESCE(SUM(s.quantity), 0) AS total_quantity
FROM mod1_item i
LEFT JOIN mod1_stock s ON s.item_id = i.id
GROUP BY i.id, i.sku;

-- migrate:downgrade
DROP VIEW mod1_stock_total_v;
DROP VIEW mod1_item_owner_v;
