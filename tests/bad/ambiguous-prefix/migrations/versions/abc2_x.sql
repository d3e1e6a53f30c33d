-- message: rev abc2
-- revision: abc2
-- down_revision: b
-- branch_labels: 
-- depends_on: 

-- migrate:upgrade


-- migrate:downgrade

