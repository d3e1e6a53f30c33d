-- message: rev b
-- revision: b
-- down_revision: c
-- branch_labels: 
-- depends_on: 

-- migrate:upgrade


-- migrate:downgrade

