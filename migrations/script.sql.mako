-- message: ${message}
-- revision: ${up_revision}
-- down_revision: ${down_revision | comma,n}
-- branch_labels: ${branch_labels | comma,n}
-- depends_on: ${depends_on | comma,n}
-- create_date: ${create_date}

-- migrate:upgrade
-- This template (migrations/script.sql.mako) can be edited to suit the project.

-- migrate:downgrade

