-- revision: c
-- down_revision: b
-- revision: c

-- migrate:upgrade
