-- revision: c
-- down_revision: b

-- migrate:upgrade
SELECT 1;
-- migrate:upgrade
SELECT 2;
