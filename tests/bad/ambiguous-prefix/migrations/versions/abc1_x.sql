-- message: rev abc1
-- revision: abc1
-- down_revision: b
-- branch_labels: 
-- depends_on: 

-- migrate:upgrade


-- migrate:downgrade

