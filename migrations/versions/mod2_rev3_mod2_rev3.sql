-- message: MOD2 Rev3
-- revision: mod2_rev3
-- down_revision: mod2_rev2
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 16:06:02.152342

-- migrate:upgrade
CREATE TABLE mod2_payment (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES mod2_invoice (id),
    amount_minor INTEGER NOT NULL,
    paid_on VARCHAR(10) NOT NULL
);

CREATE VIEW mod2_invoice_open_v AS
SELECT inv.id, inv.number, inv.due_on,
       inv.total_minor - COALESCE(SUM(p.amount_minor), 0) AS open_minor
FROM mod2_invoice inv
LEFT JOIN mod2_payment p ON p.invoice_id = inv.id
GROUP BY inv.id, inv.number, inv.due_on, inv.total_minor;

-- migrate:downgrade
DROP VIEW mod2_invoice_open_v;
DROP TABLE mod2_payment;
