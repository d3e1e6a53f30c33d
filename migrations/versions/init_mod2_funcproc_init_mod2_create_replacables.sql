-- message: Init mod2 create replacables
-- revision: init_mod2_funcproc
-- down_revision: init_mod2_newtable
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 15:49:03.133455

-- migrate:upgrade
-- Replaceable objects of module 2. Views only (no triggers, they are not portable).

CREATE VIEW mod2_invoice_v AS
SELECT inv.id, inv.number, inv.issued_on, c.code AS currency_code,
       inv.total_minor, a.username AS account_username
FROM mod2_invoice inv
JOIN mod2_currency c ON c.id = inv.currency_id
LEFT JOIN core_account a ON a.id = inv.account_id;

CREATE VIEW mod2_account_balance_v AS
SELECT inv.account_id, c.code AS currency_code, SUM(inv.total_minor) AS balance_minor
FROM mod2_invoice inv
JOIN mod2_currency c ON c.id = inv.currency_id
GROUP BY inv.account_id, c.code;

-- migrate:downgrade
DROP VIEW mod2_account_balance_v;
DROP VIEW mod2_invoice_v;
