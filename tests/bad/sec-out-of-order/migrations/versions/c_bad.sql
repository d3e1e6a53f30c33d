-- revision: c
-- down_revision: b

-- migrate:downgrade
DROP TABLE t_c;
-- migrate:upgrade
CREATE TABLE t_c (x INTEGER);
