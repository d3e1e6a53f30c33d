-- message: rev c
-- revision: c
-- down_revision: b
-- branch_labels: 
-- depends_on: 

-- migrate:upgrade
CREATE TABLE t_c (x INTEGER);

-- migrate:downgrade
DROP TABLE t_c;
DROP TABLE no_such_table;
