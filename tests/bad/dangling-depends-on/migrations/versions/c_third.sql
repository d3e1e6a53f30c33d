-- message: rev c
-- revision: c
-- down_revision: b
-- branch_labels: 
-- depends_on: nothere

-- migrate:upgrade


-- migrate:downgrade

