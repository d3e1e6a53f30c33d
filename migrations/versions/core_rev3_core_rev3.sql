-- message: CORE Rev3
-- revision: core_rev3
-- down_revision: core_rev2
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 16:00:20.145676

-- migrate:upgrade
CREATE TABLE core_audit_log (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES core_account (id),
    action VARCHAR(64) NOT NULL,
    detail TEXT,
    logged_at VARCHAR(32) NOT NULL
);

CREATE VIEW core_audit_log_v AS
SELECT l.id, l.logged_at, l.action, a.username
FROM core_audit_log l
LEFT JOIN core_account a ON a.id = l.account_id;

-- migrate:downgrade
DROP VIEW core_audit_log_v;
DROP TABLE core_audit_log;
