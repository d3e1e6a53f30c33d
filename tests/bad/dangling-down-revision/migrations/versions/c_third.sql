-- message: rev c
-- revision: c
-- down_revision: nothere
-- branch_labels: 
-- depends_on: 

-- migrate:upgrade


-- migrate:downgrade

