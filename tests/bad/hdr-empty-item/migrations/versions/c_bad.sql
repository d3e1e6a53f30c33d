-- revision: c
-- down_revision: a,,b

-- migrate:upgrade
