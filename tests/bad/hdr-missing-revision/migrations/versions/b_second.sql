-- message: rev b
-- revision: b
-- down_revision: a
-- branch_labels: 
-- depends_on: 

-- migrate:upgrade
CREATE TABLE t_b (x INTEGER);

-- migrate:downgrade
DROP TABLE t_b;
