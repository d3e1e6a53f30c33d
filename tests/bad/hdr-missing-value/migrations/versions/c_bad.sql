-- revision:
-- down_revision: b

-- migrate:upgrade
