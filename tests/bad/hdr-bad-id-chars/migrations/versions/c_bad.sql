-- revision: c$1
-- down_revision: b

-- migrate:upgrade
