-- message: rev c
-- revision: c
-- down_revision: 
-- branch_labels: L
-- depends_on: 

-- migrate:upgrade


-- migrate:downgrade

