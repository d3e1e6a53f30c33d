-- message: rev d
-- revision: d
-- down_revision: a
-- branch_labels: 
-- depends_on: c

-- migrate:upgrade


-- migrate:downgrade

