-- message: rev c
-- revision: c
-- down_revision: b
-- branch_labels: 
-- depends_on: 

-- migrate:upgrade
INSERT INTO nope VALUES (1);

-- migrate:downgrade

