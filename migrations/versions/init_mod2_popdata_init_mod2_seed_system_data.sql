-- message: Init mod2 seed system data
-- revision: init_mod2_popdata
-- down_revision: init_mod2_funcproc
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 15:50:10.134566

-- migrate:upgrade
-- System rows of module 2. They reference no core rows.
INSERT INTO mod2_currency (id, code, name, minor_units) VALUES (1, 'USD', 'US dollar', 2);
INSERT INTO mod2_currency (id, code, name, minor_units) VALUES (2, 'EUR', 'Euro', 2);
INSERT INTO mod2_currency (id, code, name, minor_units) VALUES (3, 'JPY', 'Japanese yen', 0);

-- migrate:downgrade
DELETE FROM mod2_currency WHERE id IN (1, 2, 3);
