-- message: Init core revision 0
-- revision: init_core_version0
-- down_revision:
-- branch_labels: CORE
-- depends_on: init_core_popdata
-- create_date: 2026-11-24 15:43:21.126789

-- migrate:upgrade
-- Marker revision that changes no objects. It is the base of the CORE
-- revision branch and depends on init_core_popdata, the head of the
-- INITCORE branch that builds the core objects. Later CORE revisions
-- hang from it.

-- migrate:downgrade
-- Nothing to undo: the upgrade of this marker revision changes no objects.
