-- message: Init mod1 revision 0
-- revision: init_mod1_version0
-- down_revision:
-- branch_labels: MOD1
-- depends_on: init_mod1_popdata
-- create_date: 2026-11-24 15:47:49.131233

-- migrate:upgrade
-- Marker revision that changes no objects. It is the base of the MOD1
-- revision branch and depends on init_mod1_popdata, the head of the
-- INITMOD1 branch that builds the module 1 objects. Later MOD1 revisions
-- hang from it.

-- migrate:downgrade
-- Nothing to undo: the upgrade of this marker revision changes no objects.
