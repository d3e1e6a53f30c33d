-- message: Seed development data
-- revision: init_dev_popdata
-- down_revision:
-- branch_labels: INITDEV
-- depends_on: init_all_modules
-- create_date: 2026-11-24 15:57:59.142343

-- migrate:upgrade
-- Development test data. Ids from 1000 up are reserved for it, so the
-- downgrade deletes exactly these rows and never touches system data.
INSERT INTO core_account (id, username, display_name, email, is_active)
VALUES (1001, 'dev_alice', 'Alice (dev)', 'alice@dev.example.com', 1);
INSERT INTO core_account (id, username, display_name, email, is_active)
VALUES (1002, 'dev_bob', 'Bob (dev)', 'bob@dev.example.com', 1);
INSERT INTO core_account (id, username, display_name, email, is_active)
VALUES (1003, 'dev_carol', 'Carol (dev, inactive)', NULL, 0);
INSERT INTO core_setting (id, name, value, description)
VALUES (1001, 'dev.mode', 'on', 'Set in development databases by init_dev_popdata');

INSERT INTO mod1_item (id, sku, title, owner_account_id)
VALUES (1001, 'DEV-0001', 'Dev widget', 1001);
INSERT INTO mod1_item (id, sku, title, owner_account_id)
VALUES (1002, 'DEV-0002', 'Dev gadget', 1002);
INSERT INTO mod1_stock (id, item_id, location, quantity)
VALUES (1001, 1001, 'dev-shelf-a', 25);
INSERT INTO mod1_stock (id, item_id, location, quantity)
VALUES (1002, 1002, 'dev-shelf-b', 7);

INSERT INTO mod2_invoice (id, number, account_id, currency_id, total_minor, issued_on)
VALUES (1001, 'DEV-INV-0001', 1001, 1, 12500, '2026-11-01');
INSERT INTO mod2_invoice (id, number, account_id, currency_id, total_minor, issued_on)
VALUES (1002, 'DEV-INV-0002', 1002, 2, 9900, '2026-11-15');

INSERT INTO mod3_subscription (id, channel_id, account_id, address)
VALUES (1001, 1, 1001, 'alice@dev.example.com');
INSERT INTO mod3_subscription (id, channel_id, account_id, address)
VALUES (1002, 2, 1002, '+1-555-0100');

-- migrate:downgrade
DELETE FROM mod3_subscription WHERE id IN (1001, 1002);
DELETE FROM mod2_invoice WHERE id IN (1001, 1002);
DELETE FROM mod1_stock WHERE id IN (1001, 1002);
DELETE FROM mod1_item WHERE id IN (1001, 1002);
DELETE FROM core_setting WHERE id = 1001;
DELETE FROM core_account WHERE id IN (1001, 1002, 1003);
