-- message: rev c
-- revision: c
-- down_revision: b
-- branch_labels: 
-- depends_on: 

-- migrate:upgrade
CREATE TABLE t_c (x INTEGER);
INSERT INTO no_such_table VALUES (1);

-- migrate:downgrade
DROP TABLE t_c;
