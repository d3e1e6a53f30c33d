-- revision: c
-- down_revision b

-- migrate:upgrade
