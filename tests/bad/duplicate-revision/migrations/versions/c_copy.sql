-- message: rev b
-- revision: b
-- down_revision: a
-- branch_labels: 
-- depends_on: 

-- migrate:upgrade


-- migrate:downgrade

