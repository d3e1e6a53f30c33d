-- message: rev a
-- revision: a
-- down_revision: 
-- branch_labels: 
-- depends_on: 

-- migrate:upgrade
CREATE TABLE t_a (x INTEGER);

-- migrate:downgrade
DROP TABLE t_a;
