-- message: Init mod2 revision 0
-- revision: init_mod2_version0
-- down_revision:
-- branch_labels: MOD2
-- depends_on: init_mod2_popdata
-- create_date: 2026-11-24 15:51:17.135677

-- migrate:upgrade
-- Marker revision that changes no objects. It is the base of the MOD2
-- revision branch and depends on init_mod2_popdata, the head of the
-- INITMOD2 branch that builds the module 2 objects. Later MOD2 revisions
-- hang from it.

-- migrate:downgrade
-- Nothing to undo: the upgrade of this marker revision changes no objects.
