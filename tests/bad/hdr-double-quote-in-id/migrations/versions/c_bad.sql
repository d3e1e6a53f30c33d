-- revision: c"x
-- down_revision: b

-- migrate:upgrade
