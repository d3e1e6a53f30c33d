-- revision: c
-- down_revision: b

CREATE TABLE t_c (x INTEGER);
-- migrate:upgrade
