-- message: rev c
-- revision: c
-- down_revision: b
-- branch_labels: 
-- depends_on: 

-- migrate:upgrade
CREATE TABLE t_c (x INTEGER);
CREATE TABLE t_${x.suffix} (x INTEGER);

-- migrate:downgrade
DROP TABLE t_c;
