-- message: no id
-- down_revision: b

-- migrate:upgrade
