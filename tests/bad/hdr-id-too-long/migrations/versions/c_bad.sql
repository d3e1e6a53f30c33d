-- revision: ccccccccccccccccccccccccccccccccc
-- down_revision: b

-- migrate:upgrade
