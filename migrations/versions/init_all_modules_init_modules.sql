-- message: Init modules
-- revision: init_all_modules
-- down_revision:
-- branch_labels: INITALL
-- depends_on: init_mod1_popdata,init_mod2_popdata,init_mod3_popdata
-- create_date: 2026-11-24 15:56:52.141232

-- migrate:upgrade
-- Shortcut that installs every module (a development convenience). Its
-- dependencies do the work. It adds one view that spans the modules.
CREATE VIEW all_modules_summary_v AS
SELECT 'mod1' AS module_name, 'mod1_item' AS table_name, COUNT(*) AS row_count
FROM mod1_item
UNION ALL
SELECT 'mod2', 'mod2_invoice', COUNT(*)
FROM mod2_invoice
UNION ALL
SELECT 'mod3', 'mod3_subscription', COUNT(*)
FROM mod3_subscription;

-- migrate:downgrade
DROP VIEW all_modules_summary_v;
