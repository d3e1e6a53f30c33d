-- message: Init mod3 create replacables
-- revision: init_mod3_funcproc
-- down_revision: init_mod3_newtable
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 15:53:31.137899

-- migrate:upgrade
-- Replaceable objects of module 3. Views only (no triggers, they are not portable).

CREATE VIEW mod3_subscription_v AS
SELECT s.id, c.code AS channel_code, s.address, a.username AS account_username
FROM mod3_subscription s
JOIN mod3_channel c ON c.id = s.channel_id
LEFT JOIN core_account a ON a.id = s.account_id;

CREATE VIEW mod3_channel_usage_v AS
SELECT c.id, c.code, COUNT(s.id) AS subscription_count
FROM mod3_channel c
LEFT JOIN mod3_subscription s ON s.channel_id = c.id
GROUP BY c.id, c.code;

-- migrate:downgrade
DROP VIEW mod3_channel_usage_v;
DROP VIEW mod3_subscription_v;
