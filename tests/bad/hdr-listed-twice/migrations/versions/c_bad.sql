-- revision: c
-- down_revision: b, b

-- migrate:upgrade
