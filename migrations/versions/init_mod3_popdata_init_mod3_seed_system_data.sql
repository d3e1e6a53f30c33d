-- message: Init mod3 seed system data
-- revision: init_mod3_popdata
-- down_revision: init_mod3_funcproc
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 15:54:38.139010

-- migrate:upgrade
-- System rows of module 3. They reference no core rows.
INSERT INTO mod3_channel (id, code, name) VALUES (1, 'email', 'E-mail');
INSERT INTO mod3_channel (id, code, name) VALUES (2, 'sms', 'Text message');
INSERT INTO mod3_channel (id, code, name) VALUES (3, 'webhook', 'HTTP webhook');

-- migrate:downgrade
DELETE FROM mod3_channel WHERE id IN (1, 2, 3);
