-- revision: c
-- down_revision: b/../a

-- migrate:upgrade
