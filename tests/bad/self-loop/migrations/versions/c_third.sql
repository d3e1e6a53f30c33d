-- message: rev c
-- revision: c
-- down_revision: c
-- branch_labels: 
-- depends_on: 

-- migrate:upgrade


-- migrate:downgrade

