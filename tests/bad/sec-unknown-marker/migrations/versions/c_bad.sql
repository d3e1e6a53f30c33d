-- revision: c
-- down_revision: b

-- migrate:up
CREATE TABLE t_c (x INTEGER);
-- migrate:down
