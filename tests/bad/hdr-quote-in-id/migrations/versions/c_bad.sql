-- revision: c'; DROP TABLE t_a; --
-- down_revision: b

-- migrate:upgrade
