-- message: Init mod3 revision 0
-- revision: init_mod3_version0
-- down_revision:
-- branch_labels: MOD3
-- depends_on: init_mod3_popdata
-- create_date: 2026-11-24 15:55:45.140121

-- migrate:upgrade
-- Marker revision that changes no objects. It is the base of the MOD3
-- revision branch and depends on init_mod3_popdata, the head of the
-- INITMOD3 branch that builds the module 3 objects. Later MOD3 revisions
-- hang from it.

-- migrate:downgrade
-- Nothing to undo: the upgrade of this marker revision changes no objects.
