-- message: rev c
-- revision: c
-- down_revision: a
-- branch_labels: 
-- depends_on: d

-- migrate:upgrade


-- migrate:downgrade

