-- revision: c
-- down_revision: b
-- branch_labels: x@y

-- migrate:upgrade
