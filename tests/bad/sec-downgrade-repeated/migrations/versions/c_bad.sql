-- revision: c
-- down_revision: b

-- migrate:upgrade
-- migrate:downgrade
-- migrate:downgrade
