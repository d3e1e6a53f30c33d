-- revision: c
-- down_revison: b

-- migrate:upgrade

-- migrate:downgrade
