-- revision: c
-- down_revision: b
-- transactional: maybe

-- migrate:upgrade
